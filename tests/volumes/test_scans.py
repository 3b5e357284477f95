"""archive.volumes.scans on a generated corpus: every input kind, limits, bombs and broken files."""

from __future__ import annotations

import io
import re
import time
import zlib
from pathlib import Path

import img2pdf
import pypdf
import pytest
from PIL import Image, ImageDraw
from pypdf.generic import NameObject, RectangleObject

from archive.errors import InputError
from archive.fsutil import sha256_file
from archive.volumes.scans import A4_H, A4_W, ScanLimits, convert_scan, has_text_layer, scan_to_pdf, sniff
from tests.support.pdfs import one_page_pdf, page_image, stream, zero_bomb

# ----------------------------------------------------------------------------- helpers


def convert(path: Path, limits: ScanLimits = ScanLimits()):
    """convert_scan, asserting the source is byte-identical afterwards (also when it fails)."""
    before = sha256_file(path)
    try:
        return convert_scan(path, limits)
    finally:
        assert sha256_file(path) == before, "the source file was modified"


def refused(path: Path, limits: ScanLimits = ScanLimits()) -> InputError:
    with pytest.raises(InputError) as info:
        convert(path, limits)
    err = info.value
    text = str(err)
    assert str(path) in text  # names the file
    assert err.hint and re.search(r"[\u4e00-\u9fff]", err.message + err.hint)  # Chinese reason and fix
    return err


def reader(pdf: bytes) -> pypdf.PdfReader:
    return pypdf.PdfReader(io.BytesIO(pdf))


def shown_size(page: pypdf.PageObject) -> tuple[float, float]:
    """The page's size as displayed (with /Rotate applied)."""
    w, h = float(page.mediabox.width), float(page.mediabox.height)
    return (h, w) if int(page.get("/Rotate", 0)) % 180 else (w, h)


def assert_a4(page: pypdf.PageObject, landscape: bool | None = None) -> None:
    w, h = sorted((float(page.mediabox.width), float(page.mediabox.height)))
    assert w == pytest.approx(A4_W, abs=0.5) and h == pytest.approx(A4_H, abs=0.5)
    if landscape is not None:
        sw, sh = shown_size(page)
        assert (sw > sh) == landscape


def image_xobjects(page: pypdf.PageObject) -> list:
    xo = page["/Resources"]["/XObject"]
    return [xo[k].get_object() for k in xo]


def placed_size(page: pypdf.PageObject) -> tuple[float, float]:
    """Width and height the image is drawn at (img2pdf writes 'w 0 0 h x y cm')."""
    m = re.search(rb"([\d.]+) 0 0 ([\d.]+) [\d.-]+ [\d.-]+ cm", page.get_contents().get_data())
    return float(m.group(1)), float(m.group(2))


@pytest.fixture
def jpeg(tmp_path) -> Path:
    p = tmp_path / "户口簿.jpg"
    page_image().save(p, "JPEG", quality=70, dpi=(150, 150))
    return p


# ----------------------------------------------------------------------------- sniffing


def test_sniff_reads_magic_bytes_not_extensions(tmp_path):
    im = page_image((200, 300))
    cases = {"a.pdf": "JPEG", "b.jpg": "PNG", "c.png": "TIFF", "d.tif": "GIF", "e.dat": "BMP", "f.jpg": "WEBP"}
    for name, fmt in cases.items():
        im.save(tmp_path / name, fmt)
        assert sniff(tmp_path / name) == {"JPEG": "jpeg", "PNG": "png", "TIFF": "tiff", "GIF": "gif",
                                           "BMP": "bmp", "WEBP": "webp"}[fmt]
    (tmp_path / "g.jpg").write_bytes(img2pdf.convert(tmp_path / "a.pdf"))
    assert sniff(tmp_path / "g.jpg") == "pdf"
    (tmp_path / "h.pdf").write_text("不是PDF", encoding="utf-8")
    assert sniff(tmp_path / "h.pdf") == "unknown"
    (tmp_path / "empty.jpg").write_bytes(b"")
    assert sniff(tmp_path / "empty.jpg") == "unknown"
    with pytest.raises(InputError, match="找不到"):
        sniff(tmp_path / "missing.jpg")


# ----------------------------------------------------------------------------- JPEG


def test_jpeg_is_embedded_byte_for_byte_on_a4(jpeg):
    res = convert(jpeg)
    assert (res.pages, res.kind, res.notes) == (1, "jpeg", [])
    page = reader(res.pdf).pages[0]
    assert_a4(page, landscape=False)
    (img,) = image_xobjects(page)
    assert img["/Filter"] == "/DCTDecode"
    assert img._data == jpeg.read_bytes()  # not re-encoded
    w, h = placed_size(page)
    assert w / h == pytest.approx(1240 / 1754, rel=1e-3)
    assert w <= A4_W + 0.01 and h <= A4_H + 0.01


