"""Reading built volumes in tests: manifests, output times, stamped page numbers, outlines, squashed text."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pypdf


CATS = ("审批类", "日常管理类", "财務類".replace("財務類", "财务类") if False else "财务类")


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


def blank_pdf(pages: list[tuple[float, float, int]]) -> bytes:
    """A PDF of blank pages, each (width, height, rotation)."""
    w = pypdf.PdfWriter()
    for width, height, rot in pages:
        p = w.add_blank_page(width=width, height=height)
        if rot:
            p.rotate(rot)
    buf = io.BytesIO()
    w.write(buf)
    return buf.getvalue()
