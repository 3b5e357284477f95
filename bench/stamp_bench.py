"""Page codes in a build: the cost of stamping, without and with the cache of stamped copies.

    .venv/bin/python bench/stamp_bench.py --workspace WS [--before CODE_DIR] [--runs 3] [--jobs 2]

WS is a built workspace (`dibao demo … --no-run` then `dibao build`), so every form is in the
converted-form cache and LibreOffice is not started.  Two real `dibao build` runs are timed:

- *force*: `dibao build --force`: every household redrawn, its forms stamped with their page codes;
- *scan added*: one scan (a photo) added to (then taken from) one household's scans/ folder before each
  run, as `dibao inbox` does: that household is rebuilt; its forms are the same.

--before runs the same with the code in CODE_DIR (a `git archive` of the commit before the
cache), through the same Python; its figures are the "before" column.  Medians; CPU seconds (user +
sys of the build and its children) are given because the machine is shared.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.common import json_report, loadavg, median, run_tree  # noqa: E402


def dibao(code: Path, ws: Path, *args: str) -> tuple[float, float, dict]:
    r = run_tree(code, ["--workspace", str(ws), *args, "--json"])
    return r["wall"], r["cpu"], json_report(r["stdout"])


def series(code: Path, ws: Path, runs: int, jobs: int, log) -> dict:
    j = ["--jobs", str(jobs)]
    dibao(code, ws, "build", *j)            # settle: manifests written by this code
    dibao(code, ws, "build", "--force", *j)  # and its stamped copies made, if it keeps any
    force = [dibao(code, ws, "build", "--force", *j) for _ in range(runs)]
    case = sorted(p.name for p in (ws / "scans").iterdir() if p.is_dir())[0]
    src = sorted((ws / "scans" / case).glob("入户照片_*.jpg"))[0]
    extra = ws / "scans" / case / "入户照片_2025_9.jpg"
    filed = []
    for _ in range(runs):
        if extra.exists():
            extra.unlink()
        else:
            shutil.copyfile(src, extra)
        filed.append(dibao(code, ws, "build", *j))
    if extra.exists():
        extra.unlink()
        dibao(code, ws, "build", *j)
    out = {}
    for name, rs in (("force", force), ("scan added", filed)):
        rep = rs[-1][2]
        out[name] = {"wall": median([r[0] for r in rs]), "cpu": median([r[1] for r in rs]),
                     "runs": [round(r[0], 2) for r in rs], "built": rep.get("built"),
                     "forms_cached": rep.get("forms_cached"), "forms_converted": rep.get("forms_converted")}
        log(f"{code.name}: {name}: wall {out[name]['runs']} cpu {out[name]['cpu']:.2f} built {rep.get('built')}")
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--workspace", type=Path, required=True)
    ap.add_argument("--before", type=Path)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--jobs", type=int, default=2)
    a = ap.parse_args(argv)
    log = lambda m: print(m, file=sys.stderr, flush=True)  # noqa: E731
    log(f"load {loadavg()}")
    res = {}
    if a.before:
        res["before"] = series(a.before, a.workspace, a.runs, a.jobs, log)
    res["after"] = series(ROOT, a.workspace, a.runs, a.jobs, log)
    log(f"load {loadavg()}")
    print("| run | households built | before: median wall s | CPU s | after: median wall s | CPU s |")
    print("|---|---|---|---|---|---|")
    for name in ("force", "scan added"):
        b = res.get("before", {}).get(name)
        f = res["after"][name]
        bw = f"{b['wall']:.2f} | {b['cpu']:.2f}" if b else "– | –"
        print(f"| {name} | {f['built']} | {bw} | {f['wall']:.2f} | {f['cpu']:.2f} |")
    print(json.dumps(res, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
