"""Characters outside the CJK font: CJK Extension B and beyond print with a fallback font (not a
box), emoji with DejaVu Sans; what no installed font has is reported by dibao validate."""

from __future__ import annotations

import datetime as dt
import io
import json
import subprocess

import pypdf
import pytest

from archive import fontcover
from archive.volumes.pages import Book, ContentsRow
from tests.support.cli import dibao

EXT_B = "𪚥"          # U+2A6A5, not in Noto CJK
EXT_G = "\U00031350"  # CJK Extension G: in none of the fonts dibao prints with

needs_hanazono = pytest.mark.skipif(not any("HanaMin" in p.name for p in fontcover.fallback_fonts()),
                                    reason="fonts-hanazono not installed (tools/setup-system.sh installs it)")


def _fonts(pdf: bytes) -> set[str]:
    r = pypdf.PdfReader(io.BytesIO(pdf))
    names = set()
    for page in r.pages:
        for f in (page.get("/Resources", {}).get("/Font") or {}).values():
            names.add(str(f.get_object().get("/BaseFont")))
    return names


def _text(pdf: bytes) -> str:
    return subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True).stdout.decode()


def test_common_text_reads_no_font():
    fontcover._cmap.cache_clear()
    assert fontcover.unprintable("张三 ＡＢ１２ 低保·边缘（2024年）—— ") == []
    assert fontcover._cmap.cache_info().currsize == 0


@needs_hanazono
def test_unprintable_names_only_what_no_font_has():
    assert fontcover.unprintable(f"王{EXT_B}〇𠮷😀{EXT_G}") == [EXT_G]


@needs_hanazono
def test_generated_pages_print_extension_b_with_a_fallback_font():
    book = Book()
    book.contents("X-1", f"王{EXT_B}户审批类材料", [ContentsRow(1, f"王{EXT_B}申请书", dt.date(2024, 1, 2), 1, 1)])
    pdf = book.output()
    assert any("HanaMin" in n for n in _fonts(pdf)), _fonts(pdf)
    assert EXT_B in _text(pdf)


def test_ordinary_pages_carry_no_fallback_font():
    book = Book()
    book.contents("X-1", "张三户审批类材料", [ContentsRow(1, "申请书", dt.date(2024, 1, 2), 1, 1)])
    assert not any("HanaMin" in n or "DejaVu" in n for n in _fonts(book.output()))


@needs_hanazono
def test_validate_reports_a_character_no_font_has(records_ws, tmp_path):
    from tests.support.workspaces import copy_ws

    ws = copy_ws(records_ws["root"], tmp_path / "ws")
    path = records_ws["good"][0]
    target = ws / path.relative_to(records_ws["root"])
    rec = json.loads(target.read_text("utf-8"))
    rec["notes"] = f"户主名字中有{EXT_B}和{EXT_G}"
    target.write_text(json.dumps(rec, ensure_ascii=False), "utf-8")
    proc = dibao(["validate", str(target)], cwd=ws)
    assert proc.returncode == 0, proc.stdout + proc.stderr         # a warning, not an error
    out = proc.stdout + proc.stderr
    assert "U+31350" in out and "notes" in out and "fonts-hanazono" in out
    assert "U+2A6A5" not in out                                     # Extension B prints: not reported
