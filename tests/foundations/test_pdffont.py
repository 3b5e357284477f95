"""archive.pdffont: the CJK font prepared once (reduced face + kept metrics) gives the same PDFs as fpdf2's add_font."""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import subprocess
import sys

import pypdf
import pytest
from fpdf import FPDF

from archive import pdffont
from archive.config import parse_config
from archive.volumes.archival import describe
from archive.volumes.pages import Book, ContentsRow, RemarksInfo

from tests.support import ROOT as REPO
TEXT = "最低生活保障档案 户主：龘靐齉 对象编号 FX-2024-001 2024年5月1日 缺件说明：无。"

pytestmark = pytest.mark.skipif(not pdffont.FONT_FILE.is_file(), reason="Noto Serif CJK not installed")


def _doc(add) -> bytes:
    pdf = FPDF()
    pdf.set_creation_date(dt.datetime(2024, 1, 1, tzinfo=dt.timezone.utc))
    add(pdf)
    pdf.add_page()
    pdf.set_font("serif", size=12)
    pdf.multi_cell(0, 8, TEXT)
    pdf.cell(0, 8, "第二行 ABC 123")
    return bytes(pdf.output())


def _plain(pdf) -> None:
    path, index = pdffont.font_face()
    pdf.add_font("serif", "", path, collection_font_number=index)
    pdffont._no_bbox_recalc(pdf)


def test_same_pdf_as_fpdf_add_font(tmp_path, monkeypatch):
    monkeypatch.setattr(pdffont, "_masters", {})
    want = _doc(_plain)
    first = _doc(lambda pdf: pdffont.add_font(pdf, "serif", tmp_path))     # prepares the cache
    assert sorted(p.suffix for p in tmp_path.iterdir()) == [".json", ".otf"]
    again = _doc(lambda pdf: pdffont.add_font(pdf, "serif", tmp_path))     # same process: master reused
    monkeypatch.setattr(pdffont, "_masters", {})
    fresh = _doc(lambda pdf: pdffont.add_font(pdf, "serif", tmp_path))     # as another process: from the JSON
    assert want == first == again == fresh
    reader = pypdf.PdfReader(io.BytesIO(fresh))
    assert "龘靐齉" in reader.pages[0].extract_text().replace("\x00", "")
    font = reader.pages[0]["/Resources"]["/Font"]["/F1"].get_object()["/DescendantFonts"][0].get_object()
    assert font["/FontDescriptor"]["/FontFile3"].get_object()["/Subtype"] == "/CIDFontType0C"   # embedded subset


def test_damaged_or_unwritable_cache_falls_back(tmp_path, monkeypatch):
    monkeypatch.setattr(pdffont, "_masters", {})
    want = _doc(_plain)
    _doc(lambda pdf: pdffont.add_font(pdf, "serif", tmp_path))
    meta = next(tmp_path.glob("*.json"))
    meta.write_text(json.dumps({"format": pdffont.FORMAT, "key": "other"}))   # stale: made again
    monkeypatch.setattr(pdffont, "_masters", {})
    assert _doc(lambda pdf: pdffont.add_font(pdf, "serif", tmp_path)) == want
    assert json.loads(meta.read_text())["key"] != "other"
    blocked = tmp_path / "file"
    blocked.write_text("not a folder")
    monkeypatch.setattr(pdffont, "_masters", {})
    assert _doc(lambda pdf: pdffont.add_font(pdf, "serif", blocked / "fonts")) == want


def test_book_pages_render_chinese_with_embedded_font(tmp_path):
    book = Book(font_cache=tmp_path)
    v = describe(parse_config({}), category="审批类", hh_type="农村低保", town="城关镇", village="城关村", head="张三丰",
                 case="FX-1", first=dt.date(2024, 1, 1), last=dt.date(2024, 5, 1), items=3, pages=5)
    book.cover(v)
    book.contents(v.number, v.title, [ContentsRow(1, "最低生活保障申请书", dt.date(2024, 1, 1), 1, 2, "未签字")])
    book.remarks(RemarksInfo(1, 2, ["入户调查表（签字件）：待签字归档"], [], "王五", "", dt.date(2024, 6, 1)))
    out = tmp_path / "book.pdf"
    out.write_bytes(book.output())
    fonts = subprocess.run(["pdffonts", str(out)], capture_output=True, text=True).stdout
    assert "NotoSerifCJKSC" in fonts and " yes yes yes " in fonts.splitlines()[2]
    text = subprocess.run(["pdftotext", str(out), "-"], capture_output=True, text=True).stdout
    assert "最低生活保障档案" in text and "卷内目录" in text and "备考表" in text and "张三丰" in text


def test_no_fpdf_import_for_a_build_with_nothing_to_draw():
    code = "import sys, archive.volumes.pages, archive.volumes.build; print('fpdf' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO,
                         env=dict(os.environ, PYTHONPATH=str(REPO)))
    assert out.stdout.strip() == "False", out.stderr
