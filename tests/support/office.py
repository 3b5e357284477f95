"""Small .docx forms with CJK runs for the LibreOffice tests, and reading a PDF's text back."""

from __future__ import annotations

import subprocess
from pathlib import Path

from docx import Document
from docx.oxml import OxmlElement
from docx.oxml.ns import qn


def _cjk_run(paragraph, text: str, font: str):
    run = paragraph.add_run(text)
    run.font.name = font
    rpr = run._element.get_or_add_rPr()
    rpr.rFonts.set(qn("w:eastAsia"), font)
    lang = OxmlElement("w:lang")
    lang.set(qn("w:eastAsia"), "zh-CN")
    rpr.append(lang)
    return run


def make_form(path: Path, title: str, body: str = "申请人家庭成员共三人，月人均收入低于当地保障标准。") -> Path:
    doc = Document()
    head = doc.add_paragraph()
    ppr = head._p.get_or_add_pPr()
    lvl = OxmlElement("w:outlineLvl")
    lvl.set(qn("w:val"), "0")
    ppr.append(lvl)  # direct outline level: a PDF bookmark without a heading style
    _cjk_run(head, title, "宋体")
    _cjk_run(doc.add_paragraph(), body, "仿宋")
    doc.save(path)
    return path


def pdf_text(path: Path) -> str:
    return subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
