"""finalize_merged: a PDF put together from others is PDF/A-2b, unless a part cannot be (no false claim)."""

from __future__ import annotations

import io

import pikepdf
from fpdf import FPDF

from archive import pdfa
from tests.support.build import blank_pdf


def _helvetica_pdf() -> bytes:
    """A page with text in the non-embedded base-14 Helvetica, as old imported PDFs have."""
    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("helvetica", size=12)
    pdf.cell(40, 10, "old file")
    return bytes(pdf.output())


def test_merged_pages_become_pdfa_with_labels():
    out = pdfa.finalize_merged(blank_pdf([(595.28, 841.89, 0)] * 3), title="空白表打印包", unit="黄沙街镇人民政府")
    assert pdfa.check(out) == []
    assert pdfa.page_labels(out) == ["1", "2", "3"]
    with pikepdf.open(io.BytesIO(out)) as pdf:
        meta = pdf.open_metadata()
        assert meta["dc:title"] == "空白表打印包" and "黄沙街镇人民政府" in str(meta.get("dc:publisher"))


def test_a_part_with_a_font_not_embedded_is_not_claimed_pdfa():
    data = _helvetica_pdf()
    out = pdfa.finalize_merged(data, title="检索：x")
    assert out == data
    with pikepdf.open(io.BytesIO(out)) as pdf:
        assert pdf.open_metadata().get("pdfaid:part") is None
