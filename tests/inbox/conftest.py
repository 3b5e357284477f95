"""Printed, coded forms of two households and a scanner that degrades them like paper does.

`printed`: a workspace with two households and prefilled forms printed by dibao itself
(real LibreOffice conversion, then the page codes), made once per test session.
`scan_page`: a page of a PDF rasterised at a given dpi, turned, speckled and JPEG-compressed.
"""

from __future__ import annotations

import io
import random
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.support.records import record, write

FORMS = (("HS-001", "fenxi-04"), ("HS-001", "fenxi-01"), ("HS-002", "fenxi-04"), ("HS-002", "fenxi-01"))


@dataclass
class Printed:
    master: Path                      # the pristine workspace (copy it before changing)
    pdfs: dict[tuple[str, str], Path]


def _hs2():
    rec = record("HS-002")
    rec["members"][0]["name"] = "赵大山"
    rec["members"][1]["name"] = "孙小梅"
    rec["incomes"][0]["member"] = "赵大山"
    rec["events"][0]["applicant"] = "赵大山"
    from tests.support.records import make_id

    rec["members"][0]["id_number"] = make_id("430621", "19650101", 55, True)
    rec["members"][1]["id_number"] = make_id("430621", "19680202", 66, False)
    return rec


@pytest.fixture(scope="session")
def printed(tmp_path_factory) -> Printed:
    if not shutil.which("soffice") and not shutil.which("libreoffice"):
        pytest.skip("LibreOffice is not installed")
    from archive.forms import write_form
    from archive.workspace import init_workspace, open_workspace

    root = tmp_path_factory.mktemp("inbox") / "ws"
    init_workspace(root, "fenxi")
    write(root / "households" / "HS-001.json", record("HS-001"))
    write(root / "households" / "HS-002.json", _hs2())
    ws = open_workspace(root)
    from archive.external.libreoffice import Converter

    conv = Converter(workers=1)
    out = {}
    try:
        for case, form in FORMS:
            pdf = root.parent / f"{case}_{form}.pdf"
            write_form(form, ws, pdf, converter=conv, household=root / "households" / f"{case}.json")
            out[(case, form)] = pdf
    finally:
        conv.close()
    return Printed(root, out)


@pytest.fixture
def ws_copy(printed, tmp_path):
    from archive.workspace import open_workspace

    dest = tmp_path / "ws"
    shutil.copytree(printed.master, dest)
    return open_workspace(dest)


def signed_gaps(ws) -> set[tuple[str, str]]:
    """(household, form) of every 待签字归档 gap of the two households, as of 2024-06-01."""
    import datetime as dt

    from archive.audit import audit_household, load_rules, rules_path_for
    from archive.records.load import load_valid

    rules = load_rules(rules_path_for(ws))
    out = set()
    for case in ("HS-001", "HS-002"):
        hh = load_valid(ws.households_dir / f"{case}.json", ws.root)
        res = audit_household(hh, ws.root, ws.config, rules, dt.date(2024, 6, 1))
        out |= {(case, g.form) for g in res.gaps if g.kind == "待签字归档"}
    return out


def raster(pdf: Path, dpi: int) -> list:
    from PIL import Image

    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(["pdftoppm", "-r", str(dpi), "-gray", str(pdf), f"{tmp}/p"], check=True)
        files = sorted(Path(tmp).glob("p-*.pgm"), key=lambda p: int(p.stem.rsplit("-", 1)[-1]))
        return [Image.open(f).convert("L") for f in files]


def degrade(img, *, turn: int = 0, noise: float = 0.004, seed: int = 1, skew: float = 0.0, bw: bool = False):
    """A scanner's view: turned by `turn` degrees clockwise, a slight skew, speckles, optional B/W copy."""
    from PIL import Image

    rng = random.Random(seed)
    if skew:
        img = img.rotate(skew, resample=Image.BILINEAR, expand=False, fillcolor=255)
    if bw:   # a black-and-white photocopy: hard threshold
        img = img.point(lambda v: 255 if v > 150 else 0)
    px = img.load()
    w, h = img.size
    for _ in range(int(w * h * noise)):
        x, y = rng.randrange(w), rng.randrange(h)
        px[x, y] = rng.choice((0, 60, 200))
    if turn:
        img = img.rotate(-turn, expand=True)
    return img


def jpeg_bytes(img, quality: int = 60) -> bytes:
    buf = io.BytesIO()
    img.convert("L").save(buf, "JPEG", quality=quality)
    return buf.getvalue()


def pdf_of_jpegs(jpegs: list[bytes]) -> bytes:
    import img2pdf

    return img2pdf.convert(jpegs)


