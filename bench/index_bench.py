"""4. Index build time, size and query latency (both backends); 5. OCR per scanned page, cached second run."""

from __future__ import annotations

import shutil
import time
from multiprocessing import Pool
from pathlib import Path

from bench.common import dir_mb, fresh, median, percentile
from bench.synth_docs import documents, queries_by_kind

KEY = bytes(range(32))
CHUNK = 2000


# ------------------------------------------------------------------ synthetic documents

def _chunk_docs(i: int):
    docs = documents(CHUNK, seed=1000 + i)
    for d in docs:   # distinct households across chunks
        d.household = d.household.replace("HS-", f"C{i:03d}-")
        d.group = "a/" + d.household
        d.id = f"{i}:{d.id}"
    return docs


def _flatten_chunk(args):
    i, folder = args
    from indexer.index import open_index

    docs = _chunk_docs(i)
    ix = open_index(Path(folder) / f"w{i % 2}", "tantivy", key=KEY)   # only for its analysis (_flatten)
    rows = [ix._flatten(d) for d in docs]
    ix.close()
    return rows, docs[::97]


def build_sequential(path: Path, backend: str, n_docs: int) -> dict:
    """The product path: SearchIndex.add (analysis in this process) then commit."""
    from indexer.index import open_index

    fresh(path)
    chunks = n_docs // CHUNK
    all_docs = [_chunk_docs(i) for i in range(chunks)]   # generated before timing
    t0 = time.monotonic()
    ix = open_index(path, backend, key=KEY)
    rows = []
    for docs in all_docs:   # what SearchIndex.add does, keeping the rows for build_replicated
        batch = [ix._flatten(d) for d in docs]
        ix.backend.add(batch)
        rows.extend(batch)
    ix.commit()
    ix.close()
    secs = time.monotonic() - t0
    sample = [d for docs in all_docs for d in docs[::97]]
    return {"seconds": secs, "docs": n_docs, "size_mb": dir_mb(path), "sample": sample, "mode": "sequential",
            "rows": rows}


def build_replicated(path: Path, backend: str, rows: list[dict], factor: int) -> dict:
    """`factor` copies of analysed rows under distinct ids, groups and households (analysis not repeated).

    Every name, ID tail and phrase then matches `factor` times as many documents as in the
    original set: query latency measured on it is on the pessimistic side.
    """
    from indexer.index import open_index

    fresh(path)
    t0 = time.monotonic()
    ix = open_index(path, backend, key=KEY)
    for k in range(factor):
        batch = []
        for r in rows:
            c = dict(r)
            c["id"], c["group"] = f"r{k}:{r['id']}", f"{r['group']}#r{k}"
            c["household"] = f"{r['household']}#r{k}"
            batch.append(c)
            if len(batch) >= CHUNK:
                ix.backend.add(batch)
                batch = []
        if batch:
            ix.backend.add(batch)
    ix.commit()
    ix.close()
    return {"seconds": time.monotonic() - t0, "docs": len(rows) * factor, "size_mb": dir_mb(path),
            "mode": f"{len(rows):,} analysed rows ×{factor}, engine writes only"}


def build_parallel(path: Path, backend: str, n_docs: int, procs: int = 2) -> dict:
    """Analysis (SearchIndex._flatten, what add() does) in `procs` processes, engine writes in this one."""
    from indexer.index import open_index

    fresh(path)
    scratch = fresh(path.parent / (path.name + "-scratch"))
    chunks = n_docs // CHUNK
    t0 = time.monotonic()
    ix = open_index(path, backend, key=KEY)
    sample, write_s = [], 0.0
    with Pool(procs) as pool:
        for rows, some in pool.imap(_flatten_chunk, [(i, str(scratch)) for i in range(chunks)]):
            w0 = time.monotonic()
            ix.backend.add(rows)
            write_s += time.monotonic() - w0
            sample.extend(some)
    w0 = time.monotonic()
    ix.commit()
    write_s += time.monotonic() - w0
    ix.close()
    secs = time.monotonic() - t0
    shutil.rmtree(scratch, ignore_errors=True)
    return {"seconds": secs, "write_seconds": write_s, "docs": n_docs, "size_mb": dir_mb(path), "sample": sample,
            "mode": f"analysis in {procs} processes (includes generating the documents)"}


def query_latency(path: Path, backend: str, qs) -> dict:
    """Latency of each (kind, query, filters) after 10 warm-up queries, overall and by kind.

    `approximate` counts the answers whose total is a lower bound (a very common phrase, see
    indexer/backend_tantivy.py), not an exact count."""
    from indexer.index import open_index

    ix = open_index(path, backend, key=KEY, create=False)
    for _kind, q, f in qs[:10]:   # warm-up: not counted
        ix.search(q, f, limit=20)
    lat, hits, approx, by_kind = [], 0, 0, {}
    for kind, q, f in qs:
        t0 = time.perf_counter()
        r = ix.search(q, f, limit=20)
        ms = (time.perf_counter() - t0) * 1000
        lat.append(ms)
        by_kind.setdefault(kind, []).append(ms)
        hits += r.total > 0
        approx += not r.total_exact
    ix.close()
    kinds = {k: {"n": len(v), "p50_ms": percentile(v, 50), "p95_ms": percentile(v, 95), "max_ms": max(v)}
             for k, v in by_kind.items()}
    return {"p50_ms": percentile(lat, 50), "p95_ms": percentile(lat, 95), "max_ms": max(lat),
            "queries": len(qs), "with_hits": hits, "approximate": approx, "by_kind": kinds}


