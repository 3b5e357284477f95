"""Volume assembly without LibreOffice: page-number stamps on rotated pages, bookmarks, long contents lists."""

from __future__ import annotations

import datetime as dt
import io
import subprocess

import pypdf
import pytest
from PIL import Image

from archive.volumes.pages import Book, ContentsRow
from archive.volumes.volume import Doc, assemble, reader_of, stamp_page
from tests.support.build import blank_pdf, outline_titles, squash, stamped_numbers


def render(pdf: bytes, page: int, tmp_path) -> Image.Image:
    src = tmp_path / "v.pdf"
    src.write_bytes(pdf)
    subprocess.run(["pdftoppm", "-r", "40", "-png", "-f", str(page), "-l", str(page), "-singlefile", str(src),
                    str(tmp_path / "p")], check=True)
    return Image.open(tmp_path / "p.png").convert("L")


@pytest.mark.parametrize("rot", [0, 90, 180, 270])
def test_stamp_sits_in_shown_top_right_corner(rot, tmp_path):
    data = blank_pdf([(595.28, 841.89, rot)])
    w = pypdf.PdfWriter()
    page = w.add_page(reader_of(data).pages[0])
    stamp_page(w, page, 128)
    buf = io.BytesIO()
    w.write(buf)
    out = buf.getvalue()
    assert stamped_numbers(pypdf.PdfReader(io.BytesIO(out)).pages[0]) == ["128"]
    im = render(out, 1, tmp_path)
    W, H = im.size
    dark = [(x, y) for y in range(H) for x in range(W) if im.getpixel((x, y)) < 128]
    assert dark, "nothing drawn"
    xs, ys = [x for x, _ in dark], [y for _, y in dark]
    assert min(xs) > W * 0.7 and max(ys) < H * 0.12, (rot, W, H, min(xs), max(ys))
    # upright: the three digits are wider than tall
    assert max(xs) - min(xs) > max(ys) - min(ys)


def test_assemble_numbers_bookmarks_and_metadata():
    a = reader_of(blank_pdf([(595.28, 841.89, 0)] * 2))
    b = reader_of(blank_pdf([(841.89, 595.28, 0)]))
    book = Book()
    rows = [ContentsRow(1, "甲", dt.date(2024, 1, 2), 1, 2), ContentsRow(2, "乙", None, 3, 3)]
    s1 = book.contents("X-1", "张三户审批类材料", rows)
    breader = reader_of(book.output())
    docs = [Doc("contents", "卷内目录", breader, list(range(s1.first, s1.last + 1)), numbered=False),
            Doc("form", "甲", a, [0, 1]), Doc("scan", "乙", b, [0])]
    data, placed = assemble(docs, {"Title": "张三户 审批类", "DibaoCaseNo": "X-1"})
    r = pypdf.PdfReader(io.BytesIO(data))
    assert len(r.pages) == 4
    assert [(p.first_page, p.last_page, p.archive_first) for p in placed] == [(1, 1, None), (2, 3, 1), (4, 4, 3)]
    assert outline_titles(r) == [("卷内目录", 0), ("甲", 1), ("乙", 3)]
    assert [stamped_numbers(p) for p in r.pages] == [[], ["1"], ["2"], ["3"]]
    assert r.metadata["/DibaoCaseNo"] == "X-1" and r.metadata.title == "张三户 审批类"


def test_long_contents_list_spans_pages_with_headings():
    book = Book()
    rows = [ContentsRow(i, f"岳阳县城乡最低生活保障对象年度审核登记表（{2000 + i}年）", dt.date(2020, 1, 1), i, i)
            for i in range(1, 80)]
    sec = book.contents("X-1", "张三户日常管理类材料", rows)
    assert sec.count >= 2
    r = reader_of(book.output())
    texts = [squash(r.pages[i].extract_text()) for i in range(sec.first, sec.last + 1)]
    assert all("责任者" in t and "文号" in t for t in texts)  # the heading row repeats on every page
    joined = "".join(texts)
    for row in rows:
        assert squash(row.title) in joined
