"""Historical Word files are split into their printed pages, and a query's words on different
pages of one historical file still find it (AND across pages)."""

from __future__ import annotations

from pathlib import Path

import docx
import pytest
from docx.enum.text import WD_BREAK

from indexer.extract import docx_page_texts
from indexer.historical import add_historical
from indexer.pipeline import search_workspace
from indexer.report import format_result

FILLER = "本页记录家庭经济状况核对情况，经村民代表民主评议，情况属实。"


def _word_file(path: Path, pages: list[str], breaks: bool = True) -> Path:
    d = docx.Document()
    for i, text in enumerate(pages):
        for _ in range(3):
            d.add_paragraph(FILLER)
        d.add_paragraph(text)
        if breaks and i < len(pages) - 1:
            d.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
    d.save(path)
    return path


@pytest.fixture
def ws(tmp_path):
    ws = tmp_path / "ws"
    ws.mkdir()
    return ws


def test_word_file_split_by_its_page_breaks(tmp_path):
    f = _word_file(tmp_path / "a.docx", ["第一页黄秀村", "第二页茶场社区", "第三页赡养义务人"])
    pages = docx_page_texts(f)
    assert len(pages) == 3 and "黄秀村" in pages[0] and "赡养义务人" in pages[2] and "黄秀村" not in pages[2]


def test_historical_word_pages_and_across_page_and(ws, tmp_path, monkeypatch):
    monkeypatch.setenv("DIBAO_OFFICE_MODE", "batch")
    f = _word_file(tmp_path / "2019年审批材料.docx", ["申请人周秀英黄秀村", "审核意见同意", "赡养义务人周建国务工"])
    out = add_historical([f], ws, backend="auto")
    assert out["added"] == 1 and out["files"][0]["pages"] == 3, out
    res = search_workspace(ws, "周建国")
    assert [h.page for h in res.hits] == [3] and res.hits[0].source == "historical"
    assert res.hits[0].pdf_path.endswith("2019年审批材料.docx")
    # 周秀英 is on page 1, 周建国 on page 3: no page holds both, the file does
    res = search_workspace(ws, "周秀英 周建国")
    assert sorted(h.page for h in res.hits) == [1, 3] and all(h.across_pages for h in res.hits)
    assert res.total == 2 and any("不同页" in n for n in res.notes)
    text = format_result(res)   # one household block, one file, its two pages under it
    assert text.count("■ ") == 1 and text.count("2019年审批材料.docx") == 1 and "不同页上" in text
    assert text.index("第 1 页") < text.index("第 3 页")
    assert search_workspace(ws, "周秀英 周建国 -审核").total == 0     # NOT applies to the whole file
    assert search_workspace(ws, "周秀英 张三丰").total == 0
    # a page holding both words is a normal hit, not an across-pages one
    res = search_workspace(ws, "审核意见 同意")
    assert [h.page for h in res.hits] == [2] and not res.hits[0].across_pages


def test_word_file_without_page_breaks_gets_laid_out_pages(ws, tmp_path, monkeypatch):
    monkeypatch.setenv("DIBAO_OFFICE_MODE", "batch")
    f = _word_file(tmp_path / "长材料.docx", ["开头写的是黄秀村"] + [FILLER * 3] * 30 + ["结尾写的是茶场社区"], breaks=False)
    assert len(docx_page_texts(f)) == 1                 # Word recorded no page break
    out = add_historical([f], ws, backend="auto")
    assert out["files"][0]["pages"] > 2 and list((ws / ".dibao" / "word-pages").glob("*.pdf"))
    first, last = search_workspace(ws, "黄秀村").hits, search_workspace(ws, "茶场社区").hits
    assert first[0].page == 1 and last[0].page == out["files"][0]["pages"]


def test_without_libreoffice_the_word_page_breaks_are_used(ws, tmp_path, monkeypatch):
    monkeypatch.setenv("DIBAO_SOFFICE", str(tmp_path / "no-soffice"))
    f = _word_file(tmp_path / "b.docx", ["第一页黄秀村", "第二页茶场社区"])
    out = add_historical([f], ws, backend="auto")
    assert out["files"][0]["pages"] == 2 and not (ws / ".dibao" / "word-pages").exists()
    assert [h.page for h in search_workspace(ws, "茶场社区").hits] == [2]