def test_jpeg_is_fast(jpeg):
    convert_scan(jpeg)
    t = time.perf_counter()
    for _ in range(10):
        convert_scan(jpeg)
    assert (time.perf_counter() - t) / 10 < 0.03  # a few ms in practice


def test_landscape_jpeg_gets_landscape_a4_centred(tmp_path):
    p = tmp_path / "银行卡.jpg"
    page_image((1600, 1000)).save(p, "JPEG", quality=70, dpi=(100, 100))  # 16 in wide: shrunk to fit
    page = reader(convert(p).pdf).pages[0]
    assert_a4(page, landscape=True)
    w, h = placed_size(page)
    assert w == pytest.approx(A4_H, abs=0.1) and w / h == pytest.approx(1.6, rel=1e-3)
    x, y = map(float, re.search(rb"[\d.]+ 0 0 [\d.]+ ([\d.-]+) ([\d.-]+) cm", page.get_contents().get_data()).groups())
    assert x == pytest.approx(0, abs=0.1) and y == pytest.approx((A4_W - h) / 2, abs=0.1)  # centred


@pytest.mark.parametrize("orientation,landscape_shown", [(6, False), (8, False), (3, True)])
def test_exif_rotation_uses_page_rotate_without_reencoding(tmp_path, orientation, landscape_shown):
    p = tmp_path / f"rot{orientation}.jpg"
    exif = Image.Exif()
    exif[0x0112] = orientation
    page_image((1754, 1240)).save(p, "JPEG", quality=70, exif=exif)  # stored landscape
    res = convert(p)
    page = reader(res.pdf).pages[0]
    assert_a4(page, landscape=landscape_shown)
    assert int(page.get("/Rotate", 0)) == {6: 90, 8: 270, 3: 180}[orientation]
    assert image_xobjects(page)[0]._data == p.read_bytes()
    assert res.notes == []


def test_mirrored_exif_orientation_is_reencoded_and_said(tmp_path):
    p = tmp_path / "mirror.jpg"
    exif = Image.Exif()
    exif[0x0112] = 5  # transpose: stored landscape, shown portrait
    page_image((1754, 1240)).save(p, "JPEG", quality=70, exif=exif)
    res = convert(p)
    page = reader(res.pdf).pages[0]
    assert_a4(page, landscape=False)
    assert int(page.get("/Rotate", 0)) == 0
    img = image_xobjects(page)[0]
    assert img["/Filter"] == "/DCTDecode" and (img["/Width"], img["/Height"]) == (1240, 1754)
    assert any("重新压缩" in n for n in res.notes)


def test_cmyk_jpeg_stays_cmyk_and_unchanged(tmp_path):
    p = tmp_path / "cmyk.jpg"
    page_image((800, 1100), mode="CMYK").save(p, "JPEG", quality=80)
    page = reader(convert(p).pdf).pages[0]
    img = image_xobjects(page)[0]
    assert img["/ColorSpace"] == "/DeviceCMYK" and img._data == p.read_bytes()


def test_jpeg_without_dpi_assumes_150(tmp_path):
    p = tmp_path / "nodpi.jpg"
    page_image((1240, 1754)).save(p, "JPEG", quality=70)  # JFIF density 1:1, no unit
    w, h = placed_size(reader(convert(p).pdf).pages[0])
    assert w == pytest.approx(1240 * 72 / 150, abs=0.5)


def test_small_image_keeps_its_size(tmp_path):
    p = tmp_path / "身份证.jpg"
    page_image((1011, 638)).save(p, "JPEG", quality=70, dpi=(300, 300))  # 85.6 × 54 mm card
    page = reader(convert(p).pdf).pages[0]
    w, h = placed_size(page)
    assert w == pytest.approx(1011 * 72 / 300, abs=0.1) and h == pytest.approx(638 * 72 / 300, abs=0.1)


