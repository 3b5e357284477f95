"""A sample workspace built once per test module (archive.sample.demo + dibao build), and PDF checks."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pypdf

ROOT = Path(__file__).resolve().parent.parent
CATS = ("审批类", "日常管理类", "财务类")


def run_cli(args: list[str], cwd: Path, timeout: float = 900, **kw) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-m", "cli", *args], cwd=cwd, env=env, capture_output=True, text=True,
                          timeout=timeout, **kw)


def manifests(out: Path) -> dict[str, tuple[Path, dict]]:
    found = {}
    for m in sorted(out.glob("*/*/manifest.json")):
        data = json.loads(m.read_text("utf-8"))
        found[data["household"]["case_no"]] = (m.parent, data)
    return found


def output_mtimes(out: Path) -> dict[str, int]:
    return {p.relative_to(out).as_posix(): p.stat().st_mtime_ns for p in out.rglob("*") if p.is_file()}


def stamped_numbers(page) -> list[str]:
    """Texts drawn in the page-number font (our stamp) on a page."""
    found: list[str] = []

    def visit(text, cm, tm, font_dict, font_size):
        if font_dict is not None and str(font_dict.get("/BaseFont", "")).startswith("/DBPAGE+") and text.strip():
            found.append(text.strip())

    page.extract_text(visitor_text=visit)
    return found


def squash(text: str) -> str:
    """Text without whitespace (and without the NULs pypdf puts between the characters of fpdf2's CJK font)."""
    return "".join(text.replace("\x00", "").split())


def outline_titles(reader: pypdf.PdfReader) -> list[tuple[str, int]]:
    out = []

    def walk(items):
        for it in items:
            if isinstance(it, list):
                walk(it)
            else:
                out.append((it.title, reader.get_destination_page_number(it)))

    walk(reader.outline)
    return out
