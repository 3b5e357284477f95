"""Scans as they really arrive: phone photos at angles (small, sent through a chat app, EXIF
turned), a black-and-white photocopy, a 200 dpi greyscale PDF mixing households with a page that
is no dibao form, the same file twice, and a day folder from the phone."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from tests.inbox.conftest import jpeg_bytes, pdf_of_jpegs, phone_photo, photocopy, raster, signed_gaps


def _sha(p: Path) -> str:
    return hashlib.sha256(p.read_bytes()).hexdigest()


def _card():
    from PIL import Image, ImageDraw, ImageFont

    from archive.pdffont import font_face

    path, index = font_face()
    img = Image.new("L", (1400, 900), 255)
    d = ImageDraw.Draw(img)
    font = ImageFont.truetype(path, 44, index=index)
    for k, line in enumerate(("居民户口簿 常住人口登记卡", "姓名 赵大山 户主或与户主关系 户主", "性别 男 民族 汉 出生地 湖南省岳阳县",
                              "籍贯 湖南省岳阳县 宗教信仰 无 文化程度 初中", "本市（县）其他住址 无 服务处所 务农")):
        d.text((80, 80 + k * 110), line, font=font, fill=0)
    return img


def _shown(pdf: Path):
    """The first page's image as a viewer shows it: the embedded pixels turned by the page's /Rotate
    (EXIF is not looked at by PDF viewers: img2pdf turned such a page by /Rotate)."""
    import io

    import pypdf
    from PIL import Image

    page = pypdf.PdfReader(pdf).pages[0]
    img = Image.open(io.BytesIO(_embedded(pdf))).convert("L")
    return img.rotate(-page.rotation, expand=True) if page.rotation else img


def _embedded(pdf: Path) -> bytes:
    """The image data of the one image on the first page (JPEG: as taken)."""
    import pypdf

    page = pypdf.PdfReader(pdf).pages[0]
    xobj = page["/Resources"]["/XObject"]
    (img,) = [xobj[k].get_object() for k in xobj]
    assert img["/Filter"] == "/DCTDecode"
    return img.get_data()


@pytest.mark.slow
def test_phone_photos_photocopy_mixed_pdf_and_duplicate_file_exactly(printed, ws_copy):
    from archive.inbox import run as ib
    from archive.inbox.look import read_qr

    ws = ws_copy
    p = printed.pdfs
    forms = {("HS-001", "fenxi-04"), ("HS-001", "fenxi-01"), ("HS-002", "fenxi-04"), ("HS-002", "fenxi-01")}
    before = signed_gaps(ws)
    assert forms <= before
    box = ws.root / "inbox"
    day = box / "2024-03-05"          # the phone's day folder
    day.mkdir()
    # phone photos of ~2 MP (as a chat app sends them), in perspective, one stored sideways with EXIF
    (day / "IMG_20240305_101522.jpg").write_bytes(
        phone_photo(raster(p[("HS-001", "fenxi-04")], 300)[0], angle=20, size=(1200, 1600), seed=2))
    (box / "微信图片_20240305103312.jpg").write_bytes(
        phone_photo(raster(p[("HS-002", "fenxi-01")], 300)[0], angle=105, size=(1080, 1440), exif_turn=False,
                    blur=0.6, seed=3))
    # a 200 dpi greyscale scanner PDF: a photocopy of HS-002's form, an ID card, HS-001's form upside down
    copy = photocopy(raster(p[("HS-002", "fenxi-04")], 300)[0], seed=4)
    copy = copy.resize((copy.width * 2 // 3, copy.height * 2 // 3))
    upside = raster(p[("HS-001", "fenxi-01")], 200)[0].rotate(180)
    pages = [jpeg_bytes(copy, 70), jpeg_bytes(_card(), 70), jpeg_bytes(upside, 60)]
    (box / "扫描全能王 2024-03-05 10.33.pdf").write_bytes(pdf_of_jpegs(pages))
    # the same file copied in twice
    (box / "Scan0001 (1).pdf").write_bytes((box / "扫描全能王 2024-03-05 10.33.pdf").read_bytes())
    inputs = sorted(_sha(f) for f in box.rglob("*") if f.is_file())

    rep = ib.run(ws, ocr=False)

    assert sorted(rep.filed) == sorted(f"scans/{c}/签字表_{f}_{'e2' if f == 'fenxi-04' else 'e1'}.pdf" for c, f in forms)
    assert rep.copies == [] and rep.already == []
    assert rep.duplicates == [("扫描全能王 2024-03-05 10.33.pdf", "Scan0001 (1).pdf")]
    assert rep.pages_in == 2 + 3 + 3 and rep.duplicate_pages == 3
    assert rep.listed_pages == 1 and rep.listed[0].page == 2          # the ID card is listed, not lost
    assert rep.balanced
    # every input kept unchanged in 已处理 (the day folder too); nothing left in the inbox
    assert sorted(_sha(f) for f in (box / "已处理").rglob("*") if f.is_file()) == inputs
    assert (box / "已处理").rglob("IMG_20240305_101522.jpg")
    assert not [f for f in box.rglob("*") if f.is_file() and "已处理" not in f.parts and f.suffix != ".xlsx"]
    # filed pages are shown upright (to the nearest quarter turn; photos are at an angle)
    for rel in rep.filed:
        code, turn = read_qr(_shown(ws.root / rel))
        assert code is not None and turn == 0, (rel, turn)
    # the phone JPEG is embedded as it was taken (no recompression)
    kept = [m for m in rep.moved if Path(m).name == "微信图片_20240305103312.jpg"]
    assert _embedded(ws.root / "scans/HS-002/签字表_fenxi-01_e1.pdf") == (box / kept[0]).read_bytes()
    # exactly those gaps closed
    assert before - signed_gaps(ws) == forms


@pytest.mark.slow
def test_apply_turns_an_uncoded_page_upright(ws_copy):
    """A sideways ID card page: 待确认.xlsx records the turn, --apply files it upright (no recompression)."""
    import pypdf

    from archive.inbox import proposals as pp
    from archive.inbox import run as ib

    ws = ws_copy
    box = ws.root / "inbox"
    card = _card().rotate(90, expand=True)            # turned a quarter anticlockwise
    (box / "IMG_0001.jpg").write_bytes(jpeg_bytes(card, 80))
    rep = ib.run(ws, ocr=True)
    (row,) = rep.listed
    assert row.rotate == 90
    xlsx = box / "待确认.xlsx"
    rows = pp.read_rows(xlsx)
    assert rows[0].rotate == row.rotate
    rows[0].household, rows[0].material, rows[0].member, rows[0].confirm = "HS-002", "户口本", "", "是"
    pp.write_rows(xlsx, rows)
    res = ib.apply(ws)
    assert res.filed == ["scans/HS-002/户口簿.pdf"], res.problems
    page = pypdf.PdfReader(ws.root / res.filed[0]).pages[0]
    assert page.rotation == row.rotate
    # shown upright: rasterised as shown, the text runs left to right again
    shown = raster(ws.root / res.filed[0], 50)[0]
    assert shown.width > shown.height
    assert _embedded(ws.root / res.filed[0]) == (box / rep.moved[0]).read_bytes()
