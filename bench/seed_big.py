"""Prepare the large built archive for the rebuild measurement (see build_bench.seed_build), two processes.

    .venv/bin/python bench/seed_big.py WORKSPACE PLACEHOLDER.docx PLACEHOLDER.pdf

Each process builds half of the villages; a final ordinary build (LibreOffice replaced the
same way) writes box lists and the town summary.  Prints a JSON summary.
"""

from __future__ import annotations

import json
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.build_bench import seed_build  # noqa: E402


def main() -> None:
    ws, docx, pdf = (Path(a) for a in sys.argv[1:4])
    villages = sorted({p.parent.name for p in (ws / "households").rglob("*.json")})
    halves = [villages[0::2], villages[1::2]]
    t0 = time.monotonic()
    with ProcessPoolExecutor(2) as pool:
        parts = list(pool.map(seed_build, [ws, ws], [docx, docx], [pdf, pdf], halves))
    final = seed_build(ws, docx, pdf)
    print(json.dumps({"seconds": time.monotonic() - t0, "built": sum(p["built"] for p in parts) + final["built"],
                      "failed": sum(p["failed"] for p in parts) + final["failed"],
                      "pages": sum(p["pages"] for p in parts) + final["pages"], "processes": 2}))


if __name__ == "__main__":
    main()
