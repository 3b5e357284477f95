"""Forms as PDF through LibreOffice: all 18 forms, blank and filled, converted in one batch by one warm pool."""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest

from archive import forms
from archive.workspace import open_workspace
from tests.support.forms_cases import LABELS, VALUES, clean_of_tags, fill_kwargs
from tests.support.forms import build_workspace

pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")]

FORM_IDS = [s.id for s in forms.load_catalog()]


@pytest.fixture(scope="module")
def pdfs(tmp_path_factory):
    from archive.external.libreoffice import Converter

    root = tmp_path_factory.mktemp("formspdf")
    ws = open_workspace(build_workspace(root / "ws"))
    items = []
    for form_id in FORM_IDS:
        items.append((forms.render_docx(form_id, ws, blank=True), root / f"{form_id}-blank.pdf"))
        items.append((forms.render_docx(form_id, ws, **fill_kwargs(ws, form_id)), root / f"{form_id}-fill.pdf"))
    with Converter(workers=2) as conv:
        forms.docx_bytes_to_pdf(items, conv)
    return root


def pdf_text(path) -> str:
    out = subprocess.run(["pdftotext", "-raw", str(path), "-"], capture_output=True, text=True, check=True).stdout
    return re.sub(r"\s+", "", out)


def squash(s: str) -> str:
    return re.sub(r"\s+", "", s)


@pytest.mark.parametrize("form_id", FORM_IDS)
def test_pdf_blank_and_filled(pdfs, form_id):
    blank = pdf_text(pdfs / f"{form_id}-blank.pdf")
    filled = pdf_text(pdfs / f"{form_id}-fill.pdf")
    for label in LABELS[form_id]:
        assert squash(label) in blank, (form_id, "blank", label)
        assert squash(label) in filled, (form_id, "filled", label)
    for value in VALUES[form_id]:
        assert squash(value) in filled, (form_id, value)
    assert clean_of_tags(blank) == [] and clean_of_tags(filled.replace(squash("张三<李四>&{{ 7*7 }}"), "")) == []


def test_pdf_fonts_embedded_cjk(pdfs):
    out = subprocess.run(["pdffonts", str(pdfs / "fenxi-09-fill.pdf")], capture_output=True, text=True).stdout
    rows = [ln for ln in out.splitlines()[2:] if ln.strip()]
    assert rows and all(" yes " in ln for ln in rows), out
    assert any("CJK" in ln for ln in rows), out


def test_pdf_forms_are_pdfa_2b(pdfs, tmp_path):
    """LibreOffice exports PDF/A-2b (fonts embedded, XMP, output intent); a form printed with
    dibao forms fill -o x.pdf also gets its title and page labels, page codes included."""
    import pikepdf

    from archive import pdfa
    from archive.external.libreoffice import Converter

    for form_id in FORM_IDS:
        with pikepdf.open(pdfs / f"{form_id}-fill.pdf") as pdf:
            meta = pdf.open_metadata()
            assert (meta.get("pdfaid:part"), meta.get("pdfaid:conformance")) == ("2", "B"), form_id
    ws = open_workspace(pdfs / "ws")
    kwargs = fill_kwargs(ws, "fenxi-04")
    out = tmp_path / "申请书.pdf"
    with Converter(workers=1) as conv:
        forms.write_form("fenxi-04", ws, out, converter=conv, **kwargs)
    assert pdfa.check(out) == []
    with pikepdf.open(out) as pdf:
        assert pdf.open_metadata()["dc:title"] == forms.get("fenxi-04").title


def test_pdf_one_page_each(pdfs):
    for form_id in FORM_IDS:
        out = subprocess.run(["pdfinfo", str(pdfs / f"{form_id}-blank.pdf")], capture_output=True, text=True).stdout
        assert re.search(r"Pages:\s+1\b", out), form_id


def test_pdf_public_notice_has_no_private_data(pdfs):
    for form_id in ("fenxi-07", "fenxi-10"):
        text = pdf_text(pdfs / f"{form_id}-fill.pdf")
        assert not re.search(r"\d{12,}", text)
        assert "李小明" not in text and "孤儿小芳" not in text and "12号" not in text


def test_templates_survive_a_libreoffice_save(tmp_path, monkeypatch):
    """A clerk opens the templates in LibreOffice and saves them as .docx: they still fill."""
    from archive.forms import catalog
    from archive.external.libreoffice import find_soffice
    from tests.support.forms import build_workspace

    src = tmp_path / "src"
    shutil.copytree(catalog.TEMPLATE_DIR, src)
    out = tmp_path / "saved"
    ids = ["fenxi-03", "fenxi-09", "yueyang-03", "ezhou-02"]
    subprocess.run([find_soffice(), "--headless", f"-env:UserInstallation=file://{tmp_path}/profile",
                    "--convert-to", "docx:MS Word 2007 XML", "--outdir", str(out), *[str(src / f"{i}.docx") for i in ids]],
                   check=True, capture_output=True, timeout=300)
    for i in ids:
        shutil.copy(out / f"{i}.docx", src / f"{i}.docx")
    monkeypatch.setattr(catalog, "TEMPLATE_DIR", src)
    ws = open_workspace(build_workspace(tmp_path / "ws"))
    from archive.forms.render import docx_text

    for form_id in ids:
        text = docx_text(forms.render_docx(form_id, ws, **fill_kwargs(ws, form_id)))
        for value in VALUES[form_id] + LABELS[form_id]:
            assert value in text, (form_id, value)
        assert clean_of_tags(text) == []
