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


def test_formcache_seal_detects_a_swapped_entry(tmp_path):
    from archive.volumes import formcache

    a, b = tmp_path / "a.pdf", tmp_path / "b.pdf"
    a.write_bytes(b"%PDF-1.7 household A")
    b.write_bytes(b"%PDF-1.7 household B")
    assert formcache.check(a) == "bad"           # converted before seals existed: converted again
    formcache.seal(a)
    formcache.seal(b)
    assert formcache.check(a) == "ok" and formcache.usable(a)
    a.write_bytes(b.read_bytes())                # another household's form copied over it
    warnings: list[str] = []
    assert not formcache.usable(a, warnings)
    assert not a.exists() and len(warnings) == 1 and "a.pdf" in warnings[0] and "重新转换" in warnings[0]
    assert formcache.check(a) == "missing" and formcache.usable(b)


def test_swapped_cached_form_is_converted_again(built_ws, tmp_path):
    import json

    from archive.volumes import formcache
    from tests.support.workspaces import copy_ws

    ws = copy_ws(built_ws["root"], tmp_path / "ws")
    cached = sorted((ws / ".dibao" / "cache" / "forms").glob("*.pdf"))
    assert len(cached) >= 2 and all(formcache.check(p) == "ok" for p in cached)
    intruder = cached[0].read_bytes()
    for p in cached[1:]:                         # every other entry now holds one household's form
        p.write_bytes(intruder)
    case = built_ws["good_cases"][1]
    proc = dibao(["build", "--household", case, "--force", "--json"], cwd=ws)
    report = json.loads(proc.stdout)
    assert report["built_households"] == [case], proc.stderr
    assert report["forms_converted"] >= 1 and report["warnings"], report
    assert all("不符" in w for w in report["warnings"])
    for p in (ws / ".dibao" / "cache" / "forms").glob("*.pdf"):
        assert formcache.check(p) == "ok" or p.read_bytes() == intruder   # used ones are intact again
    proc = dibao(["build", "--household", case, "--force"], cwd=ws)
    assert "注意" not in proc.stdout                                       # and stay so
