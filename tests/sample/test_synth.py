"""archive.sample.synth: every kind generates, deterministically, small, readable by the scan pipeline and by OCR."""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from pathlib import Path

import pypdf
import pytest
from PIL import Image

from archive.errors import InputError
from archive.volumes.scans import convert_scan, has_text_layer
from archive.sample.synth import KINDS, make_scan, render
from archive.sample.draw import FONT_DIRS, font, sc_index

HOUSEHOLD = {
    "case_no": "FX2024-0012", "head": "王建军", "village": "团柏村", "town": "团柏乡", "county": "汾西县",
    "province": "山西省", "address": "山西省临汾市汾西县团柏乡团柏村三组18号",
    "members": [
        {"name": "王建军", "sex": "男", "ethnicity": "汉族", "birth_date": "1962-04-18",
         "id_number": "14263119620418001X", "relation": "本人"},
        {"name": "李秀梅", "sex": "女", "ethnicity": "汉族", "birth_date": "1965-09-02",
         "id_number": "142631196509020027", "relation": "配偶"},
        {"name": "王小雨", "sex": "女", "ethnicity": "汉族", "birth_date": "2012-06-20", "relation": "孙女"},
    ],
}
SPOUSE = HOUSEHOLD["members"][1]


def test_sc_face_is_selected_from_the_collection():
    f = font(20)
    assert f.getname()[0] == "Noto Serif CJK SC"
    assert font(20, serif=False).getname()[0] == "Noto Sans CJK SC"
    path = next(Path(d) / "NotoSerifCJK-Regular.ttc" for d in FONT_DIRS if (Path(d) / "NotoSerifCJK-Regular.ttc").exists())
    assert sc_index(path) == 2  # Debian's fonts-noto-cjk: JP, KR, SC, TC, HK


@pytest.mark.parametrize("kind", KINDS)
def test_each_kind_generates_a_small_usable_scan(tmp_path, kind):
    out = make_scan(kind, tmp_path / f"{kind}.jpg", household=HOUSEHOLD, member=SPOUSE, year=2024, seed=3)
    assert out == tmp_path / f"{kind}.jpg" and out.is_file()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".dibao-tmp-")]
    im = Image.open(out)
    assert im.format == "JPEG"
    assert im.size == ((1280, 960) if kind in ("入户照片", "公示照片") else (1240, 1754))
    assert out.stat().st_size < 200_000  # 60 households stay under ~100 MB
    res = convert_scan(out)  # the archive pipeline takes it as it is
    assert res.pages == 1 and res.notes == []


def test_generation_is_deterministic_and_seeded(tmp_path):
    a = make_scan("签字表", tmp_path / "a.jpg", household=HOUSEHOLD, year=2024, seed=7).read_bytes()
    b = make_scan("签字表", tmp_path / "b.jpg", household=HOUSEHOLD, year=2024, seed=7).read_bytes()
    c = make_scan("签字表", tmp_path / "c.jpg", household=HOUSEHOLD, year=2024, seed=8).read_bytes()
    assert a == b and a != c


def test_formats(tmp_path):
    png = make_scan("户口簿", tmp_path / "hk.png", household=HOUSEHOLD, member=SPOUSE, year=2024, fmt="png")
    assert Image.open(png).format == "PNG" and Image.open(png).mode == "L"
    pdf = make_scan("身份证", tmp_path / "id.pdf", household=HOUSEHOLD, year=2024, fmt="pdf")
    res = convert_scan(pdf)
    assert res.kind == "pdf" and res.pages == 1
    assert has_text_layer(pdf) == [False]  # a scanner's PDF: image only, the indexer must OCR it
    with pytest.raises(InputError, match="不认识的材料类型"):
        make_scan("结婚证", tmp_path / "x.jpg", household=HOUSEHOLD)
    with pytest.raises(InputError, match="输出格式"):
        make_scan("户口簿", tmp_path / "x.gif", household=HOUSEHOLD, fmt="gif")


@pytest.fixture(scope="module")
def report(tmp_path_factory) -> Path:
    """The 核对报告 PDF (fpdf2 takes ~0.7 s: font parsing and CFF subsetting), made once per module."""
    return make_scan("核对报告", tmp_path_factory.mktemp("report") / "核对报告.pdf", household=HOUSEHOLD, year=2024,
                     fmt="pdf")


def test_report_pdf_is_deterministic(tmp_path, report):
    again = make_scan("核对报告", tmp_path / "again.pdf", household=HOUSEHOLD, year=2024, fmt="pdf")
    assert again.read_bytes() == report.read_bytes()


def test_verification_report_has_a_real_text_layer(report):
    out = report
    assert has_text_layer(out) == [True]
    # pypdf puts a NUL before each character of fpdf2's CID font (its /Encoding is an embedded CMap)
    text = pypdf.PdfReader(out).pages[0].extract_text().replace("\x00", "")
    assert "家庭经济状况信息核对报告" in text and "王建军" in text and "14263119620418001X" in text
    if shutil.which("pdftotext"):  # what the indexer reads the text layer with
        text = subprocess.run(["pdftotext", "-layout", str(out), "-"], capture_output=True, text=True).stdout
        assert "家庭经济状况信息核对报告" in text and "王建军" in text and "\x00" not in text
    fonts = pypdf.PdfReader(out).pages[0]["/Resources"]["/Font"]
    assert any("NotoSerifCJKSC" in str(f.get_object()["/BaseFont"]) for f in fonts.values())
    assert convert_scan(out).pages == 1


def test_household_head_page_and_minimal_dicts(tmp_path):
    """户口簿 without a member is the 户主页; a household dict with only the basic keys is enough."""
    minimal = {"case_no": "A1", "head": "赵六", "village": "东村", "town": "西镇", "county": "某县", "address": "某县西镇东村1号"}
    for kind in KINDS:
        img = render(kind, household=minimal, year=2023, seed=1)
        assert img.width > 1000
    assert make_scan("户口簿", tmp_path / "hz.jpg", household=HOUSEHOLD, year=2024).stat().st_size > 10_000


def test_generation_is_fast():
    render("签字表", household=HOUSEHOLD, year=2024)  # fonts and glyphs loaded once per process
    t = time.perf_counter()
    for seed in range(5):
        render("户口簿", household=HOUSEHOLD, member=SPOUSE, year=2024, seed=seed)
    assert (time.perf_counter() - t) / 5 < 0.25  # ~20–60 ms on an idle machine


@pytest.mark.skipif(shutil.which("tesseract") is None, reason="tesseract is not installed")
def test_ocr_reads_the_hukou_page(tmp_path):
    out = make_scan("户口簿", tmp_path / "hk.png", household=HOUSEHOLD, member=SPOUSE, year=2024, fmt="png")
    run = subprocess.run(["tesseract", str(out), "-", "-l", "chi_sim", "--psm", "4"], capture_output=True,
                         text=True, timeout=60, env={**os.environ, "OMP_THREAD_LIMIT": "1"})
    assert run.returncode == 0, run.stderr
    text = run.stdout.replace(" ", "")
    assert "李秀梅" in text
    assert "常住人口登记卡" in text or "人口登记卡" in text
    assert "142631196509020027" in text
