"""6. Audit of records-only workspaces (no PDFs), as real `dibao audit` runs.

The first run of each size starts without the audit's result cache (.dibao/cache/audit/, removed
before it): that is the cold figure, and the one the target is judged on.  Later runs find the
results of the first one (nothing changed, same day): the warm figure.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from bench.build_bench import demo
from bench.common import median, run_cli


def run(work: Path, sizes: list[int], repeat: dict, log) -> dict:
    out = {}
    for n in sizes:
        ws, gen_s = demo(work / f"audit-{n}", n, scans=False)
        shutil.rmtree(ws / ".dibao" / "cache" / "audit", ignore_errors=True)
        runs = []
        for i in range(max(2, repeat.get(n, 1))):
            r = run_cli(["--workspace", str(ws), "audit"], memory=True, check=False)
            if r["rc"] not in (0, 1):   # 1: gaps found (ProblemsFound), the normal outcome
                raise RuntimeError(f"dibao audit exited {r['rc']}: {r['stderr'][-2000:]}")
            runs.append({"seconds": r["seconds"], "peak_mb": r["peak_mb"], "rc": r["rc"],
                         "cache": "cold" if i == 0 else "warm"})
        warm = [r["seconds"] for r in runs if r["cache"] == "warm"]
        out[n] = {"generate_s": gen_s, "runs": runs, "seconds": runs[0]["seconds"], "cold_s": runs[0]["seconds"],
                  "warm_s": median(warm), "peak_mb": max(r["peak_mb"] for r in runs)}
        log(f"audit {n} households: cold {runs[0]['seconds']:.1f} s, warm {[round(s, 1) for s in warm]} s, "
            f"peak {out[n]['peak_mb']:.0f} MB (demo records generated in {gen_s:.0f} s)")
    return out
