"""Drawing for the synthetic scans (archive.sample.synth): CJK fonts and glyphs, a page with text, tables,
seals and signatures, and the photocopy look.  Nothing here knows which document it draws."""

from __future__ import annotations

import math
import random
from functools import lru_cache
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from archive.errors import ToolMissing

W, H = 1240, 1754  # A4 at 150 dpi
FONT_DIRS = ("/usr/share/fonts/opentype/noto", "/usr/share/fonts/noto-cjk", "/usr/share/fonts/google-noto-cjk",
             "/usr/local/share/fonts")
INK, RED, BLUE_INK = (25, 25, 25), (214, 36, 36), (30, 40, 110)


# ----------------------------------------------------------------------------- fonts


def _font_path(serif: bool, bold: bool) -> Path:
    name = f"Noto{'Serif' if serif else 'Sans'}CJK-{'Bold' if bold else 'Regular'}.ttc"
    for d in FONT_DIRS:
        if (Path(d) / name).is_file():
            return Path(d) / name
    raise ToolMissing(f"找不到中文字体 {name}", hint="安装思源/Noto CJK 字体：sudo apt install fonts-noto-cjk")


@lru_cache(maxsize=None)
def sc_index(path: Path) -> int:
    """Index of the Simplified Chinese face ('Noto … CJK SC') inside a Noto CJK collection."""
    for i in range(16):
        try:
            family = ImageFont.truetype(str(path), 10, index=i).getname()[0]
        except OSError:
            break
        if family.endswith("CJK SC") and "Mono" not in family:
            return i
    raise ToolMissing(f"字体文件 {path} 里没有简体中文字形", hint="安装 fonts-noto-cjk")


@lru_cache(maxsize=128)
def font(size: int, serif: bool = True, bold: bool = False) -> ImageFont.FreeTypeFont:
    path = _font_path(serif, bold)
    return ImageFont.truetype(str(path), size, index=sc_index(path))


@lru_cache(maxsize=16384)
def _glyph(ch: str, size: int, serif: bool, bold: bool):
    """(mask, dx, dy, advance) of one character, rendered once: FreeType is ~2 ms a line, pasting ~0.1."""
    f = font(size, serif, bold)
    adv = f.getlength(ch)
    left, top, right, bottom = f.getbbox(ch)
    if right <= left or bottom <= top:
        return None, 0, 0, adv
    mask = Image.new("L", (right - left, bottom - top), 0)
    ImageDraw.Draw(mask).text((-left, -top), ch, font=f, fill=255)
    return mask, left, top, adv


def text_width(s: str, size: int, serif: bool = True, bold: bool = False) -> float:
    return sum(_glyph(ch, size, serif, bold)[3] for ch in s)


def draw_text(img: Image.Image, xy, s: str, size: int, fill, serif=True, bold=False, anchor="la") -> None:
    """Draw text like ImageDraw.text (anchors l/m/r × a/t/m) from cached glyphs."""
    x, y = xy
    if anchor[0] != "l":
        x -= text_width(s, size, serif, bold) / (2 if anchor[0] == "m" else 1)
    if anchor[1] == "m":
        ascent, descent = font(size, serif, bold).getmetrics()
        y -= (ascent + descent) / 2
    for ch in s:
        mask, dx, dy, adv = _glyph(ch, size, serif, bold)
        if mask is not None:
            img.paste(fill, (round(x + dx), round(y + dy)), mask)
        x += adv


# ----------------------------------------------------------------------------- drawing helpers


