"""Looking at one scanned page: its code, which way up it is, whether it is blank.

The QR code is read with zxing-cpp, which also tells how the symbol is turned, and so how
the page is turned (the code is printed upright).  When the QR cannot be read (torn,
scribbled over, a poor copy) the text line printed beside it is read by tesseract: the
strips along the top and bottom edges are tried with the page turned 0, 180, 90 and 270
degrees (the text line runs upwards in the left margin on some pages, so the quarter turns
are needed too).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from archive.forms.pagecode import PageCode

BLANK_INK = 0.0002       # share of dark pixels below which a page is a blank back
TEXT_CHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_/ "
SMALL_IMAGE = 2600       # longest side (px) below which the QR is also looked for enlarged
STRIP = 0.075            # the code line lies within ~20 mm of the paper edge


@dataclass
class Look:
    code: PageCode | None
    rotate: int          # clockwise degrees that turn the page upright (0, 90, 180, 270)
    blank: bool
    how: str             # qr | text | none | blank


def is_blank(img) -> bool:
    """A page with (almost) no ink: scanner noise and dust are ignored, a faint stamp is not."""
    from PIL import ImageFilter

    w, h = img.size
    small = img.crop((int(w * 0.03), int(h * 0.03), int(w * 0.97), int(h * 0.97)))
    small = small.reduce(2) if min(small.size) > 1200 else small   # ~100 dpi for a 200 dpi A4 page
    small = small.filter(ImageFilter.MedianFilter(3))              # specks go, strokes of writing stay
    hist = small.histogram()
    total = sum(hist) or 1
    return sum(hist[:150]) / total < BLANK_INK


def _attempts(img):
    """The page as scanned, a thresholded copy (grey noise), and for a small image (a phone photo
    sent through a chat app, ~2 MP) one enlarged twice: a QR module of ~2 px is then found."""
    from PIL import Image

    yield img
    yield img.point(lambda v: 255 if v > 140 else 0)
    if max(img.size) < SMALL_IMAGE:
        yield img.resize((img.width * 2, img.height * 2), Image.LANCZOS)


def read_qr(img) -> tuple[PageCode | None, int]:
    """(code, clockwise degrees to turn the page upright) from the QR, or (None, 0)."""
    import zxingcpp

    for attempt in _attempts(img):
        try:
            results = zxingcpp.read_barcodes(attempt, formats=zxingcpp.BarcodeFormat.QRCode)
        except Exception:  # noqa: BLE001 - a reader error counts as no code
            results = []
        for r in results:
            code = PageCode.parse(r.text)
            if code is not None:
                turn = int(round(r.orientation / 90.0)) * 90
                return code, (-turn) % 360
    return None, 0


def _tesseract(img, args: list[str]) -> str:
    exe = shutil.which("tesseract")
    if not exe:
        return ""
    with tempfile.NamedTemporaryFile(suffix=".png", prefix="dibao-line-") as fh:
        img.save(fh.name)
        env = dict(os.environ, OMP_THREAD_LIMIT="1")
        try:
            proc = subprocess.run([exe, fh.name, "stdout", *args], capture_output=True, timeout=60, env=env)
        except (OSError, subprocess.TimeoutExpired):
            return ""
    return proc.stdout.decode("utf-8", "replace")


def read_text_line(img, accept=None) -> tuple[PageCode | None, int]:
    """The code from its printed text line (OCR), trying the four ways up; accept() tells
    whether a reading names this workspace's household and form (see PageCode.parse)."""
    from PIL import Image, ImageFilter

    args = ["-l", "eng", "--psm", "6", "-c", f"tessedit_char_whitelist={TEXT_CHARS}"]
    for turn in (0, 180, 90, 270):
        view = img.rotate(-turn, expand=True) if turn else img   # PIL rotates anticlockwise
        w, h = view.size
        for box in ((0, int(h * (1 - STRIP)), w, h), (0, 0, w, int(h * STRIP))):
            strip = view.crop(box)
            big = strip.resize((strip.width * 2, strip.height * 2), Image.LANCZOS)   # tesseract likes ~30 px letters
            for attempt in (big, big.filter(ImageFilter.MedianFilter(5)), strip.filter(ImageFilter.MedianFilter(3))):
                text = _tesseract(attempt, args)
                # the lenient reading (lost prefix, l/1 O/0 slips) tries many variants, one in 34 of
                # which passes the check character by chance: only with accept() naming real things
                code = PageCode.parse(text) or (PageCode.parse(_fix(text), accept) if accept else None)
                if code is not None:
                    return code, turn
    return None, 0


def _fix(text: str) -> str:
    """Common OCR slips in the code line: l or 8 for 1 in the prefix, specks read as _ or -."""
    import re

    text = text.replace("DBl", "DB1").replace("D81", "DB1").replace("DB I", "DB1")
    text = re.sub(r"(?<=\s)[_\-]+(?=\S)", "", text)       # a speck read as _ before a token
    return re.sub(r"(?<=\S)[_\-]+(?=\s)", "", text)       # or after one


def osd_rotation(img) -> int:
    """Clockwise degrees to turn an uncoded page upright, from tesseract's orientation detection."""
    small = img if max(img.size) <= 2200 else img.resize((img.width // 2, img.height // 2))
    out = _tesseract(small, ["--psm", "0"])
    for line in out.splitlines():
        if line.startswith("Rotate:"):
            try:
                return int(line.split(":")[1]) % 360
            except ValueError:
                return 0
    return 0


def look(img, *, text_line: bool = True, accept=None) -> Look:
    if is_blank(img):
        return Look(None, 0, True, "blank")
    code, turn = read_qr(img)
    if code is not None:
        return Look(code, turn, False, "qr")
    if text_line:
        code, turn = read_text_line(img, accept)
        if code is not None:
            return Look(code, turn, False, "text")
    return Look(None, 0, False, "none")


def upright(img, turn: int):
    return img.rotate(-turn, expand=True) if turn else img


def save_temp(img, folder: Path, name: str) -> Path:
    path = Path(folder) / name
    img.save(path)
    return path
