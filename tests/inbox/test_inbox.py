"""dibao inbox: printed forms come back as scans and file themselves; other pages are proposed."""

from __future__ import annotations

import hashlib
import io
from pathlib import Path

import pytest

from archive.forms.pagecode import PageCode, check_char
from tests.inbox.conftest import blank_page, degrade, jpeg_bytes, pdf_of_jpegs, raster, signed_gaps


def _sha(p: Path) -> str:
    return hashlib.sha256(p.read_bytes()).hexdigest()


def test_code_text_round_trip_and_check_character():
    c = PageCode("K7Q2", "FX-001", "fenxi-04", "e2", 1, 2)
    assert PageCode.parse(c.text) == c
    assert PageCode.parse("noise " + c.text + " more") == c
    wrong = c.text[:-1] + ("A" if c.text[-1] != "A" else "B")
    assert PageCode.parse(wrong) is None                   # check character catches a bad read
    assert PageCode.parse(c.text.replace("e2", "e3")) is None
    assert check_char(c.body) == c.text[-1]
    # an OCR line that lost its prefix and read 1 as l: recovered only with a test of what exists
    smudged = "a " + c.text.replace("DB1 ", "").replace("FX-001", "FX-00l")
    assert PageCode.parse(smudged) is None
    assert PageCode.parse(smudged, accept=lambda k: k.case_no == "FX-001") == c
    assert PageCode.parse(smudged, accept=lambda k: False) is None


def test_synonym_and_second_copy_names_parse():
    from archive.records.attachments import parse_name
    from archive.records.model import Household
    from tests.support.records import record

    hh = Household.model_validate(record("HS-001"))
    assert parse_name("户口本", hh)["type"] == "户口簿"
    info = parse_name("签字表_fenxi-04_e2_副本2", hh)
    assert info == {"type": "签字表", "form": "fenxi-04", "event": "e2", "copy": 2}


@pytest.mark.slow
def test_shuffled_scans_of_several_households_file_exactly(printed, ws_copy):
    from archive.inbox import run as ib

    ws = ws_copy
    before = signed_gaps(ws)
    assert {("HS-001", "fenxi-04"), ("HS-001", "fenxi-01"), ("HS-002", "fenxi-04")} <= before
    p = printed.pdfs
    f04a = raster(p[("HS-001", "fenxi-04")], 200)
    f01a = raster(p[("HS-001", "fenxi-01")], 150)
    f04b = raster(p[("HS-002", "fenxi-04")], 300)
    box = ws.root / "inbox"
    # a multi-page PDF: HS-002's form turned a quarter, a blank duplex back, HS-001's 申请书 upside down
    pages = [jpeg_bytes(degrade(im, turn=90, seed=3, bw=True), 70) for im in f04b]
    pages.append(jpeg_bytes(blank_page(f04b[0].size), 60))
    pages += [jpeg_bytes(degrade(im, turn=180, seed=4, skew=0.6), 55) for im in f01a]
    (box / "Scan0001.pdf").write_bytes(pdf_of_jpegs(pages))
    # a single JPEG and a PNG from a phone app
    (box / "IMG_20240305_101522.jpg").write_bytes(jpeg_bytes(degrade(f04a[0], seed=5, skew=-0.8), 50))
    inputs = {f.name: _sha(f) for f in box.iterdir() if f.is_file()}

    rep = ib.run(ws, ocr=False)

    assert sorted(rep.filed) == ["scans/HS-001/签字表_fenxi-01_e1.pdf", "scans/HS-001/签字表_fenxi-04_e2.pdf",
                                 "scans/HS-002/签字表_fenxi-04_e2.pdf"]
    assert rep.pages_in == len(pages) + 1 and rep.blank_pages == 1 and rep.listed_pages == 0
    assert rep.pages_in == rep.filed_pages + rep.listed_pages + rep.blank_pages
    # inputs moved unchanged
    done = {f.name: _sha(f) for f in (box / "已处理").rglob("*") if f.is_file()}
    assert done == inputs
    assert not [f for f in box.iterdir() if f.is_file() and f.suffix != ".xlsx"]
    # filed pages are shown upright: the QR reads unturned at the shown orientation
    import zxingcpp

    for rel in rep.filed:
        img = raster(ws.root / rel, 100)[0]
        (r,) = zxingcpp.read_barcodes(img)
        assert abs(r.orientation) <= 3, rel      # upright but for the scanner's slight skew
    # exactly those gaps are closed, no other
    after = signed_gaps(ws)
    assert before - after == {("HS-001", "fenxi-04"), ("HS-001", "fenxi-01"), ("HS-002", "fenxi-04")}


