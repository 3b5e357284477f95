"""bench/results.md from the state of a bench run (figures so far; targets met or missed)."""

from __future__ import annotations

from pathlib import Path

NOTES_FILE = Path(__file__).with_name("notes.md")   # hand-written analysis (profiles), appended verbatim


def _ok(flag: bool) -> str:
    return "met" if flag else "**missed**"


def _f(x, d=2) -> str:
    return f"{x:.{d}f}" if isinstance(x, (int, float)) else str(x)


def write(path: Path, s: dict) -> None:
    m, res, cfg = s["machine"], s["results"], s["config"]
    L = ["# dibao benchmark results", ""]
    if s.get("quick"):
        L += ["**Quick run (small sizes): not the figures the targets are judged on.**", ""]
    L += ["## Machine and run", "",
          f"- cores: {m['cores']}, memory: {m['memory_gib']} GiB, CPU: {m['cpu']}",
          f"- {m['os']}, Python {m['python']}; {m['libreoffice']}; {m['tesseract']}",
          f"- started {s['started']} (load average {s['load_start']}), last update {s.get('updated', '')} "
          f"(load average {s.get('load_now', '')})" + ("" if s.get("finished") else " — **run not finished**"),
          f"- command: {', then '.join(f'`{c}`' for c in s.get('commands', [s['command']]))} (`make bench` runs the "
          f"first); cheap measurements {s['repeat']} runs each, median "
          "reported; fewer runs where noted", ""]
    if "forms" in res:
        r = res["forms"]
        L += ["## 1. Forms → PDF", "",
              f"{r['forms']} filled forms of demo households (the forms `dibao build` generates, rendered with "
              "docxtpl beforehand), converted as one batch. dibao: `archive.external.libreoffice.Converter(workers=N)` "
              "including worker start-up; naive: one `soffice --headless --convert-to pdf` process per file, "
              f"same files, same run. Converter {r['repeat']} runs, naive {r['naive_repeat']} runs, medians.", "",
              "| way | documents/s | × naive | target | |", "|---|---|---|---|---|",
              f"| Converter, 2 workers | {_f(r['docs_per_s_converter2'])} | {_f(r['ratio2'], 1)}× | ≥ 5/s; ≥ 7× | "
              f"{_ok(r['docs_per_s_converter2'] >= 5)}; {_ok(r['ratio2'] >= 7)} |",
              f"| Converter, 1 worker | {_f(r['docs_per_s_converter1'])} | {_f(r['ratio1'], 1)}× | | |",
              f"| one soffice per file | {_f(r['docs_per_s_naive'])} | 1× | | |", "",
              "Runs (seconds for the batch): " + "; ".join(f"{k} {[round(x, 1) for x in v]}" for k, v in r["runs"].items()),
              ""]
    if "build" in res:
        r = res["build"]
        L += ["## 2. Full build", "",
              f"`dibao build --jobs N --json` on a `dibao demo --households {r['households']}` workspace (with scans), "
              "from nothing: no archive, no converted-form cache. Peak memory: RSS of dibao and all its child "
              "processes (soffice included) summed, sampled every 0.2 s. One run per setting (each takes minutes).", "",
              "| --jobs | households | seconds | households/min | forms converted | pages | peak RSS (all) | peak RSS soffice | target | |",
              "|---|---|---|---|---|---|---|---|---|---|"]
        for jobs, v in r["jobs"].items():
            rep = v["runs"][0]["report"]
            tgt = "≥ 30/min" if jobs == "2" else ""
            ok = _ok(v["hh_per_min"] >= 30) if jobs == "2" else ""
            L.append(f"| {jobs} | {rep['built']} | {_f(v['seconds'], 1)} | {_f(v['hh_per_min'], 1)} | "
                     f"{rep['forms_converted']} | {rep['pages']} | {v['peak_mb']:.0f} MB | {v['office_peak_mb']:.0f} MB | {tgt} | {ok} |")
        L.append("")
    if "rebuild" in res:
        r = res["rebuild"]
        L += ["## 3. Rebuild", "",
              "Real `dibao build --jobs 2` runs over a built archive. *No-op*: nothing changed. *One changed*: one "
              "record's phone number edited before each run (a real edit; the forms that print it are rendered and "
              "converted by LibreOffice, the rest come from the converted-form cache).", "",
              "| archive | no-op (median) | one changed (median) | forms converted | target | |", "|---|---|---|---|---|---|"]
        for key in ("small", "big"):
            v = r[key]
            tgt = "< 5 s; < 5 s" if key == "big" else ""
            ok = f"{_ok(v['noop_s'] < 5)}; {_ok(v['one_s'] < 5)}" if key == "big" else ""
            L.append(f"| {v['households']} households | {_f(v['noop_s'])} s | {_f(v['one_s'])} s | "
                     f"{_f(v['one_converted'], 0)} | {tgt} | {ok} |")
        seed = r["big_seed"]
        L += ["", f"How the {r['big']['households']}-household archive was built: `dibao demo --no-scans` records "
              f"(generated {'earlier' if r['big_generate_s'] != r['big_generate_s'] else 'in %.0f s' % r['big_generate_s']}), then a first build in which LibreOffice was replaced by "
              "a copy of one really converted form (`bench/build_bench.py: seed_build`, rendering skipped too) — "
              f"{seed['built']} households, {seed['pages']} pages in {seed['seconds']:.0f} s, {seed.get('processes', 1)} processes, under the load of other jobs). Everything else in "
              "that build is the real one (plans, generated covers/catalogues/remarks pages, volume assembly, "
              "manifests, the converted-form cache keyed by template and data), so the timed runs are real "
              "`dibao build` runs over a real built archive. Converting 12,000 forms for real would take about "
              "40 min here. The records have no scans (a no-op still hashes nothing it has seen: scan hashes are "
              "cached by size and mtime)." + (f" Note: {seed['note']}." if seed.get("note") else ""), ""]
    if "index_demo" in res or "index" in res:
        L += ["## 4. Index", ""]
    if "index_demo" in res:
        r = res["index_demo"]
        L += [f"Demo archive: the first {r['households']} built households of the build above "
              f"({r['tantivy']['pages']} pages), `indexer.pipeline.index_archive(rebuild=True)`, OCR text from "
              "the cache (the first, OCR-ing run is under 5.).", "",
              "| backend | build (median) | size |", "|---|---|---|",
              f"| tantivy (default) | {_f(r['tantivy']['seconds'])} s | {_f(r['tantivy']['size_mb'], 1)} MB |",
              f"| whoosh | {_f(r['whoosh']['seconds'])} s | {_f(r['whoosh']['size_mb'], 1)} MB |", ""]
    if "index" in res:
        L += ["Synthetic documents (`bench/synth_docs.py`): ~800 characters of form-like Chinese each, with names, "
              "ID numbers, villages, phrases of the forms; 200 fixed queries (names, ID tails of 4 and 6, full ID "
              "numbers, quoted phrases, words with village/category/year filters), the same for both backends, "
              "`SearchIndex.search(limit=20)` after 10 warm-up queries.", "",
              "| backend | documents | build | size | query p50 | p95 | max | queries with hits | target | |",
              "|---|---|---|---|---|---|---|---|---|---|"]
        for k, v in res["index"].items():
            tgt = ok = ""
            if v["backend"] == "tantivy" and v["docs"] >= 200_000:
                tgt, ok = "p95 < 20 ms", _ok(v["p95_ms"] < 20)
            L.append(f"| {v['backend']} | {v['docs']:,} | {_f(v['seconds'], 1)} s ({v['mode']}) | {_f(v['size_mb'], 0)} MB | "
                     f"{_f(v['p50_ms'])} ms | {_f(v['p95_ms'])} ms | {_f(v['max_ms'], 1)} ms | {v['with_hits']}/{v['queries']} | {tgt} | {ok} |")
        L.append("")
    if "index_demo" in res:
        r = res["index_demo"]
        c = r["cold"]
        L += ["## 5. OCR", "",
              f"Index of the same {r['households']} households with an empty OCR cache (tesseract chi_sim on every "
              "scanned page), then with the cache.", "",
              "| run | seconds | pages OCR'd | pages from cache | per scanned page |", "|---|---|---|---|---|",
              f"| first (cold cache) | {_f(c['seconds'], 1)} | {c['ocr_pages']} | {c['ocr_cached']} | "
              f"{_f(r['ocr_s_per_page'])} s (cold − warm, over OCR'd pages) |",
              f"| second (cached) | {_f(r['tantivy']['seconds'], 1)} | 0 | {r['tantivy']['ocr_cached']} | "
              f"{_f(r['ocr_cached_ms_per_page'], 1)} ms per page, indexing included |", ""]
    if "audit" in res:
        L += ["## 6. Audit", "", "`dibao audit` on `dibao demo --no-scans` workspaces (records only, no PDFs).", "",
              "| households | runs (s) | median | peak RSS | target | |", "|---|---|---|---|---|---|"]
        for n, v in res["audit"].items():
            n = int(n)
            tgt, ok = ("< 30 s", _ok(v["seconds"] < 30)) if n >= 100_000 else ("", "")
            if "cold_s" in v:   # first run without the audit cache, then repeated runs using it
                L.append(f"| {n:,} | {[round(x['seconds'], 1) for x in v['runs']]} | first (no cache) "
                         f"{_f(v['cold_s'], 1)} s, repeated {_f(v['warm_s'], 1)} s | {v['peak_mb']:.0f} MB | {tgt} | {ok} |")
                continue
            L.append(f"| {n:,} | {[round(x['seconds'], 1) for x in v['runs']]} | {_f(v['seconds'], 1)} s | "
                     f"{v['peak_mb']:.0f} MB | {tgt} | {ok} |")
        L.append("")
    if NOTES_FILE.exists() and not s.get("quick"):
        L += [NOTES_FILE.read_text(encoding="utf-8").rstrip(), ""]
    L += ["## Log", "", "```", *s["log"], "```", ""]
    path.write_text("\n".join(L), encoding="utf-8")
