"""6. Audit of records-only workspaces (no PDFs), as real `dibao audit` runs."""

from __future__ import annotations

from pathlib import Path

from bench.build_bench import demo
from bench.common import median, run_cli


def run(work: Path, sizes: list[int], repeat: dict, log) -> dict:
    out = {}
    for n in sizes:
        ws, gen_s = demo(work / f"audit-{n}", n, scans=False)
        runs = []
        for _ in range(repeat.get(n, 1)):
            r = run_cli(["--workspace", str(ws), "audit"], memory=True, check=False)
            if r["rc"] not in (0, 1):   # 1: gaps found (ProblemsFound), the normal outcome
                raise RuntimeError(f"dibao audit exited {r['rc']}: {r['stderr'][-2000:]}")
            runs.append({"seconds": r["seconds"], "peak_mb": r["peak_mb"], "rc": r["rc"]})
        out[n] = {"generate_s": gen_s, "runs": runs, "seconds": median([r["seconds"] for r in runs]),
                  "peak_mb": max(r["peak_mb"] for r in runs)}
        log(f"audit {n} households: {[round(r['seconds'], 1) for r in runs]} s, peak {out[n]['peak_mb']:.0f} MB "
            f"(demo records generated in {gen_s:.0f} s)")
    return out