@pytest.mark.slow
def test_jpeg_pages_are_embedded_without_recompression(printed, ws_copy):
    import pypdf

    from archive.inbox import run as ib

    ws = ws_copy
    jpg = jpeg_bytes(degrade(raster(printed.pdfs[("HS-002", "fenxi-04")], 200)[0], seed=9), 65)
    (ws.root / "inbox" / "扫描全能王 2024-03-05 10.33.jpg").write_bytes(jpg)
    rep = ib.run(ws, ocr=False)
    assert rep.filed == ["scans/HS-002/签字表_fenxi-04_e2.pdf"]
    page = pypdf.PdfReader(ws.root / rep.filed[0]).pages[0]
    xobj = page["/Resources"]["/XObject"]
    (img,) = [xobj[k].get_object() for k in xobj]
    assert img["/Filter"] == "/DCTDecode" and img.get_data() == jpg


@pytest.mark.slow
def test_damaged_qr_is_read_from_the_text_line(printed):
    from PIL import ImageDraw

    from archive.inbox.look import look, read_qr

    img = raster(printed.pdfs[("HS-001", "fenxi-01")], 200)[0]
    code, _ = read_qr(img)
    assert code is not None
    # scribble over the QR (bottom left corner, 5-23 mm from the edges)
    mm = 200 / 25.4
    d = ImageDraw.Draw(img)
    x0, y1 = int(4 * mm), img.height - int(4 * mm)
    d.rectangle((x0, y1 - int(20 * mm), x0 + int(20 * mm), y1), fill=0)
    assert read_qr(img)[0] is None
    from archive.forms import load_households
    from archive.forms.pagecode import workspace_id
    from archive.inbox.run import acceptor
    from archive.workspace import open_workspace

    ws = open_workspace(printed.master)
    accept = acceptor(workspace_id(ws), {h.case_no: h for h in load_households(ws)[0]})
    seen = look(degrade(img, turn=180, seed=2, noise=0.0015), text_line=True, accept=accept)
    assert seen.how == "text" and seen.code == code and seen.rotate == 180


def test_a_lenient_reading_needs_real_names():
    """Swapping l/1 and O/0 in an OCR line gives many readings; one in 34 passes the check
    character by chance, so such readings count only when they name this workspace's things."""
    good = PageCode("0QHL", "HS-001", "fenxi-01", "e1", 1, 1)
    line = good.text.replace("DB1 ", "")              # the prefix lost under a smudge
    assert PageCode.parse(line) is None                # strict: the prefix is needed
    assert PageCode.parse(line, lambda c: c == good) == good
    assert PageCode.parse(line, lambda c: False) is None
    # a workspace id never holds O or I: 'OQHL' is no reading of anything
    assert PageCode.parse(good.text.replace("0QHL", "OQHL"), lambda c: True) in (None, good)


@pytest.mark.slow
def test_second_copy_kept_and_rerun_files_nothing_twice(printed, ws_copy):
    from archive.inbox import run as ib

    ws = ws_copy
    im = raster(printed.pdfs[("HS-001", "fenxi-04")], 200)[0]
    box = ws.root / "inbox"
    (box / "a.jpg").write_bytes(jpeg_bytes(degrade(im, seed=11), 60))
    (box / "b.jpg").write_bytes(jpeg_bytes(degrade(im, seed=12, turn=270), 60))
    rep = ib.run(ws, ocr=False)
    assert rep.filed == ["scans/HS-001/签字表_fenxi-04_e2.pdf"]
    assert rep.copies == ["scans/HS-001/签字表_fenxi-04_e2_副本2.pdf"]
    # a killed run: inputs still in the inbox although their pages were filed
    for f in (box / "已处理").rglob("*.jpg"):
        f.rename(box / f.name)
    again = ib.run(ws, ocr=False)
    assert again.filed == [] and again.copies == [] and len(again.already) == 2
    assert sorted(p.name for p in (ws.scans_dir / "HS-001").iterdir()) == ["签字表_fenxi-04_e2.pdf", "签字表_fenxi-04_e2_副本2.pdf"]
    # the build uses the signed original for the form; the second copy is filed after it, not merged into it
    from archive.records.attachments import collect
    from archive.records.load import load_valid
    from archive.volumes.plan import plan_household

    hh = load_valid(ws.households_dir / "HS-001.json", ws.root)
    scans, notes = collect(hh, ws.root, ws.scans_dir)
    plan = plan_household(hh, ws.config, scans)
    entries = [e for vol in plan.volumes.values() for e in vol]
    signed = [e for e in entries if e.kind == "signed_scan"]
    assert [(e.form_id, [s.rel for s in e.scans]) for e in signed] == [("fenxi-04", ["scans/HS-001/签字表_fenxi-04_e2.pdf"])]
    assert not notes and not any(e.kind == "form" and e.form_id == "fenxi-04" for e in entries)


