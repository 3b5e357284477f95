"""Templates and every .docx dibao writes are valid Office Open XML (ECMA-376 transitional), so Word
and WPS open them without "unreadable content" repairs, also after a county re-saves a template.

The checker is openxml-audit (pure Python, bundles the schemas; no .NET validator can be installed
here).  Known false positives of the checker, with the reason each is not a defect:

* ``w:val="true"`` on on/off properties (ST_OnOff): the transitional schema allows true/false, the
  checker knows only on/off.  dibao writes on/off properties without w:val (= on) or with "off",
  so the rule never fires on dibao's output; LibreOffice-saved templates are normalised.
* ``numId w:val="0"`` "referenced but not found": 0 means "no list" (ECMA-376 §17.9.18), it never
  points to a definition.  dibao drops the mark where the style has no list; kept under list styles.
* ``stylesWithEffects`` differences (python-docx's default document): dibao drops that optional
  Word 2010 part, which Word rebuilds.

None of them is filtered below: every output is expected to have 0 findings.
"""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from docx import Document
from lxml import etree

from archive import forms
from archive.forms import catalog, ooxml
from archive.forms.render import docx_text
from archive.workspace import open_workspace
from tests.support.forms_cases import fill_kwargs
from tests.support.forms import build_workspace

openxml_audit = pytest.importorskip("openxml_audit")

FORM_IDS = [s.id for s in catalog.load_catalog()]
W = ooxml.W
# the fonts Chinese office PCs have (Windows: 宋体, 黑体; government font packs: 仿宋_GB2312,
# 方正小标宋简体), each mapped to a Noto CJK face for PDF by archive/fonts/fonts.conf
OFFICE_FONTS = {"宋体", "仿宋_GB2312", "方正小标宋简体", "黑体", "Times New Roman"}
FONTS_CONF = Path(catalog.__file__).resolve().parents[1] / "fonts" / "fonts.conf"


def findings(path_or_bytes, tmp_path=None) -> list[str]:
    if isinstance(path_or_bytes, bytes):
        path = tmp_path / "doc.docx"
        path.write_bytes(path_or_bytes)
    else:
        path = path_or_bytes
    validator = openxml_audit.OpenXmlValidator(file_format=openxml_audit.FileFormat.OFFICE_2019, max_errors=0)
    result = validator.validate(str(path))
    return [f"{path.name}: {e}" for e in result.errors]


@pytest.fixture(scope="module")
def ws(tmp_path_factory):
    return open_workspace(build_workspace(tmp_path_factory.mktemp("ooxml") / "ws"))


@pytest.fixture()
def templates(tmp_path, monkeypatch):
    """A private copy of the templates, used by dibao from there (as a county's edited copy would be)."""
    d = tmp_path / "tpl"
    shutil.copytree(catalog.TEMPLATE_DIR, d)
    monkeypatch.setattr(catalog, "TEMPLATE_DIR", d)
    return d


def test_every_template_is_schema_valid():
    bad = [f for fid in FORM_IDS for f in findings(catalog.TEMPLATE_DIR / f"{fid}.docx")]
    assert bad == []


def test_the_checker_finds_the_defects_dibao_used_to_have(tmp_path):
    """The check can fail: a template with run properties out of order (w:u before w:sz) and two
    w:themeFontLang in settings, as the generator wrote them before, is reported."""
    src = catalog.TEMPLATE_DIR / "fenxi-03.docx"
    with zipfile.ZipFile(src) as z:
        parts = {n: z.read(n) for n in z.namelist()}
    doc = parts["word/document.xml"].decode()
    doc = doc.replace("<w:sz ", '<w:u w:val="single"/><w:sz ', 1)
    settings = parts["word/settings.xml"].decode()
    settings = settings.replace("</w:settings>", '<w:themeFontLang w:val="en-US"/></w:settings>')
    parts["word/document.xml"], parts["word/settings.xml"] = doc.encode(), settings.encode()
    bad = tmp_path / "bad.docx"
    with zipfile.ZipFile(bad, "w") as z:
        for n, data in parts.items():
            z.writestr(n, data)
    found = findings(bad)
    assert any("'sz'" in f or "'u'" in f for f in found), found
    assert any("themeFontLang" in f for f in found), found


@pytest.mark.parametrize("fid", FORM_IDS)
def test_filled_blank_and_unsigned_outputs_are_valid(fid, ws, tmp_path):
    filled = forms.render_docx(fid, ws, **fill_kwargs(ws, fid))
    blank = forms.render_docx(fid, ws, blank=True)
    assert findings(filled, tmp_path) == []
    assert findings(blank, tmp_path) == []
    if catalog.get(fid).scope != "list":
        unsigned = forms.render_docx(fid, ws, mark_unsigned=True, **fill_kwargs(ws, fid))
        assert "未签字" in docx_text(unsigned)
        assert findings(unsigned, tmp_path) == []


def _normalised(xml: str) -> str:
    root = etree.fromstring(f'<w:body xmlns:w="{W}">{xml}</w:body>'.encode())
    ooxml.normalize(root)
    return etree.tostring(root, encoding="unicode").split(">", 1)[1].rsplit("</w:body", 1)[0]


