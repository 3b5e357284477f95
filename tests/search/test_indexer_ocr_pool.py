"""OCR scheduling: the shared pool, several pages per tesseract process, scans read from their own JPEG."""

from __future__ import annotations

import io
import shutil
import threading
from pathlib import Path

import pytest

from archive.errors import ToolFailed
from indexer import ocr as ocr_mod
from indexer.extract import page_jpeg, pdf_pages
from indexer.ocr import OcrCache, OcrPool

FONT = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"
needs_ocr = pytest.mark.skipif(not shutil.which("tesseract") or not shutil.which("pdftoppm") or not Path(FONT).exists(),
                               reason="needs tesseract, poppler and Noto CJK fonts")


def page_image(lines: list[str], size=(1240, 1754)):
    from PIL import Image, ImageDraw, ImageFont

    font = ImageFont.truetype(FONT, 48, index=2)
    im = Image.new("L", size, 255)
    draw = ImageDraw.Draw(im)
    for i, line in enumerate(lines):
        draw.text((120, 150 + 110 * i), line, font=font, fill=0)
    return im


def jpeg(im, dpi=150) -> bytes:
    buf = io.BytesIO()
    im.save(buf, "JPEG", quality=85, dpi=(dpi, dpi))
    return buf.getvalue()


def scan_pdf(tmp_path: Path, name: str, data: bytes, suffix=".jpg") -> Path:
    """The scan placed on A4 as dibao build places it (archive.volumes.scans), one page per file."""
    from archive.volumes.scans import convert_scan

    src = tmp_path / f"{name}{suffix}"
    src.write_bytes(data)
    out = tmp_path / f"{name}.pdf"
    out.write_bytes(convert_scan(src).pdf)
    return out


def reader(path: Path):
    from pypdf import PdfReader

    return PdfReader(str(path))


def test_page_jpeg_only_when_the_page_is_that_jpeg(tmp_path):
    im = page_image(["居民身份证复印件"])
    data = jpeg(im)
    assert page_jpeg(reader(scan_pdf(tmp_path, "a", data)), 0) == data      # the scanner's file itself
    png = io.BytesIO()
    im.save(png, "PNG", dpi=(150, 150))
    assert page_jpeg(reader(scan_pdf(tmp_path, "b", png.getvalue(), ".png")), 0) is None   # not a JPEG
    small = jpeg(im.resize((620, 877)), dpi=75)                         # 75 dpi: rendered up to 150 instead
    assert page_jpeg(reader(scan_pdf(tmp_path, "c", small)), 0) is None

    def on_a4(name: str, data: bytes, box: bool = False) -> Path:
        from fpdf import FPDF

        (tmp_path / f"{name}.jpg").write_bytes(data)
        pdf = FPDF(format="A4")
        pdf.add_page()
        pdf.image(str(tmp_path / f"{name}.jpg"), x=0, y=0, w=210, h=297)
        if box:
            pdf.rect(20, 20, 50, 30)
        pdf.output(str(tmp_path / f"{name}.pdf"))
        return tmp_path / f"{name}.pdf"

    assert page_jpeg(reader(on_a4("d", data)), 0) == data
    assert page_jpeg(reader(on_a4("e", data, box=True)), 0) is None      # drawn over the scan: rendered
    assert page_jpeg(reader(on_a4("f", jpeg(im, dpi=300))), 0) is None   # says 300 dpi, drawn at 150


class FakeOcr:
    """ocr_image / ocr_images standing in for tesseract, recording each process's pages."""

    def __init__(self, monkeypatch, bad=(), batch_fails=False):
        self.calls: list[list[str]] = []
        self.bad, self.batch_fails = set(bad), batch_fails
        self.lock = threading.Lock()
        monkeypatch.setattr(ocr_mod, "ocr_image", self.one)
        monkeypatch.setattr(ocr_mod, "ocr_images", self.many)

    def one(self, path, timeout=0):
        with self.lock:
            self.calls.append([Path(path).read_text()])
        if Path(path).read_text() in self.bad:
            raise ToolFailed("识别失败", path=path)
        return "文字" + Path(path).read_text()

    def many(self, paths, timeout=0):
        with self.lock:
            self.calls.append([Path(p).read_text() for p in paths])
        if self.batch_fails:
            raise ToolFailed("只得到部分结果", path=paths[0])
        return ["文字" + Path(p).read_text() for p in paths]


def source(name: str, gate: threading.Event | None = None, started: threading.Event | None = None):
    def write(folder: Path) -> Path:
        if started:
            started.set()
        if gate:
            gate.wait(10)
        (folder / "p.txt").write_text(name)
        return folder / "p.txt"
    return write


