"""dibao benchmarks: one command, real workspaces made by `dibao demo`, medians, side-by-side ratios.

    .venv/bin/python bench/run.py [--quick] [--only forms,build,rebuild,index,ocr,audit] [--repeat N]

Writes bench/results.md (and bench/results.json) after every measurement, so an interrupted
run still leaves the figures it has.  Scratch workspaces go to bench/work/ (removed by `make clean`).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench import audit_bench, build_bench, forms_pdf, index_bench  # noqa: E402
from bench.common import PY, ROOT, WORK, loadavg, machine  # noqa: E402
from bench.report import write  # noqa: E402

ALL = ("forms", "build", "rebuild", "index", "audit")

FULL = {"forms": 24, "build_hh": 30, "big_hh": 1000, "index_demo_hh": 1,
        "index_runs": [("tantivy", 10_000), ("tantivy", 20_000), ("tantivy", 200_000), ("whoosh", 20_000)],
        "parallel_from": 1_000_000,
        "audit_sizes": [10_000, 100_000], "audit_repeat": {10_000: 3, 100_000: 2}}
QUICK = {"forms": 8, "build_hh": 6, "big_hh": 40, "index_demo_hh": 2,
         "index_runs": [("tantivy", 4_000), ("whoosh", 2_000)], "parallel_from": 100_000,
         "audit_sizes": [1_000], "audit_repeat": {1_000: 2}}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="small sizes, for trying the suite out")
    ap.add_argument("--only", default=",".join(ALL), help="comma-separated subset of: " + ", ".join(ALL))
    ap.add_argument("--repeat", type=int, default=3, help="runs per cheap measurement (median reported)")
    ap.add_argument("--out", type=Path, default=None, help="results file (default bench/results.md; --quick: bench/work/)")
    ap.add_argument("--merge", action="store_true",
                    help="add to the figures already in the results file, and reuse a built demo workspace")
    ap.add_argument("--report-only", action="store_true",
                    help="rewrite bench/results.md from bench/results.json (after editing bench/notes.md)")
    args = ap.parse_args()
    if args.report_only:
        md = args.out or ROOT / "bench" / "results.md"
        write(md, json.loads(md.with_suffix(".json").read_text(encoding="utf-8")))
        return
    only = [x.strip() for x in args.only.split(",") if x.strip()]
    unknown = set(only) - set(ALL)
    if unknown:
        ap.error(f"unknown measurement(s): {', '.join(sorted(unknown))}")
    cfg = QUICK if args.quick else FULL
    WORK.mkdir(parents=True, exist_ok=True)
    out_md = args.out or (WORK / "results-quick.md" if args.quick else ROOT / "bench" / "results.md")
    state = {"machine": machine(), "started": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
             "load_start": loadavg(), "command": " ".join([".venv/bin/python", "bench/run.py", *sys.argv[1:]]),
             "quick": args.quick, "repeat": args.repeat, "config": {k: v for k, v in cfg.items() if k != "audit_repeat"}, "results": {},
             "log": []}
    if args.merge and out_md.with_suffix(".json").exists():
        old = json.loads(out_md.with_suffix(".json").read_text(encoding="utf-8"))
        old["results"].update(state["results"])
        old["log"].append(f"--- merged run: {state['command']} started {state['started']} (load {state['load_start']})")
        old.pop("finished", None)
        old.setdefault("commands", [old["command"]]).append(state["command"])
        state = old

    def log(msg: str) -> None:
        line = f"[{time.strftime('%H:%M:%S')} load {loadavg()}] {msg}"
        print(line, flush=True)
        state["log"].append(line)

    def save() -> None:
        state["load_now"] = loadavg()
        state["updated"] = dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")
        write(out_md, state)
        out_md.with_suffix(".json").write_text(json.dumps(state, ensure_ascii=False, indent=1, default=str))

    log(f"machine: {state['machine']}")
    r = args.repeat
    ws_build = WORK / f"ws-{cfg['build_hh']}"
    need_ws = any(x in only for x in ("forms", "build", "rebuild", "index"))
    built = ws_build.is_dir() and sum(1 for _ in ws_build.glob("archive/*/*/manifest.json")) == cfg["build_hh"]
    reuse = args.merge and built and not any(x in only for x in ("forms", "build"))
    if reuse:
        log(f"reusing the built demo workspace {ws_build}")
    elif need_ws:
        _, secs = build_bench.demo(ws_build, cfg["build_hh"], scans=True)
        log(f"dibao demo --households {cfg['build_hh']} (with scans): {secs:.1f} s")
    if need_ws:
        from archive.workspace import open_workspace

        ws = open_workspace(ws_build)

    if "forms" in only:
        res = forms_pdf.run(ws, WORK, cfg["forms"], repeat=r, naive_repeat=max(1, min(r, 2)), log=log)
        state["results"]["forms"] = res
        log(f"forms: converter {res['docs_per_s_converter2']:.2f} docs/s, naive {res['docs_per_s_naive']:.2f} docs/s, "
            f"{res['ratio2']:.1f}x")
        save()

    if not reuse and ("build" in only or "rebuild" in only or "index" in only):
        jobs_list = (1, 2) if "build" in only else (2,)
        res = build_bench.full_build(ws_build, jobs_list, repeat={1: 1, 2: 1}, log=log)
        if "build" in only:
            state["results"]["build"] = {"households": cfg["build_hh"], "jobs": {str(k): v for k, v in res.items()}}
            save()

    if "rebuild" in only:
        small = build_bench.rebuilds(ws_build, r, log=log)
        big_ws, seed, gen_s = _big_workspace(cfg["big_hh"], ws_build, log)
        log(f"seeded {cfg['big_hh']}-household archive (no LibreOffice): {seed}")
        big = build_bench.rebuilds(big_ws, r, log=log)
        state["results"]["rebuild"] = {"small": small, "big": big, "big_seed": seed, "big_generate_s": gen_s}
        save()

    if "audit" in only:
        state["results"]["audit"] = audit_bench.run(WORK, cfg["audit_sizes"], cfg["audit_repeat"], log)
        save()

    if "index" in only:
        demo = index_bench.demo_and_ocr(ws_build, WORK, cfg["index_demo_hh"], repeat=max(1, min(r, 2)), log=log)
        state["results"]["index_demo"] = demo
        save()

        def partial(got):
            state["results"]["index"] = dict(got)
            save()

        index_bench.synthetic(WORK, cfg["index_runs"], cfg["parallel_from"], 200, log, save=partial)

    state["finished"] = dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")
    save()
    print(f"results written to {out_md}")


def _placeholder(built_ws: Path) -> tuple[Path, Path]:
    """One really converted form (.docx and its PDF) to stand in for every form of the seeded archive."""
    d = WORK / "placeholder"
    docx, pdf = d / "form.docx", d / "form.pdf"
    if not (docx.exists() and pdf.exists()):
        from archive import forms
        from archive.external.libreoffice import convert_once
        from archive.workspace import open_workspace

        ws = open_workspace(built_ws)
        hhs, _ = forms.load_households(ws)
        d.mkdir(parents=True, exist_ok=True)
        docx.write_bytes(forms.render_docx(ws.config.annual_review_form, ws, household=hhs[0], mark_unsigned=True))
        convert_once(docx, pdf)
    return docx, pdf


def _big_workspace(n: int, built_ws: Path, log) -> tuple[Path, dict, float]:
    """The large records-only workspace, built once with LibreOffice stood in for (bench/seed_big.py).

    A workspace seeded earlier (bench/work/ws-N with seed-N.json) is reused: seeding is
    preparation, not a measurement, and takes many minutes.
    """
    ws = WORK / f"ws-{n}"
    note = WORK / f"seed-{n}.json"
    if ws.exists() and note.exists() and note.read_text().strip():
        manifests = sum(1 for _ in (ws / "archive").rglob("manifest.json"))
        if manifests == n:
            log(f"reusing the seeded {n}-household archive in {ws}")
            return ws, json.loads(note.read_text().strip().splitlines()[-1]), float("nan")
    ws, gen_s = build_bench.demo(ws, n, scans=False)
    docx, pdf = _placeholder(built_ws)
    out = subprocess.run([str(PY), str(ROOT / "bench" / "seed_big.py"), str(ws), str(docx), str(pdf)],
                         capture_output=True, text=True, check=True, env=dict(os.environ, PYTHONWARNINGS="ignore"))
    note.write_text(out.stdout)
    return ws, json.loads(out.stdout.strip().splitlines()[-1]), gen_s


if __name__ == "__main__":
    main()
