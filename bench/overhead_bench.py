"""Before/after cost of a change to the build: full build, no-op rebuild and one-changed rebuild of
the same demo workspace, by two source trees, alternately in one run (issue 13: <= 5 %).

    .venv/bin/python bench/overhead_bench.py --before /tmp/src-before --after /tmp/src-after \
        [--households 20] [--repeat 3] [--work bench/work/overhead]

Each tree is a plain export of a commit (`git archive <commit> | tar -x -C DIR`) run with this
venv's Python and PYTHONPATH=DIR.  The workspace is made by the *before* tree's `dibao demo` (so
both can read its records) and copied once per tree.  Runs alternate before/after (the first of
each pair swaps every round) so load from other jobs falls on both.  Reported per measurement:
median wall seconds and median CPU seconds (user+sys of dibao and of the children it waited for,
LibreOffice included, from wait4), which load on a shared machine disturbs much less than wall.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.common import PY, json_report, loadavg, median, run_tree  # noqa: E402

def clean(ws: Path) -> None:
    for p in (ws / "archive", ws / ".dibao" / "cache", ws / ".dibao" / "tmp"):
        shutil.rmtree(p, ignore_errors=True)
    journal = ws / ".dibao" / "journal.jsonl"
    journal.unlink(missing_ok=True)


def touch(ws: Path, n: int) -> None:
    rec = sorted((ws / "households").rglob("*.json"))[0]
    data = json.loads(rec.read_text("utf-8"))
    data["phone"] = f"139{(n + time.time_ns() // 1000) % 10 ** 8:08d}"
    rec.write_text(json.dumps(data, ensure_ascii=False, indent=2), "utf-8")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--before", type=Path, required=True)
    ap.add_argument("--after", type=Path, required=True)
    ap.add_argument("--households", type=int, default=20)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--work", type=Path, default=ROOT / "bench" / "work" / "overhead")
    args = ap.parse_args()
    trees = {"before": args.before.resolve(), "after": args.after.resolve()}
    shutil.rmtree(args.work, ignore_errors=True)
    args.work.mkdir(parents=True)
    seed = args.work / "seed"
    run_tree(trees["before"], ["demo", "--out", str(seed), "--households", str(args.households), "--no-run"])
    for k, tree in trees.items():   # each tree runs its own code
        probe = subprocess.run([PY, "-c", "import cli; print(cli.__file__)"], cwd=tree, capture_output=True, text=True,
                               env=dict(os.environ, PYTHONPATH=str(tree))).stdout.strip()
        assert probe.startswith(str(tree)), (k, probe)
    ws = {k: args.work / k for k in trees}
    for k in trees:
        shutil.copytree(seed, ws[k], symlinks=True)
    res: dict = {k: {"full": [], "noop": [], "one": []} for k in trees}
    print(f"start {time.strftime('%H:%M:%S')} load {loadavg()}", flush=True)
    for i in range(args.repeat):
        order = list(trees) if i % 2 == 0 else list(reversed(trees))
        for k in order:   # full build from nothing
            clean(ws[k])
            r = run_tree(trees[k], ["--workspace", str(ws[k]), "build", "--jobs", "2", "--json"])
            rep = json_report(r["stdout"])
            res[k]["full"].append({"wall": r["wall"], "cpu": r["cpu"], "built": rep["built"], "pages": rep["pages"]})
            print(f"full {k}: {r['wall']:.1f} s wall, {r['cpu']:.1f} s CPU, {rep['built']} households, "
                  f"{rep['pages']} pages (load {loadavg()})", flush=True)
    for i in range(args.repeat):
        order = list(trees) if i % 2 == 0 else list(reversed(trees))
        for k in order:
            r = run_tree(trees[k], ["--workspace", str(ws[k]), "build", "--jobs", "2", "--json"])
            assert json_report(r["stdout"])["built"] == 0, json_report(r["stdout"])
            res[k]["noop"].append({"wall": r["wall"], "cpu": r["cpu"]})
        for k in order:
            touch(ws[k], i)
            r = run_tree(trees[k], ["--workspace", str(ws[k]), "build", "--jobs", "2", "--json"])
            assert json_report(r["stdout"])["built"] == 1, json_report(r["stdout"])
            res[k]["one"].append({"wall": r["wall"], "cpu": r["cpu"], "converted": json_report(r["stdout"])["forms_converted"]})
        print(f"rebuild round {i + 1}: " + "; ".join(
            f"{k} no-op {res[k]['noop'][-1]['wall']:.2f}/{res[k]['noop'][-1]['cpu']:.2f} s, one changed "
            f"{res[k]['one'][-1]['wall']:.2f}/{res[k]['one'][-1]['cpu']:.2f} s (wall/CPU)" for k in trees), flush=True)
    summary = {}
    for m in ("full", "noop", "one"):
        row = {}
        for k in trees:
            row[k] = {"wall": median([x["wall"] for x in res[k][m]]), "cpu": median([x["cpu"] for x in res[k][m]])}
        row["ratio_wall"] = row["after"]["wall"] / row["before"]["wall"]
        row["ratio_cpu"] = row["after"]["cpu"] / row["before"]["cpu"]
        summary[m] = row
        print(f"{m}: before {row['before']['wall']:.2f} s / {row['before']['cpu']:.2f} CPU-s, after "
              f"{row['after']['wall']:.2f} s / {row['after']['cpu']:.2f} CPU-s; after/before wall "
              f"{row['ratio_wall']:.3f}, CPU {row['ratio_cpu']:.3f}", flush=True)
    print(f"end {time.strftime('%H:%M:%S')} load {loadavg()}")
    (args.work / "result.json").write_text(json.dumps({"trees": {k: str(v) for k, v in trees.items()},
                                                       "runs": res, "summary": summary}, indent=2))


if __name__ == "__main__":
    main()