def test_pool_reads_queued_pages_together_and_uses_the_cache(tmp_path, monkeypatch):
    fake = FakeOcr(monkeypatch)
    cache = OcrCache(tmp_path / "cache")
    cache.put("k0", "早已识别")
    gate = threading.Event()
    with OcrPool(cache, workers=1, batch=4) as pool:
        first = pool.submit("k1", source("p1", gate))       # the worker waits on this page...
        futs = [pool.submit(f"k{i}", source(f"p{i}")) for i in range(2, 8)]   # ...while six more queue up
        cached = pool.submit("k0", source("never"))
        assert cached.done() and cached.result() == "早已识别"
        gate.set()
        texts = [first.result(10)] + [f.result(10) for f in futs]
    assert texts == [f"文字p{i}" for i in range(1, 8)]
    sizes = [len(c) for c in fake.calls]          # p1 alone or with the first few; the rest 4 at a time
    assert sum(sizes) == 7 and max(sizes) == 4 and len(sizes) <= 3
    assert cache.ocr_pages == 7 and cache.get("k5") == "文字p5"


def test_a_failing_batch_is_read_page_by_page_so_one_bad_page_fails_alone(tmp_path, monkeypatch):
    fake = FakeOcr(monkeypatch, bad={"p3"}, batch_fails=True)
    gate = threading.Event()
    with OcrPool(OcrCache(tmp_path / "cache"), workers=1, batch=6) as pool:
        futs = [pool.submit("k1", source("p1", gate))] + [pool.submit(f"k{i}", source(f"p{i}")) for i in range(2, 5)]
        gate.set()
        with pytest.raises(ToolFailed):
            futs[2].result(10)
        assert [f.result(10) for i, f in enumerate(futs) if i != 2] == ["文字p1", "文字p2", "文字p4"]
    assert any(len(c) > 1 and "p3" in c for c in fake.calls) and ["p3"] in fake.calls   # together, then alone


def test_closing_on_an_error_cancels_pages_not_started(tmp_path, monkeypatch):
    fake = FakeOcr(monkeypatch)
    gate, started = threading.Event(), threading.Event()
    pool = OcrPool(OcrCache(tmp_path / "cache"), workers=1, batch=1)
    running = pool.submit("k1", source("p1", gate, started))
    waiting = pool.submit("k2", source("p2"))
    assert started.wait(10)                  # the worker holds p1 (under load it may start late)
    threading.Timer(0.2, gate.set).start()
    pool.close(cancel=True)                  # returns once the worker has let go of its page
    assert waiting.cancelled() and fake.calls == []
    with pytest.raises(ToolFailed, match="已停止"):   # taken before the stop, but tesseract not started
        running.result()


@needs_ocr
def test_several_pages_in_one_tesseract_read_as_each_alone(tmp_path):
    a = page_image(["社会救助申请书", "申请人 王建军"], (1000, 400))
    b = page_image([], (600, 300))                                     # blank: no text, still one page
    c = page_image(["入户调查表 黄沙街镇"], (1000, 300))
    paths = []
    for name, im in (("a", a), ("b", b), ("c", c)):
        im.save(tmp_path / f"{name}.png", dpi=(150, 150))
        paths.append(tmp_path / f"{name}.png")
    together = ocr_mod.ocr_images(paths)
    assert together == [ocr_mod.ocr_image(p) for p in paths]
    assert "申请书" in together[0] and not together[1].strip() and "入户调查表" in together[2]


@needs_ocr
def test_scan_pages_read_from_their_jpeg_or_rendered_alike(tmp_path):
    im = page_image(["家庭经济状况核对", "社会救助申请书", "黄沙街镇白石村"])
    direct = scan_pdf(tmp_path, "direct", jpeg(im))
    png = io.BytesIO()
    im.save(png, "PNG", dpi=(150, 150))
    as_png = scan_pdf(tmp_path, "png", png.getvalue(), ".png")           # no JPEG: pdftoppm renders it
    assert page_jpeg(reader(direct), 0) is not None and page_jpeg(reader(as_png), 0) is None
    cache = OcrCache(tmp_path / "cache")
    with OcrPool(cache) as pool:
        texts = [pdf_pages(p, cache, force_ocr={1}, pool=pool)[0] for p in (direct, as_png)]
    for text in texts:
        for words in ("核对", "申请书", "白石村"):
            assert words in text.replace(" ", "")