@pytest.mark.slow
def test_uncoded_page_is_proposed_and_applied(ws_copy):
    from PIL import Image, ImageDraw, ImageFont

    from archive.inbox import proposals as pp, run as ib
    from archive.pdffont import font_face
    from tests.support.records import make_id

    ws = ws_copy
    path, index = font_face()
    font = ImageFont.truetype(path, 44, index=index)
    img = Image.new("L", (1400, 900), 255)
    d = ImageDraw.Draw(img)
    d.text((80, 80), "中华人民共和国 居民身份证", font=font, fill=0)
    d.text((80, 220), "姓名 李建国", font=font, fill=0)
    d.text((80, 360), "公民身份号码 " + make_id("430621", "19700312", 12, True), font=font, fill=0)
    d.text((80, 500), "签发机关 岳阳县公安局", font=font, fill=0)
    buf = io.BytesIO()
    img.save(buf, "PNG")
    (ws.root / "inbox" / "Scan0002.png").write_bytes(buf.getvalue())
    rep = ib.run(ws)
    assert rep.listed_pages == 1 and rep.filed_pages == 0
    (row,) = pp.read_rows(ws.root / "inbox" / "待确认.xlsx")
    assert (row.household, row.material, row.member) == ("HS-001", "身份证", "李建国")
    assert "尾号" in row.why and make_id("430621", "19700312", 12, True) not in row.why
    row.confirm = "是"
    pp.write_rows(ws.root / "inbox" / "待确认.xlsx", [row])
    res = ib.apply(ws)
    assert res.filed == ["scans/HS-001/身份证_李建国.pdf"] and res.left == 0


def test_blank_back_is_blank_but_a_sparse_page_is_not():
    from PIL import ImageDraw

    from archive.inbox.look import is_blank
    from tests.inbox.conftest import blank_page

    assert is_blank(blank_page((1654, 2339)))
    page = blank_page((1654, 2339), seed=3)
    ImageDraw.Draw(page).line((300, 700, 900, 720), fill=20, width=4)   # one signature stroke
    assert not is_blank(page)
    assert not is_blank(_card())


def _card():
    from PIL import Image, ImageDraw, ImageFont

    from archive.pdffont import font_face

    path, index = font_face()
    img = Image.new("L", (1400, 900), 255)
    ImageDraw.Draw(img).text((80, 80), "居民身份证 姓名 李建国", font=ImageFont.truetype(path, 44, index=index), fill=0)
    return img


@pytest.mark.slow
def test_prepare_pack_signed_and_scanned_closes_exactly_its_gaps(printed, ws_copy):
    """audit --prepare prints the pack; some of its forms come back signed among a foreign page."""
    from PIL import ImageDraw

    from archive.audit import audit_workspace
    from archive.audit.prepare import prepare
    from archive.inbox import run as ib
    from archive.inbox.look import read_qr

    ws = ws_copy
    before = signed_gaps(ws)
    (vo,) = prepare(audit_workspace(ws, as_of=__import__("datetime").date(2024, 6, 1)), ws, ws.root.parent / "pack")
    sheets = raster(vo.folder / "待打印表单.pdf", 200)
    codes = [read_qr(im)[0] for im in sheets]
    assert all(c is not None for c in codes), "every page of the pack carries a readable code"
    # the clerk brings back every form of the first two distinct ones plus one more, signed
    wanted = list(dict.fromkeys(c.group for c in codes))[:3]
    pages = []
    for k, (im, c) in enumerate(zip(sheets, codes)):
        if c.group in wanted:
            im = im.copy()
            ImageDraw.Draw(im).line((900, 1900, 1300, 1960), fill=0, width=5)   # a signature
            pages.append(jpeg_bytes(degrade(im, turn=(0, 180)[k % 2], seed=k, skew=0.5), 65))
    foreign = _card()
    pages.insert(1, jpeg_bytes(foreign, 70))
    box = ws.root / "inbox"
    (box / "Scan0007.pdf").write_bytes(pdf_of_jpegs(pages))
    sha = _sha(box / "Scan0007.pdf")
    rep = ib.run(ws, ocr=False)
    assert rep.pages_in == len(pages) == rep.filed_pages + rep.listed_pages + rep.blank_pages
    assert rep.listed_pages == 1 and rep.listed[0].page == 2           # the foreign page is reported
    closed = before - signed_gaps(ws)
    assert closed == {(g[1], g[2]) for g in wanted}                     # its own gaps and no other
    assert [_sha(p) for p in (box / "已处理").rglob("Scan0007.pdf")] == [sha]
