"""Scans enter a volume without what a PDF can do (JavaScript, Launch, open actions, embedded
files), and outputs are never written into the workspace's sources (households/, scans/)."""

from __future__ import annotations

import io

import pypdf
import pytest
from pypdf.generic import ArrayObject, DictionaryObject, NameObject, TextStringObject

from archive.errors import EXIT_USAGE
from archive.volumes.scans import ScanLimits, convert_scan
from tests.support.checks import assert_clean_output, has_chinese
from tests.support.cli import dibao


def hostile_pdf() -> bytes:
    w = pypdf.PdfWriter()
    page = w.add_blank_page(595, 842)
    js = DictionaryObject({NameObject("/S"): NameObject("/JavaScript"),
                           NameObject("/JS"): TextStringObject("app.alert('x')")})
    launch = DictionaryObject({NameObject("/S"): NameObject("/Launch"),
                               NameObject("/F"): TextStringObject("cmd.exe")})
    w._root_object[NameObject("/OpenAction")] = w._add_object(js)
    page[NameObject("/AA")] = DictionaryObject({NameObject("/O"): w._add_object(launch)})
    link = DictionaryObject({NameObject("/Type"): NameObject("/Annot"), NameObject("/Subtype"): NameObject("/Link"),
                             NameObject("/Rect"): ArrayObject([]), NameObject("/A"): w._add_object(launch)})
    attach = DictionaryObject({NameObject("/Type"): NameObject("/Annot"),
                               NameObject("/Subtype"): NameObject("/FileAttachment"),
                               NameObject("/Rect"): ArrayObject([])})
    page[NameObject("/Annots")] = ArrayObject([w._add_object(link), w._add_object(attach)])
    names_js = DictionaryObject({NameObject("/Names"): ArrayObject([TextStringObject("doc"), w._add_object(js)])})
    w._root_object[NameObject("/Names")] = DictionaryObject({NameObject("/JavaScript"): w._add_object(names_js)})
    w.add_attachment("payload.exe", b"MZ not really")
    buf = io.BytesIO()
    w.write(buf)
    return buf.getvalue()


def test_pdf_actions_are_stripped_from_a_scan(tmp_path):
    data = hostile_pdf()
    for word in (b"/JavaScript", b"/Launch", b"/OpenAction", b"/EmbeddedFile", b"/FileAttachment"):
        assert word in data
    src = tmp_path / "其他_1.pdf"
    src.write_bytes(data)
    res = convert_scan(src, ScanLimits())
    for word in (b"/JavaScript", b"/JS", b"/Launch", b"/OpenAction", b"/EmbeddedFile", b"/FileAttachment",
                 b"/AA", b"cmd.exe", b"payload"):
        assert word not in res.pdf, word
    assert res.pages == 1
    assert any("已去除" in n for n in res.notes)


@pytest.fixture
def ws(tmp_path):
    from archive.workspace import init_workspace

    root = tmp_path / "ws"
    init_workspace(root, "fenxi")
    (root / "households").mkdir(exist_ok=True)
    (root / "scans" / "FX-1").mkdir(parents=True)
    return root


@pytest.mark.parametrize("target", ["scans/FX-1/户口簿.docx", "households/x.docx"])
def test_forms_output_into_sources_is_refused(ws, target):
    out = ws / target
    out.write_bytes(b"source scan, must stay")
    proc = dibao(["forms", "blank", "fenxi-01", "-o", str(out)], cwd=ws)
    assert proc.returncode == EXIT_USAGE, proc.stdout + proc.stderr
    assert_clean_output(proc)
    assert has_chinese(proc.stderr) and target.split("/")[0] in proc.stderr
    assert out.read_bytes() == b"source scan, must stay"


@pytest.mark.parametrize("args", [["audit", "--xlsx", "scans/审计.xlsx"], ["build", "--out", "households/卷宗"]])
def test_other_outputs_into_sources_are_refused(ws, args):
    proc = dibao(args, cwd=ws)
    assert proc.returncode == EXIT_USAGE, proc.stdout + proc.stderr
    assert_clean_output(proc)
    assert has_chinese(proc.stderr)


@pytest.mark.parametrize("args", [["build", "--jobs", "0"], ["buidl"], ["build", "--foo"], ["search"],
                                  ["audit", "--kind", "nonsense"]])
def test_usage_errors_are_in_chinese(tmp_path, args):
    proc = dibao(args, cwd=tmp_path)
    assert proc.returncode == EXIT_USAGE, proc.stdout + proc.stderr
    assert_clean_output(proc)
    assert has_chinese(proc.stderr) and "命令写法不对" in proc.stderr and "用法" in proc.stderr
    assert "Error:" not in proc.stderr and "Usage:" not in proc.stderr and "Invalid value" not in proc.stderr