def test_truncated_jpeg_is_refused(tmp_path, jpeg):
    data = jpeg.read_bytes()
    p = tmp_path / "cut.jpg"
    p.write_bytes(data[: len(data) * 2 // 3])
    Image.open(p).verify()  # the trap: open() and verify() accept it
    err = refused(p)
    assert "不完整" in err.message and "重新扫描" in err.hint


# ----------------------------------------------------------------------------- PNG, TIFF, others


def test_plain_png_wrapped_losslessly(tmp_path):
    p = tmp_path / "scan.png"
    page_image((1240, 1754), mode="L").save(p, dpi=(150, 150))
    res = convert(p)
    page = reader(res.pdf).pages[0]
    assert_a4(page, landscape=False)
    img = image_xobjects(page)[0]
    assert img["/Filter"] == "/FlateDecode" and img["/ColorSpace"] == "/DeviceGray"
    assert img.decode_as_image().tobytes() == Image.open(p).tobytes()


def test_rgba_png_is_flattened_on_white(tmp_path):
    p = tmp_path / "alpha.png"
    im = Image.new("RGBA", (600, 800), (255, 0, 0, 0))  # fully transparent red
    ImageDraw.Draw(im).rectangle([100, 100, 300, 300], fill=(0, 0, 255, 255))
    im.save(p)
    img = image_xobjects(reader(convert(p).pdf).pages[0])[0]
    assert "/SMask" not in img
    pil = img.decode_as_image()
    assert pil.getpixel((10, 10)) == (255, 255, 255) and pil.getpixel((200, 200)) == (0, 0, 255)


def test_16bit_png_is_scaled_not_clipped(tmp_path):
    p = tmp_path / "gray16.png"
    im = Image.new("I;16", (400, 500), 65535)
    im.paste(Image.new("I;16", (100, 100), 32768), (0, 0))
    im.save(p)
    assert Image.open(p).mode.startswith("I")
    pil = image_xobjects(reader(convert(p).pdf).pages[0])[0].decode_as_image()
    assert pil.getpixel((300, 400)) == 255 and pil.getpixel((50, 50)) == 128


@pytest.mark.parametrize("transparent", [False, True])
def test_palette_png(tmp_path, transparent):
    p = tmp_path / "pal.png"
    im = page_image((500, 700)).convert("P", palette=Image.Palette.ADAPTIVE, colors=16)
    im.save(p, transparency=0) if transparent else im.save(p)
    res = convert(p)
    assert res.pages == 1
    assert_a4(reader(res.pdf).pages[0], landscape=False)


def test_multipage_tiff_keeps_every_page(tmp_path):
    p = tmp_path / "multi.tif"
    frames = [page_image((1240, 1754)), page_image((1754, 1240), mode="L"), page_image((1240, 1754), mode="1")]
    frames[0].save(p, save_all=True, append_images=frames[1:], dpi=(150, 150), compression="tiff_deflate")
    res = convert(p)
    assert res.pages == 3
    pages = reader(res.pdf).pages
    assert len(pages) == 3
    for page, landscape in zip(pages, (False, True, False)):
        assert_a4(page, landscape=landscape)


def test_tiff_exif_orientation_applied(tmp_path):
    p = tmp_path / "rot.tif"
    exif = Image.Exif()
    exif[0x0112] = 6
    page_image((1754, 1240), mode="L").save(p, exif=exif, dpi=(150, 150))
    page = reader(convert(p).pdf).pages[0]
    assert_a4(page, landscape=False)
    img = image_xobjects(page)[0]
    assert (img["/Width"], img["/Height"]) == (1240, 1754)


def test_cmyk_tiff_and_other_formats(tmp_path):
    for name, fmt, mode in [("cmyk.tif", "TIFF", "CMYK"), ("a.gif", "GIF", "P"), ("a.bmp", "BMP", "RGB"),
                            ("a.webp", "WEBP", "RGB")]:
        p = tmp_path / name
        page_image((500, 700), mode=mode).save(p, fmt)
        res = convert(p)
        assert res.pages == 1, name
        assert_a4(reader(res.pdf).pages[0], landscape=False)


def test_wrong_extensions_work_and_are_noted(tmp_path, jpeg):
    p = tmp_path / "其实是照片.pdf"
    p.write_bytes(jpeg.read_bytes())
    res = convert(p)
    assert res.kind == "jpeg" and res.pages == 1 and "实际内容是JPG图片" in res.notes[0]
    q = tmp_path / "其实是PDF.jpg"
    q.write_bytes(res.pdf)
    res2 = convert(q)
    assert res2.kind == "pdf" and res2.pages == 1


# ----------------------------------------------------------------------------- limits and bombs


def test_png_pixel_bomb_refused_before_decoding(tmp_path):
    # IHDR declares 20000 × 20000 (400 MP) with a tiny IDAT
    p = tmp_path / "bomb.png"
    ihdr = (20000).to_bytes(4, "big") * 2 + bytes([8, 0, 0, 0, 0])
    idat = zlib.compress(b"\0" * 1000)

    def chunk(kind: bytes, body: bytes) -> bytes:
        return len(body).to_bytes(4, "big") + kind + body + zlib.crc32(kind + body).to_bytes(4, "big")

    p.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat) + chunk(b"IEND", b""))
    t = time.perf_counter()
    err = refused(p)
    assert time.perf_counter() - t < 0.5
    assert "20000×20000" in err.message and "像素" in err.message