class Page:
    def __init__(self, rng: random.Random, size=(W, H), mode="L"):
        self.rng = rng
        self.img = Image.new(mode, size, 255 if mode == "L" else (255, 255, 255))
        self.d = ImageDraw.Draw(self.img)
        self.ink = 25 if mode == "L" else INK

    def text(self, xy, s, size=30, serif=True, bold=False, anchor="la", fill=None):
        draw_text(self.img, xy, s, size, self.ink if fill is None else fill, serif, bold, anchor)

    def title(self, y, s, size=56):
        self.text((self.img.width // 2, y), s, size, bold=True, anchor="mt")

    def para(self, x, y, s, width, size=32, spacing=1.7, indent=2) -> int:
        """Wrap Chinese text into lines no wider than width; returns the y after it."""
        line, first = "", True
        for ch in s:
            limit = width - (indent * size if first else 0)
            if text_width(line + ch, size) > limit:
                self.text((x + (indent * size if first else 0), y), line, size)
                y, line, first = y + int(size * spacing), "", False
            line += ch
        if line:
            self.text((x + (indent * size if first else 0), y), line, size)
            y += int(size * spacing)
        return y

    def table(self, x, y, width, rows, row_h=70, size=28) -> int:
        """rows: lists of (text, weight); even cells are labels. Returns the bottom y."""
        for row in rows:
            total = sum(w for _, w in row)
            cx = x
            for i, (s, w) in enumerate(row):
                cw = width * w / total
                self.d.rectangle([cx, y, cx + cw, y + row_h], outline=self.ink, width=2)
                sz = size
                while sz > 14 and text_width(s, sz) > cw - 16:
                    sz -= 2
                self.text((cx + (cw / 2 if i % 2 == 0 else 10), y + row_h / 2), s, sz, serif=i % 2 == 0,
                          anchor="mm" if i % 2 == 0 else "lm")
                cx += cw
            y += row_h
        return y

    def stamp(self, center, text, radius=110, bottom="", color=RED):
        stamp_onto(self.img, center, text, radius, self.rng, bottom, color)

    def signature(self, xy, name, size=58):
        signature_onto(self.img, xy, name, self.rng, size)


def stamp_onto(img: Image.Image, center, text: str, radius: int, rng: random.Random, bottom="", color=RED):
    """A round official seal: ring, five-pointed star, the organisation along the top arc."""
    side = radius * 2 + 8
    layer = Image.new("L", (side, side), 0)
    d = ImageDraw.Draw(layer)
    c = side / 2
    d.ellipse([4, 4, side - 4, side - 4], outline=255, width=max(4, radius // 18))
    star = [(c + (radius * (0.28 if k % 2 == 0 else 0.11)) * math.sin(k * math.pi / 5),
             c - (radius * (0.28 if k % 2 == 0 else 0.11)) * math.cos(k * math.pi / 5)) for k in range(10)]
    d.polygon(star, fill=255)
    n = len(text)
    span = min(250.0, 22.0 * n)
    f = font(max(12, int(min(radius * 0.26, 0.72 * radius * math.radians(span) / n * 0.92))), serif=False, bold=True)
    for k, ch in enumerate(text):
        ang = -span / 2 + span * (k + 0.5) / n  # degrees from the top, clockwise
        glyph = Image.new("L", (f.size + 8, f.size + 8), 0)
        ImageDraw.Draw(glyph).text((glyph.width / 2, glyph.height / 2), ch, font=f, fill=255, anchor="mm")
        glyph = glyph.rotate(-ang, resample=Image.Resampling.BILINEAR)
        r = radius * 0.72
        gx = c + r * math.sin(math.radians(ang)) - glyph.width / 2
        gy = c - r * math.cos(math.radians(ang)) - glyph.height / 2
        layer.paste(255, (int(gx), int(gy)), glyph)
    if bottom:
        draw_text(layer, (c, c + radius * 0.55), bottom, max(12, int(radius * 0.18)), 255, serif=False, anchor="mm")
    layer = layer.rotate(rng.uniform(-20, 20), resample=Image.Resampling.BILINEAR)
    alpha = layer.point(lambda v: v * 0.82)
    x, y = int(center[0] - side / 2), int(center[1] - side / 2)
    ink = color if img.mode == "RGB" else 120
    img.paste(ink, (x, y), alpha)


def signature_onto(img: Image.Image, xy, name: str, rng: random.Random, size=58):
    """A hand-written-looking name: slanted, jittered, overlapping bold strokes in pen ink."""
    x, y = xy
    f = font(size, serif=True, bold=True)
    ink = BLUE_INK if img.mode == "RGB" else 40
    for ch in name:
        g = Image.new("L", (size * 2, size * 2), 0)
        ImageDraw.Draw(g).text((size, size), ch, font=f, fill=255, anchor="mm")
        shear = rng.uniform(0.15, 0.35)
        g = g.transform(g.size, Image.Transform.AFFINE, (1, shear, -shear * size, 0, 1, 0),
                        resample=Image.Resampling.BILINEAR)
        g = g.rotate(rng.uniform(-12, 8), resample=Image.Resampling.BILINEAR)
        img.paste(ink, (int(x - size / 2), int(y + rng.uniform(-6, 6) - size)), g)
        x += int(size * rng.uniform(0.7, 0.85))
    d = ImageDraw.Draw(img)
    pts = [(xy[0] - 10 + k * (x - xy[0]) / 6, y + size * 0.55 + rng.uniform(-6, 6)) for k in range(7)]
    d.line(pts, fill=ink, width=3, joint="curve")


def photocopy(img: Image.Image, rng: random.Random) -> Image.Image:
    """Paper tint, toner grey and dust: what a copier and a scanner add."""
    lut = [int(24 + v * (243 - 24) / 255) for v in range(256)]
    img = img.point(lut * (3 if img.mode == "RGB" else 1))
    d = ImageDraw.Draw(img)
    dot = 90 if img.mode == "L" else (90, 90, 90)
    for _ in range(rng.randrange(40, 90)):
        px, py, r = rng.randrange(img.width), rng.randrange(img.height), rng.choice((1, 1, 1, 2))
        d.ellipse([px, py, px + r, py + r], fill=dot)
    return img
