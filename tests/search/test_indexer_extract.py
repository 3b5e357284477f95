"""Extraction edge cases, missing tools, user-facing text: fast tests without OCR."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from archive.errors import InputError, ToolMissing
from indexer import analysis, ocr
from indexer.engine import Hit, SearchResult
from indexer.extract import docx_text, has_text, image_pages, pdf_pages
from indexer.historical import HouseholdMatcher, expand_paths, households_for_matching
from indexer.ocr import OcrCache
from indexer.pipeline import IndexStats, index_archive
from indexer.report import format_result, format_stats
from tests.support.records import make_id, record

ID = make_id("430621", "19700312", 12, True)


def test_workspace_words_reach_jieba():
    analysis.add_words(["荷花塘村", "年审登记"])
    toks = analysis.word_tokens("荷花塘村年审登记表")
    assert "荷花塘村" in toks and "年审登记" in toks


def test_docx_paragraphs_and_tables(tmp_path):
    import docx

    d = docx.Document()
    d.add_paragraph("入户调查表")
    t = d.add_table(rows=2, cols=2)
    t.cell(0, 0).text, t.cell(0, 1).text = "户主", "王小明"
    t.cell(1, 0).text, t.cell(1, 1).text = "身份证号", ID
    d.add_paragraph("调查结论：符合条件")
    d.save(tmp_path / "a.docx")
    text = docx_text(tmp_path / "a.docx")
    assert text.splitlines() == ["入户调查表", "户主 王小明", f"身份证号 {ID}", "调查结论：符合条件"]


def test_broken_inputs_are_input_errors(tmp_path):
    (tmp_path / "bad.docx").write_bytes(b"not a zip")
    with pytest.raises(InputError):
        docx_text(tmp_path / "bad.docx")
    (tmp_path / "bad.png").write_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * 20)
    with pytest.raises(InputError):
        image_pages(tmp_path / "bad.png", OcrCache(tmp_path / "c"))
    (tmp_path / "bad.pdf").write_bytes(b"%PDF-1.4\n garbage")
    with pytest.raises(InputError):
        pdf_pages(tmp_path / "bad.pdf", OcrCache(tmp_path / "c"), force_ocr={1})
    (tmp_path / "old.doc").write_bytes(b"x")
    with pytest.raises(InputError, match="docx"):
        expand_paths([tmp_path / "old.doc"])
    with pytest.raises(InputError):
        expand_paths([tmp_path / "missing.pdf"])


def test_missing_tesseract_says_how_to_install(monkeypatch):
    ocr.find_tesseract.cache_clear()
    monkeypatch.setattr(shutil, "which", lambda name: None)
    with pytest.raises(ToolMissing) as err:
        ocr.find_tesseract()
    assert "apt-get install tesseract-ocr tesseract-ocr-chi-sim" in err.value.user_message()
    ocr.find_tesseract.cache_clear()


def test_has_text_threshold():
    assert not has_text("  3 \n")
    assert has_text("社会救助申请书 申请人")


def test_matcher_from_records_and_ambiguity():
    from archive.records.model import Household

    hh = Household.model_validate(record("HS-9", bank_account={"bank": "农商行", "card_number": "6217002870012345678"}))
    entries = households_for_matching([hh, record("HS-10", village="东山村")])
    assert entries[0]["head"] == "李建国" and len(entries[0]["ids"]) == 3
    assert HouseholdMatcher(entries).match(Path("/x/存折.jpg"), "账号 6217 0028 7001 2345 678")["case_no"] == "HS-9"
    assert HouseholdMatcher(entries).match(Path("/x/a.pdf"), f"身份证 {entries[0]['ids'][1]}") is None  # in both
    entries[1]["ids"] = [make_id("430621", "19800101", 5, True)]
    m = HouseholdMatcher(entries)
    assert m.match(Path("/x/HS-10 旧表.pdf"), "")["case_no"] == "HS-10"
    assert m.match(Path("/x/a.pdf"), f"身份证 {entries[0]['ids'][1]}")["case_no"] == "HS-9"
    assert m.match(Path("/x/李建国.pdf"), "") is None          # two households share the head name
    assert m.match(Path("/x/HS-100.pdf"), "") is None           # HS-10 is not HS-100


def test_missing_archive_folder_does_not_empty_the_index(tmp_path):
    from archive.errors import ConfigError

    with pytest.raises(ConfigError):
        index_archive(tmp_path, archive_dir=tmp_path / "nope")


def test_report_text_masks_ids():
    hit = Hit(doc_id="x", household="HS-1", head="张三", village="黄沙村", town="", type="", title="申请书",
              category="审批类", year=2023, date="2023-01-02", page=3, pdf_path="/a/审批类.pdf",
              snippet=f"身份证 {ID}", score=1.0, source="archive")
    text = format_result(SearchResult(hits=[hit], total=5))
    assert "找到 5 页" in text and "第 3 页" in text and ID not in text and ID[-4:] in text
    none = format_result(SearchResult(hits=[], total=0, suggestion="没有找到。试试：张三"))
    assert "试试" in none
    stats = IndexStats(added=1, problems=[{"path": f"/x/{ID}.pdf", "reason": "坏了"}])
    assert ID not in format_stats(stats)


def test_configured_ocr_timeout_reaches_tesseract(monkeypatch, tmp_path):
    from PIL import Image

    from indexer import ocr

    seen = []
    monkeypatch.setattr(ocr, "ocr_image", lambda path, timeout=0: seen.append(timeout) or "识别文字")
    png = tmp_path / "a.png"
    Image.new("L", (20, 20), 255).save(png)
    assert ocr.OcrCache(tmp_path / "cache", timeout=7).image_text(png) == "识别文字"
    assert seen == [7]
