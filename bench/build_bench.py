"""2. Full build and 3. rebuild (nothing changed / one household changed), as real `dibao build` runs."""

from __future__ import annotations

import json
import shutil
import time
from pathlib import Path

from bench.common import fresh, median, run_cli


def demo(path: Path, households: int, scans: bool, seed: int = 1) -> tuple[Path, float]:
    fresh(path)
    args = ["demo", "--out", str(path), "--households", str(households), "--seed", str(seed), "--no-run"]
    if not scans:
        args.append("--no-scans")
    r = run_cli(args)
    return path, r["seconds"]


def clean_build_state(ws: Path) -> None:
    """As before the first build: no archive, no converted-form cache, no scan-hash cache."""
    shutil.rmtree(ws / "archive", ignore_errors=True)
    shutil.rmtree(ws / ".dibao" / "cache", ignore_errors=True)
    shutil.rmtree(ws / ".dibao" / "tmp", ignore_errors=True)


def build(ws: Path, jobs: int, memory: bool = True, force: bool = False) -> dict:
    args = ["--workspace", str(ws), "build", "--jobs", str(jobs), "--json"] + (["--force"] if force else [])
    r = run_cli(args, memory=memory)
    rep = json.loads(r["stdout"][r["stdout"].index("{"):])
    r["report"] = {k: rep[k] for k in ("total", "built", "unchanged", "pages", "forms_converted", "forms_cached",
                                       "seconds")}
    r["report"]["failed"] = len(rep["failed"])
    r.pop("stdout"), r.pop("stderr")
    return r


def full_build(ws: Path, jobs_list=(1, 2), repeat: dict | None = None, log=print) -> dict:
    out = {}
    for jobs in jobs_list:
        runs = []
        for i in range((repeat or {}).get(jobs, 1)):
            clean_build_state(ws)
            r = build(ws, jobs)
            rep = r["report"]
            r["hh_per_min"] = rep["built"] / r["seconds"] * 60
            runs.append(r)
            log(f"full build --jobs {jobs} run {i + 1}: {rep['built']} households in {r['seconds']:.1f} s "
                f"({r['hh_per_min']:.1f}/min), {rep['forms_converted']} forms converted, {rep['pages']} pages, "
                f"peak {r['peak_mb']:.0f} MB (soffice {r['office_peak_mb']:.0f} MB)")
        out[jobs] = {"runs": runs, "hh_per_min": median([r["hh_per_min"] for r in runs]),
                     "seconds": median([r["seconds"] for r in runs]),
                     "peak_mb": max(r["peak_mb"] for r in runs), "office_peak_mb": max(r["office_peak_mb"] for r in runs)}
    return out


def touch_household(ws: Path, n: int) -> Path:
    """A real edit of one record: a new phone number (printed on several forms)."""
    rec = sorted((ws / "households").rglob("*.json"))[0]
    data = json.loads(rec.read_text(encoding="utf-8"))
    data["phone"] = f"139{(n + time.time_ns() // 1000) % 10 ** 8:08d}"   # never a value seen before (no cache hit)
    rec.write_text(json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8")
    return rec


def rebuilds(ws: Path, repeat: int, jobs: int = 2, log=print) -> dict:
    build(ws, jobs, memory=False)   # settle: anything left over from earlier steps
    noop, one = [], []
    for i in range(repeat):
        r = build(ws, jobs, memory=True)
        assert r["report"]["built"] == 0, r["report"]
        noop.append(r)
    for i in range(repeat):
        touch_household(ws, 1000 + i)
        r = build(ws, jobs, memory=True)
        assert r["report"]["built"] == 1, r["report"]
        one.append(r)
    log(f"rebuild {ws.name}: no-op {[round(r['seconds'], 2) for r in noop]} s, "
        f"one changed {[round(r['seconds'], 2) for r in one]} s "
        f"({[r['report']['forms_converted'] for r in one]} forms converted)")
    return {"noop": noop, "one": one, "noop_s": median([r["seconds"] for r in noop]),
            "one_s": median([r["seconds"] for r in one]),
            "one_converted": median([r["report"]["forms_converted"] for r in one]),
            "households": noop[0]["report"]["total"]}


# ------------------------------------------------------------------ seeding a large built archive

def seed_build(ws_path: Path, placeholder_docx: Path, placeholder_pdf: Path, villages=None) -> dict:
    """Build every household for real except LibreOffice: each form's PDF is a copy of one converted form.

    Rendering is skipped too (the placeholder .docx stands in).  Plans, scans, generated
    pages (covers, catalogues, remarks sheets), volume assembly, manifests, the cache of
    converted forms keyed by template and data: all as in a normal build, so the
    following real `dibao build` runs find a real built archive of that size.
    """
    from archive.volumes import build as b
    from archive.workspace import open_workspace

    docx = placeholder_docx.read_bytes()

    class CopyConverter:
        """Stands in for LibreOffice (build.FormConverter): every form's PDF is the placeholder."""

        def start(self) -> None:
            pass

        def convert(self, src: Path, dest: Path) -> Path:
            shutil.copyfile(placeholder_pdf, dest)
            return dest

        def close(self, graceful: bool = True) -> None:
            pass

    fakes = {"converter": CopyConverter, "render_form": lambda e, hh, ctx: docx}
    t0 = time.monotonic()
    ws = open_workspace(ws_path)
    if villages is None:
        rep = b.build(ws, jobs=2, **fakes)
    else:   # one village list per process (no lock: the processes are given disjoint villages)
        rep = b.BuildReport(out=ws.output_dir)
        for v in villages:
            r = b.Builder(ws, jobs=1, **fakes).run(village=v)
            rep.built += r.built
            rep.failed += r.failed
            rep.pages += r.pages
    return {"seconds": time.monotonic() - t0, "built": len(rep.built), "failed": len(rep.failed), "pages": rep.pages}