@pytest.mark.parametrize("given, expected", [
    # run properties: sz/szCs before u, rFonts first
    ('<w:r><w:rPr><w:u w:val="single"/><w:sz w:val="20"/><w:rFonts w:eastAsia="宋体"/></w:rPr></w:r>',
     '<w:r><w:rPr><w:rFonts w:eastAsia="宋体"/><w:sz w:val="20"/><w:u w:val="single"/></w:rPr></w:r>'),
    # paragraph properties: spacing, ind, jc before outlineLvl; two w:ind merged into one
    ('<w:p><w:pPr><w:outlineLvl w:val="0"/><w:jc w:val="center"/><w:ind w:firstLineChars="200"/>'
     '<w:spacing w:after="0"/><w:ind w:leftChars="100"/></w:pPr></w:p>',
     '<w:p><w:pPr><w:spacing w:after="0"/><w:ind w:firstLineChars="200" w:leftChars="100"/><w:jc w:val="center"/>'
     '<w:outlineLvl w:val="0"/></w:pPr></w:p>'),
    # LibreOffice's repeated <w:b/> and on/off spelling
    ('<w:r><w:rPr><w:b w:val="true"/><w:b/><w:i w:val="false"/></w:rPr></w:r>',
     '<w:r><w:rPr><w:b/><w:i w:val="off"/></w:rPr></w:r>'),
    # cell properties: tcW, gridSpan, vMerge, vAlign
    ('<w:tc><w:tcPr><w:vAlign w:val="center"/><w:vMerge/><w:gridSpan w:val="2"/><w:tcW w:w="10"/></w:tcPr></w:tc>',
     '<w:tc><w:tcPr><w:tcW w:w="10"/><w:gridSpan w:val="2"/><w:vMerge/><w:vAlign w:val="center"/></w:tcPr></w:tc>'),
    # LibreOffice's negative character pitch written as unsigned 32-bit
    ('<w:sectPr><w:docGrid w:charSpace="4294950911"/><w:pgSz w:w="11906"/></w:sectPr>',
     '<w:sectPr><w:pgSz w:w="11906"/><w:docGrid w:charSpace="-16385"/></w:sectPr>'),
])
def test_normalize_puts_elements_in_schema_order(given, expected):
    assert _normalised(given) == expected
    assert _normalised(expected) == expected  # idempotent


def _resave_libreoffice(d: Path, tmp_path: Path) -> None:
    out = tmp_path / "lo-out"
    profile = (tmp_path / "lo-profile").as_uri()
    subprocess.run(["soffice", f"-env:UserInstallation={profile}", "--headless", "--convert-to",
                    "docx:MS Word 2007 XML", "--outdir", str(out)] + [str(d / f"{fid}.docx") for fid in FORM_IDS],
                   check=True, capture_output=True, timeout=240)
    for fid in FORM_IDS:
        shutil.move(out / f"{fid}.docx", d / f"{fid}.docx")


def _resave_python_docx(d: Path, tmp_path: Path) -> None:
    for fid in FORM_IDS:
        Document(d / f"{fid}.docx").save(d / f"{fid}.docx")


@pytest.mark.slow
@pytest.mark.parametrize("resave", [_resave_libreoffice, _resave_python_docx], ids=["libreoffice", "python-docx"])
def test_a_resaved_template_still_fills_the_same_and_validly(resave, ws, templates, tmp_path, monkeypatch):
    """A county opens each template, saves it again (LibreOffice as Word 2007–365 .docx, or a script
    with python-docx): dibao's template check still passes, the filled text equals what the original
    template gives, and the filled document is valid."""
    expected = {fid: docx_text(forms.render_docx(fid, ws, **fill_kwargs(ws, fid))) for fid in FORM_IDS}
    before = {fid: (templates / f"{fid}.docx").read_bytes() for fid in FORM_IDS}
    resave(templates, tmp_path)
    assert all((templates / f"{fid}.docx").read_bytes() != before[fid] for fid in FORM_IDS)
    for fid in FORM_IDS:
        data = forms.render_docx(fid, ws, **fill_kwargs(ws, fid))
        assert docx_text(data) == expected[fid], fid
        assert findings(data, tmp_path) == [], fid


def _fonts_named(path: Path) -> set[str]:
    with zipfile.ZipFile(path) as z:
        xml = "".join(z.read(n).decode("utf-8") for n in ("word/document.xml", "word/styles.xml"))
        table = z.read("word/fontTable.xml").decode("utf-8")
    named = set(re.findall(r'w:(?:eastAsia|ascii|hAnsi)="([^"]+)"', xml)) - {"zh-CN", "en-US"}
    return named | set(re.findall(r'<w:font w:name="([^"]+)"', table))


def test_templates_name_office_fonts_each_with_a_pdf_fallback():
    conf = FONTS_CONF.read_text("utf-8")
    for fid in FORM_IDS:
        named = _fonts_named(catalog.TEMPLATE_DIR / f"{fid}.docx")
        assert named <= OFFICE_FONTS, (fid, named - OFFICE_FONTS)
        for font in named - {"Times New Roman"}:
            assert f"<family>{font}</family><prefer><family>Noto" in conf, font
