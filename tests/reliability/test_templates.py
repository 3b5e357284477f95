"""Bad Word templates through `dibao forms fill`: a clear Chinese message naming the template and
the fix, exit 3, no output file, the template untouched, and the other forms still fill."""

from __future__ import annotations

import io
import zipfile

import pytest
from click.testing import CliRunner
from docx import Document

from archive.errors import EXIT_INPUT, EXIT_OK
from archive.forms.render import docx_text
from archive.fsutil import sha256_file
from cli import main
from tests.support.templates import edit_docx, split_tag

FORM = "fenxi-01"


def _put_tag(text: str):
    def edit(doc: Document):
        doc.add_paragraph("备注：" + text)
    return edit


def _zip_bomb(path):
    src = zipfile.ZipFile(path)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for item in src.infolist():
            zf.writestr(item, src.read(item.filename))
        zf.writestr("word/media/huge.bin", b"\0" * (120 * 2**20))
    path.write_bytes(buf.getvalue())


def _legacy_doc(path):
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 2000)


def _not_zip(path):
    path.write_bytes("这是一段文字，不是 Word 文件".encode("utf-8"))


def _missing(path):
    path.unlink()


TEMPLATE_CASES = [
    # name, how to spoil fenxi-01.docx, fragments of the message
    ("unknown-field", lambda p: edit_docx(p, _put_tag("{{ applicant.nmae }}")), ["未知字段“nmae”"]),
    ("sandbox-escape", lambda p: edit_docx(p, _put_tag("{{ ''.__class__.__mro__ }}")), ["内部属性"]),
    ("globals-escape", lambda p: edit_docx(p, _put_tag("{{ cycler.__init__.__globals__.os }}")), ["内部属性"]),
    ("unclosed-tag", lambda p: edit_docx(p, _put_tag("{{ applicant.name")), ["标记不完整"]),
    ("not-a-zip", _not_zip, ["不是 Word .docx"]),
    ("zip-bomb", _zip_bomb, ["MB"]),
    ("legacy-doc", _legacy_doc, [".doc"]),
    ("missing", _missing, ["模板不存在"]),
]


def fill(ws_root, form, household, out):
    return CliRunner().invoke(main, ["--workspace", str(ws_root), "forms", "fill", form, "--household", str(household),
                                     "-o", str(out)])


@pytest.mark.parametrize("name, spoil, fragments", TEMPLATE_CASES, ids=[c[0] for c in TEMPLATE_CASES])
def test_bad_template(records_ws, tpl_dir,
                       tmp_path, name, spoil, fragments):
    tpl = tpl_dir / f"{FORM}.docx"
    spoil(tpl)
    before = sha256_file(tpl) if tpl.exists() else None
    good = records_ws["good"][0]
    out = tmp_path / "申请书.docx"
    res = fill(records_ws["root"], FORM, good, out)
    assert res.exit_code == EXIT_INPUT, res.output
    assert "Traceback" not in res.output and (res.exception is None or isinstance(res.exception, SystemExit))
    assert f"{FORM}" in res.output and "处理办法" in res.output
    for f in fragments:
        assert f in res.output, res.output
    assert not out.exists() and not list(tmp_path.glob(".dibao-tmp-*"))
    if before:
        assert sha256_file(tpl) == before, "the template was modified"
    # the neighbours: another form of the same household still fills
    other = tmp_path / "调查表.docx"
    res = fill(records_ws["root"], "fenxi-04", good, other)
    assert res.exit_code == EXIT_OK, res.output


def test_tag_split_across_runs_is_joined(records_ws, tpl_dir, tmp_path):  
    tpl = tpl_dir / "fenxi-09.docx"
    edit_docx(tpl, split_tag)
    assert "cant.na" in zipfile.ZipFile(tpl).read("word/document.xml").decode()
    out = tmp_path / "确认表.docx"
    res = fill(records_ws["root"], "fenxi-09", records_ws["paths"]["members-500"], out)
    assert res.exit_code == EXIT_OK, res.output
    assert "李建国" in docx_text(out.read_bytes())