def test_pixel_limit_is_configurable_and_pillow_global_restored(jpeg):
    before = Image.MAX_IMAGE_PIXELS
    err = refused(jpeg, ScanLimits(max_pixels=1_000_000))
    assert "1240×1754" in err.message
    assert Image.MAX_IMAGE_PIXELS == before


def test_file_size_and_page_limits(tmp_path, jpeg):
    err = refused(jpeg, ScanLimits(max_file_bytes=1000))
    assert "文件太大" in err.message
    p = tmp_path / "four.tif"
    frames = [page_image((300, 400), mode="L") for _ in range(4)]
    frames[0].save(p, save_all=True, append_images=frames[1:])
    assert "4页" in refused(p, ScanLimits(max_pages=3)).message
    w = pypdf.PdfWriter()
    for _ in range(5):
        w.add_blank_page(A4_W, A4_H)
    q = tmp_path / "five.pdf"
    w.write(q)
    assert "5页" in refused(q, ScanLimits(max_pages=3)).message


def test_pdf_flate_bomb_is_refused(tmp_path):
    bomb = zero_bomb(300)  # 300 MiB of zeros in ~300 KB
    assert len(bomb) < 400_000
    p = tmp_path / "bomb.pdf"
    p.write_bytes(one_page_pdf(stream(b"/Filter /FlateDecode", bomb)))
    t = time.perf_counter()
    err = refused(p)
    assert time.perf_counter() - t < 3
    assert "压缩炸弹" in err.message and err.field == "第1页"
    with pytest.raises(InputError, match="压缩炸弹"):
        has_text_layer(p)


def test_pdf_bomb_hidden_in_an_image_and_behind_ascii85(tmp_path):
    import base64

    bomb = zero_bomb(80)
    xobj = stream(b"/Type /XObject /Subtype /Image /Width 100 /Height 100 /ColorSpace /DeviceGray "
                  b"/BitsPerComponent 8 /Filter [/ASCII85Decode /FlateDecode]", base64.a85encode(bomb, adobe=True)[2:])
    p = tmp_path / "hidden.pdf"
    p.write_bytes(one_page_pdf(stream(b"", b"q 100 0 0 100 0 0 cm /Im0 Do Q"),
                               resources=b"<< /XObject << /Im0 5 0 R >> >>", extra=[xobj]))
    assert "压缩炸弹" in refused(p).message
    # the same stream under a higher cap passes
    assert convert(p, ScanLimits(max_pdf_stream_bytes=100 * 2**20)).pages == 1


def test_pdf_image_declaring_huge_dimensions_is_refused(tmp_path):
    xobj = stream(b"/Type /XObject /Subtype /Image /Width 100000 /Height 100000 /ColorSpace /DeviceRGB "
                  b"/BitsPerComponent 8 /Filter /DCTDecode", b"\xff\xd8\xff\xd9")
    p = tmp_path / "huge.pdf"
    p.write_bytes(one_page_pdf(stream(b"", b"q 100 0 0 100 0 0 cm /Im0 Do Q"),
                               resources=b"<< /XObject << /Im0 5 0 R >> >>", extra=[xobj]))
    assert "100000×100000" in refused(p).message


# ----------------------------------------------------------------------------- broken input


def test_empty_unknown_and_office_files(tmp_path):
    e = tmp_path / "空.jpg"
    e.write_bytes(b"")
    assert "0字节" in refused(e).message
    t = tmp_path / "说明.pdf"
    t.write_text("这是一段文字", encoding="utf-8")
    err = refused(t)
    assert "无法识别" in err.message and "另存为" in err.hint
    d = tmp_path / "表.jpg"
    d.write_bytes(b"PK\x03\x04" + b"\0" * 100)
    assert "Word" in refused(d).message
    h = tmp_path / "IMG_0001.jpg"
    h.write_bytes(b"\0\0\0\x18ftypheic" + b"\0" * 100)
    assert "HEIC" in refused(h).message
    with pytest.raises(InputError, match="文件夹"):
        convert_scan(tmp_path)


