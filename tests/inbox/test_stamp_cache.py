"""Stamped copies of converted forms are kept by content and codes: a rebuild does not stamp again."""

from __future__ import annotations

import io


def _form_pdf(text: str) -> bytes:
    from fpdf import FPDF

    pdf = FPDF(unit="mm", format="A4")
    pdf.add_page()
    pdf.set_font("helvetica", size=14)
    pdf.set_xy(30, 40)
    pdf.cell(0, 10, text)
    return bytes(pdf.output())


def test_stamped_copy_is_reused_and_keyed_by_form_and_code(tmp_path, monkeypatch):
    from archive.forms import pagecode
    from archive.inbox.look import read_qr
    from tests.inbox.conftest import raster

    folder = tmp_path / "stamped"
    form = _form_pdf("form one")
    code = [pagecode.PageCode("K7Q2", "HS-001", "fenxi-04", "e2", 1, 1)]
    first = pagecode.stamp_cached(form, code, folder)
    assert len(list(folder.iterdir())) == 1
    (tmp_path / "a.pdf").write_bytes(first)
    assert read_qr(raster(tmp_path / "a.pdf", 150)[0])[0] == code[0]

    calls = []
    real = pagecode.stamp
    monkeypatch.setattr(pagecode, "stamp", lambda data, codes: calls.append(1) or real(data, codes))
    assert pagecode.stamp_cached(form, code, folder) == first and calls == []          # kept: not stamped again
    other = [pagecode.PageCode("K7Q2", "HS-002", "fenxi-04", "e2", 1, 1)]
    assert pagecode.stamp_cached(form, other, folder) != first and calls == [1]        # another code
    assert pagecode.stamp_cached(_form_pdf("form two"), code, folder) and calls == [1, 1]   # another form
    assert len(list(folder.iterdir())) == 3
    # a damaged entry is stamped again and replaced
    (entry,) = [p for p in folder.iterdir() if p.read_bytes() == first]
    entry.write_bytes(b"%PDF-1.4 truncated")
    assert pagecode.stamp_cached(form, code, folder).startswith(b"%PDF-") and calls == [1, 1, 1]
    assert entry.read_bytes() != b"%PDF-1.4 truncated"


def test_unwritable_cache_still_stamps(tmp_path):
    from archive.forms import pagecode

    blocker = tmp_path / "stamped"
    blocker.write_bytes(b"a file where the folder should be")
    out = pagecode.stamp_cached(_form_pdf("x"), [pagecode.PageCode("K7Q2", "HS-001", "fenxi-04", "-", 1, 1)], blocker)
    import pypdf

    assert len(pypdf.PdfReader(io.BytesIO(out)).pages) == 1

