"""Checks shared by the reliability tests: clean output (no traceback, no full ID), visible partial files."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path


ID18 = re.compile(r"(?<![0-9A-Za-z*])\d{17}[0-9Xx](?![0-9A-Za-z])")


def assert_clean_output(proc: subprocess.CompletedProcess) -> None:
    """No traceback without --debug, no full ID number in anything printed."""
    both = proc.stdout + proc.stderr
    assert "Traceback" not in both, both[-3000:]
    leaked = ID18.findall(both)
    assert not leaked, f"full ID numbers printed: {leaked[:3]}"


def has_chinese(text: str) -> bool:
    return re.search(r"[\u4e00-\u9fff]", text) is not None


def visible_partials(folder: Path) -> list[Path]:
    """Files a half-finished run could leave under a user-visible name (temp files start with a dot)."""
    bad = []
    for p in Path(folder).rglob("*"):
        if p.is_file() and p.suffix.lower() in (".pdf", ".docx", ".json") and p.stat().st_size == 0:
            bad.append(p)
        if p.is_file() and p.suffix.lower() == ".pdf" and not p.name.startswith("."):
            with open(p, "rb") as fh:
                fh.seek(max(0, p.stat().st_size - 1024))
                if b"%%EOF" not in fh.read():
                    bad.append(p)
    return bad