# ------------------------------------------------------------------ the demo archive, and OCR

def demo_subset(built_ws: Path, dest: Path, households: int) -> Path:
    """A workspace holding the first `households` built household folders of a built demo archive."""
    fresh(dest)
    folders = sorted(p.parent for p in (built_ws / "archive").rglob("manifest.json"))[:households]
    for f in folders:
        shutil.copytree(f, dest / "archive" / f.relative_to(built_ws / "archive"))
    (dest / ".dibao").mkdir(mode=0o700)
    return dest


def index_demo(ws: Path, backend: str, cold: bool) -> dict:
    from indexer.pipeline import index_archive

    if cold:
        shutil.rmtree(ws / ".dibao" / "ocr-cache", ignore_errors=True)
    t0 = time.monotonic()
    st = index_archive(ws, backend=backend, rebuild=True)
    secs = time.monotonic() - t0
    size = dir_mb(ws / ".dibao" / "index" / st.backend)
    return {"seconds": secs, "pages": st.pages, "ocr_pages": st.ocr_pages, "ocr_cached": st.ocr_cached,
            "size_mb": size, "households": st.added + st.updated, "backend": st.backend}


def demo_and_ocr(built_ws: Path, work: Path, households: int, repeat: int, log) -> dict:
    ws = demo_subset(built_ws, work / "index-demo", households)
    cold = index_demo(ws, "tantivy", cold=True)
    log(f"index demo ({households} households) cold OCR: {cold['seconds']:.1f} s, {cold['pages']} pages, "
        f"{cold['ocr_pages']} OCR'd")
    out = {"households": households, "cold": cold}
    for backend in ("tantivy", "whoosh"):
        runs = [index_demo(ws, backend, cold=False) for _ in range(repeat)]
        out[backend] = {"runs": runs, "seconds": median([r["seconds"] for r in runs]), "size_mb": runs[-1]["size_mb"],
                        "pages": runs[-1]["pages"], "ocr_cached": runs[-1]["ocr_cached"]}
        log(f"index demo {backend} (OCR cached): {[round(r['seconds'], 2) for r in runs]} s, "
            f"{runs[-1]['size_mb']:.1f} MB")
    warm = out["tantivy"]["seconds"]
    n = max(cold["ocr_pages"], 1)
    out["ocr_s_per_page"] = (cold["seconds"] - warm) / n
    out["ocr_cached_ms_per_page"] = warm / max(out["tantivy"]["pages"], 1) * 1000
    return out


def synthetic(work: Path, runs: list, parallel_from: int, n_queries: int, log, save=None) -> dict:
    """runs: [(backend, documents)], in order.  A size that is a multiple of an earlier size of the same
    backend reuses that run's analysed rows (build_replicated); from `parallel_from` documents otherwise
    the analysis runs in 2 processes."""
    out, kept = {}, {}
    for backend, n in runs:
        path = work / f"index-{backend}-{n}"
        base = next((m for m in kept if n % m == 0 and n > m), None)
        if base is not None:   # analysed rows are the same for every backend
            rows, sample = kept[base]
            b = build_replicated(path, backend, rows, n // base)
            b["sample"] = sample
        elif n >= parallel_from:
            b = build_parallel(path, backend, n)
        else:
            b = build_sequential(path, backend, n)
            kept[n] = (b.pop("rows"), list(b["sample"]))
        qs = queries_by_kind(b.pop("sample"), n_queries)
        q = query_latency(path, backend, qs)
        out[f"{backend}-{n}"] = {**b, **q, "backend": backend}
        log(f"index {backend} {n} docs: build {b['seconds']:.1f} s ({b['mode']}), {b['size_mb']:.0f} MB, "
            f"p50 {q['p50_ms']:.2f} ms, p95 {q['p95_ms']:.2f} ms, max {q['max_ms']:.1f} ms, "
            f"{q['with_hits']}/{q['queries']} with hits, {q['approximate']} totals given as at-least")
        log(f"index {backend} {n} by kind (p50/p95/max ms): " + "; ".join(
            f"{k} ×{v['n']} {v['p50_ms']:.1f}/{v['p95_ms']:.1f}/{v['max_ms']:.1f}" for k, v in q["by_kind"].items()))
        shutil.rmtree(path, ignore_errors=True)
        if save:
            save(out)
    return out