def blank_page(size, seed: int = 7):
    from PIL import Image

    img = Image.new("L", size, 250)
    return degrade(img, noise=0.0005, seed=seed)


def _perspective(dst, src) -> list[float]:
    """PIL PERSPECTIVE coefficients mapping output points dst to input points src."""
    import numpy as np

    a, b = [], []
    for (x, y), (u, v) in zip(dst, src):
        a.append([x, y, 1, 0, 0, 0, -u * x, -u * y])
        b.append(u)
        a.append([0, 0, 0, x, y, 1, -v * x, -v * y])
        b.append(v)
    return [float(c) for c in np.linalg.solve(np.array(a, float), np.array(b, float))]


def phone_photo(page, *, angle: float = 12.0, keystone: float = 0.08, size=(3000, 4000), blur: float = 1.0,
                quality: int = 80, exif_turn: bool = True, seed: int = 1) -> bytes:
    """A phone photo of a page lying on a table: turned by `angle`, in perspective (the far edge
    narrower), a shadow across it, RGB JPEG; with exif_turn the pixels are stored sideways with
    EXIF Orientation 6, as phone cameras do."""
    import math

    from PIL import Image, ImageDraw, ImageFilter

    rng = random.Random(seed)
    w, h = size
    photo = Image.new("RGB", (w, h), (96, 78, 60))
    d = ImageDraw.Draw(photo)
    for y in range(0, h, 7):   # wood grain
        d.line((0, y, w, y + rng.randint(-20, 20)), fill=(96 + rng.randint(-12, 12), 78 + rng.randint(-10, 10), 60))
    pg = page.convert("RGB")
    a0 = math.radians(abs(angle) % 90)
    fit = min(w / (pg.width * math.cos(a0) + pg.height * math.sin(a0)),
              h / (pg.width * math.sin(a0) + pg.height * math.cos(a0)))
    pg = pg.resize((int(pg.width * 0.92 * fit), int(pg.height * 0.92 * fit)), Image.BILINEAR)
    pw, ph = pg.size
    a = math.radians(angle)
    corners = [(-pw / 2 * (1 - keystone), -ph / 2), (pw / 2 * (1 - keystone), -ph / 2), (pw / 2, ph / 2), (-pw / 2, ph / 2)]
    dst = [(w / 2 + x * math.cos(a) - y * math.sin(a), h / 2 + x * math.sin(a) + y * math.cos(a)) for x, y in corners]
    coeffs = _perspective(dst, [(0, 0), (pw, 0), (pw, ph), (0, ph)])
    warped = pg.transform((w, h), Image.PERSPECTIVE, coeffs, Image.BICUBIC)
    mask = Image.new("L", (pw, ph), 255).transform((w, h), Image.PERSPECTIVE, coeffs, Image.BILINEAR)
    photo.paste(warped, (0, 0), mask)
    shade = Image.linear_gradient("L").resize((w, h)).rotate(30).point(lambda v: int(150 + v * 105 / 255))
    photo = Image.composite(photo, Image.new("RGB", (w, h)), shade)
    if blur:
        photo = photo.filter(ImageFilter.GaussianBlur(blur))
    buf = io.BytesIO()
    if exif_turn:
        exif = Image.Exif()
        exif[0x0112] = 6
        photo.rotate(90, expand=True).save(buf, "JPEG", quality=quality, exif=exif)
    else:
        photo.save(buf, "JPEG", quality=quality)
    return buf.getvalue()


def photocopy(page, *, seed: int = 1, dust: float = 0.0006):
    """A black-and-white photocopy: shrunk 3 % and shifted, toner bleeding (blur + hard threshold),
    toner dust, a dark band where the lid did not close, a slight turn."""
    from PIL import Image, ImageDraw, ImageFilter

    rng = random.Random(seed)
    img = page.convert("L")
    w, h = img.size
    small = img.resize((int(w * 0.97), int(h * 0.97)), Image.BILINEAR)
    img = Image.new("L", (w, h), 255)
    img.paste(small, ((w - small.width) // 2 + rng.randint(-10, 10), (h - small.height) // 2 + rng.randint(-10, 10)))
    img = img.filter(ImageFilter.GaussianBlur(1.1)).point(lambda v: 0 if v < 165 else 255)
    d = ImageDraw.Draw(img)
    for _ in range(int(w * h * dust)):
        x, y, r = rng.randrange(w), rng.randrange(h), rng.choice((0, 1, 1, 2))
        d.rectangle((x - r, y - r, x + r, y + r), fill=0)
    d.rectangle((0, 0, w, 12), fill=40)
    img = img.rotate(rng.uniform(-1.2, 1.2), resample=Image.BILINEAR, fillcolor=255)
    return img.filter(ImageFilter.GaussianBlur(0.6))
