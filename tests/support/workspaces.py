"""Copies of built workspaces and good households for the reliability corpus."""

from __future__ import annotations

import json
import os
import shutil
import stat
from pathlib import Path

from tests.support import corpus

GOOD_VILLAGE = "黄沙村"


def good_households(root: Path, n: int = 2) -> list[Path]:
    folder = root / "households" / GOOD_VILLAGE
    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for i in range(1, n + 1):
        rec = corpus.good_record(f"GOOD-{i:02d}", 80 + i, village=GOOD_VILLAGE)
        p = folder / f"GOOD-{i:02d}.json"
        p.write_text(json.dumps(rec, ensure_ascii=False, indent=2), encoding="utf-8")
        out.append(p)
    return out


def copy_ws(src: Path, dest: Path) -> Path:
    """A copy (symlinks kept as links; FIFOs, which cannot be copied, recreated)."""
    fifos = []

    def skip_fifos(folder, names):
        out = [n for n in names if stat.S_ISFIFO(os.lstat(os.path.join(folder, n)).st_mode)]
        fifos.extend(os.path.join(folder, n) for n in out)
        return out

    shutil.copytree(src, dest, symlinks=True, ignore=skip_fifos)
    for f in fifos:
        os.mkfifo(Path(dest) / Path(f).relative_to(src))
    return dest


def index_copy(built_ws, tmp_path: Path) -> Path:
    """A copy of the built workspace without the household of bad scans (keeps OCR to three small pages)."""
    ws = copy_ws(built_ws["root"], tmp_path / "ws")
    for m in (ws / "archive").glob(f"*/{built_ws['scan_case']}_*"):
        shutil.rmtree(m)
    return ws
