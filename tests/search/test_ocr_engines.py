"""OCR engines behind one interface: tesseract and RapidOCR read the same small page."""

from __future__ import annotations

import pytest
from PIL import Image, ImageDraw, ImageFont

from archive.errors import ConfigError
from archive.pdffont import font_face
from indexer import ocr
from indexer.textnorm import normalize

LINES = ["岳阳县民政局", "老人无赡养人，申请低保"]


@pytest.fixture(scope="module")
def page(tmp_path_factory):
    path, index = font_face()
    font = ImageFont.truetype(path, 40, index=index)
    im = Image.new("L", (720, 200), 255)
    draw = ImageDraw.Draw(im)
    for i, line in enumerate(LINES):
        draw.text((40, 30 + 80 * i), line, font=font, fill=0)
    out = tmp_path_factory.mktemp("ocr") / "page.png"
    im.save(out, dpi=(200, 200))
    return out


def _have(name: str) -> bool:
    try:
        ocr.get_engine(name).check()
        return True
    except Exception:  # noqa: BLE001 - engine not installed here
        return False


@pytest.mark.parametrize("name", ocr.ENGINES)
def test_engine_reads_a_page(page, name):
    if not _have(name):
        pytest.skip(f"{name} is not installed")
    engine = ocr.get_engine(name)
    text = normalize(engine.read_one(page))
    assert "民政局" in text and "申请低保" in text, text
    assert text.index("民政局") < text.index("申请低保")     # reading order kept
    assert [normalize(t) for t in engine.read([page, page])] == [text, text]


def test_unknown_engine_is_a_config_error():
    with pytest.raises(ConfigError) as info:
        ocr.get_engine("paddle")
    assert info.value.field == "search.ocr_engine"


def test_boxes_become_lines_in_reading_order():
    boxes = [[[300, 12], [400, 12], [400, 40], [300, 40]],   # right half of line 1
             [[10, 60], [200, 60], [200, 90], [10, 90]],     # line 2
             [[10, 10], [280, 10], [280, 42], [10, 42]]]     # left half of line 1
    assert ocr.lines_text(boxes, ["民政局", "第二行", "岳阳县"]) == "岳阳县 民政局\n第二行\n"
    assert ocr.lines_text([], []) == ""


def test_reocr_cache_reads_again_once(tmp_path, page):
    class Counting:
        name = "counting"
        calls = 0

        def read_one(self, path, timeout=0):
            Counting.calls += 1
            return f"第{Counting.calls}次"

        def read(self, paths, timeout=0):
            return [self.read_one(p) for p in paths]

    cache = ocr.OcrCache(tmp_path / "c", engine=Counting())
    assert cache.image_text(page) == "第1次" and cache.image_text(page) == "第1次"
    again = ocr.OcrCache(tmp_path / "c", engine=Counting(), refresh=True)
    assert again.image_text(page) == "第2次" and again.image_text(page) == "第2次"   # read once, then cached
    assert ocr.OcrCache(tmp_path / "c", engine=Counting()).image_text(page) == "第2次"


def test_image_files_have_their_own_engine(tmp_path, page):
    class Named:
        def __init__(self, name):
            self.name = name

        def read_one(self, path, timeout=0):
            return self.name

        def read(self, paths, timeout=0):
            return [self.name for _ in paths]

    cache = ocr.OcrCache(tmp_path / "c", engine=Named("扫描引擎"), photo_engine=Named("照片引擎"))
    assert cache.image_text(page) == "照片引擎"
    assert ocr.OcrCache(tmp_path / "d", engine=Named("扫描引擎")).image_text(page) == "扫描引擎"
    assert ocr.default_photo_engine("tesseract") in ocr.ENGINES


def test_workspace_ocr_cache_is_encrypted_and_migrates_plain_entries(tmp_path, page):
    """OCR text holds ID numbers as printed: with the workspace key nothing readable is written,
    an entry of an earlier version (.txt) is used once and replaced, another key reads nothing."""
    text = "公民身份号码 430621195503133655 黄援朝"

    class Fixed:
        name = "fixed"
        calls = 0

        def read_one(self, path, timeout=0):
            Fixed.calls += 1
            return text

        def read(self, paths, timeout=0):
            return [self.read_one(p) for p in paths]

    key = b"k" * 32
    cache = ocr.OcrCache(tmp_path / "c", engine=Fixed(), secret=key)
    assert cache.image_text(page) == text and Fixed.calls == 1
    files = list((tmp_path / "c").iterdir())
    assert [f.suffix for f in files] == [".enc"]
    assert b"430621" not in files[0].read_bytes() and "黄援朝".encode() not in files[0].read_bytes()
    assert ocr.OcrCache(tmp_path / "c", engine=Fixed(), secret=key).image_text(page) == text and Fixed.calls == 1
    assert ocr.OcrCache(tmp_path / "c", engine=Fixed(), secret=b"x" * 32).image_text(page) == text
    assert Fixed.calls == 2                              # another key: not readable, read again
    plain = ocr.OcrCache(tmp_path / "p", engine=Fixed())   # an earlier version's plain entry
    plain.image_text(page)
    calls = Fixed.calls
    migrated = ocr.OcrCache(tmp_path / "p", engine=Fixed(), secret=key)
    assert migrated.image_text(page) == text and Fixed.calls == calls   # used, not read again
    assert [f.suffix for f in (tmp_path / "p").iterdir()] == [".enc"]