def test_corrupt_images(tmp_path):
    p = tmp_path / "cut.png"
    buf = io.BytesIO()
    page_image((600, 800)).save(buf, "PNG")
    p.write_bytes(buf.getvalue()[: len(buf.getvalue()) * 2 // 3])
    refused(p)
    g = tmp_path / "garbage.tif"
    g.write_bytes(b"II*\x00" + b"\xff" * 200)
    assert "损坏" in refused(g).message


def test_truncated_and_unrepairable_pdfs(tmp_path, jpeg):
    good = convert(jpeg).pdf
    p = tmp_path / "cut.pdf"
    p.write_bytes(good[: len(good) // 2])
    assert "不完整" in refused(p).message
    q = tmp_path / "noxref.pdf"
    q.write_bytes(b"%PDF-1.4\n1 0 obj\n<< /Type /Foo >>\nendobj\ntrailer\n<< >>\nstartxref\n9999\n%%EOF\n")
    err = refused(q)
    assert "PDF" in err.message and "另存为" in err.hint


def test_malformed_xref_repaired(tmp_path):
    data = one_page_pdf(stream(b"", b"0 0 m 100 100 l S"))
    broken = re.sub(rb"startxref\n\d+", b"startxref\n17", data)  # points into the header
    p = tmp_path / "badxref.pdf"
    p.write_bytes(broken)
    res = convert(p)
    assert res.pages == 1
    assert_a4(reader(res.pdf).pages[0])


def encrypted_copy(tmp_path: Path, jpeg: Path, user_password: str) -> Path:
    w = pypdf.PdfWriter(clone_from=io.BytesIO(convert(jpeg).pdf))
    w.encrypt(user_password=user_password, owner_password="5678", algorithm="AES-256")
    p = tmp_path / f"encrypted-{user_password or 'owner-only'}.pdf"
    w.write(p)
    return p


def test_pdf_with_user_password_is_refused(tmp_path, jpeg):
    err = refused(encrypted_copy(tmp_path, jpeg, "1234"))
    assert "密码" in err.message and "去掉密码后再放入" in err.hint


def test_pdf_with_owner_password_only_is_used(tmp_path, jpeg):
    p = encrypted_copy(tmp_path, jpeg, "")
    res = convert(p)
    assert res.pages == 1 and any("权限密码" in n for n in res.notes)
    out = reader(res.pdf)
    assert not out.is_encrypted
    assert image_xobjects(out.pages[0])[0]._data == jpeg.read_bytes()


# ----------------------------------------------------------------------------- PDF placement and text layer


def test_pdf_pages_placed_on_a4(tmp_path):
    w = pypdf.PdfWriter()
    w.add_blank_page(612, 792)  # Letter: shrunk
    w.add_blank_page(842, 595)  # A4 landscape: kept
    w.add_blank_page(420, 298)  # A5 landscape: kept at natural size
    cropped = w.add_blank_page(700, 900)
    cropped.cropbox = RectangleObject([50, 50, 650, 850])
    cropped[NameObject("/TrimBox")] = RectangleObject([50, 50, 650, 850])
    p = tmp_path / "mixed.pdf"
    w.write(p)
    res = convert(p)
    pages = reader(res.pdf).pages
    assert res.pages == 4
    for page, landscape in zip(pages, (False, True, True, False)):
        assert_a4(page, landscape=landscape)
        assert page.cropbox == page.mediabox and "/TrimBox" not in page


def _text_pdf(path: Path, text: str, size_pt=(612, 792)) -> Path:
    from fpdf import FPDF

    pdf = FPDF(unit="pt", format=size_pt)
    pdf.add_page()
    pdf.set_font("helvetica", size=24)
    pdf.text(100, 92, text)
    pdf.output(str(path))
    return path


def test_pdf_content_is_scaled_and_centred(tmp_path):
    p = _text_pdf(tmp_path / "letter.pdf", "Household report 2025")
    res = convert(p)
    page = reader(res.pdf).pages[0]
    assert_a4(page, landscape=False)
    assert has_text_layer(res.pdf) == [True]
    s = min(A4_W / 612, A4_H / 792)
    assert f"{s:.4f}"[:5] in page.get_contents().get_data().decode("latin-1")


def test_has_text_layer_per_page(tmp_path, jpeg):
    text_pdf = _text_pdf(tmp_path / "text.pdf", "Verification report", (595, 842))
    w = pypdf.PdfWriter()
    w.append(text_pdf)
    w.append(io.BytesIO(convert(jpeg).pdf))
    buf = io.BytesIO()
    w.write(buf)
    assert has_text_layer(buf.getvalue()) == [True, False]
    both = tmp_path / "both.pdf"
    both.write_bytes(buf.getvalue())
    assert has_text_layer(both) == [True, False]
    assert has_text_layer(str(both)) == [True, False]


def test_scan_to_pdf_tuple(jpeg):
    pdf, n = scan_to_pdf(jpeg)
    assert pdf.startswith(b"%PDF") and n == 1
