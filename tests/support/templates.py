"""Editing .docx templates in tests the way a county clerk (or Word) would."""

from __future__ import annotations

import copy
from pathlib import Path

from docx import Document


def edit_docx(path: Path, fn) -> None:
    doc = Document(str(path))
    fn(doc)
    doc.save(str(path))


def split_tag(doc):
    """Split the first {{ applicant.name }} over three runs, as Word does after an edit."""
    for table in doc.tables:
        for row in table.rows:
            for cell in row.cells:
                for p in cell.paragraphs:
                    if p.runs and p.runs[0].text == "{{ applicant.name }}":
                        r = p.runs[0]
                        r.text = "{{ appli"
                        el = r._element
                        for piece in ("cant.na", "me }}"):
                            new = copy.deepcopy(el)
                            new.find("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}t").text = piece
                            el.addnext(new)
                            el = new
                        return
