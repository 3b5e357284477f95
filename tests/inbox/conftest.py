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

FORMS = (("HS-001", "fenxi-04"), ("HS-001", "fenxi-01"), ("HS-002", "fenxi-04"))


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
