"""dibao search --export 目录.xlsx --pdf 卷.pdf: the hit list and the hit pages, bookmarked."""

from __future__ import annotations

import shutil

import docx
import img2pdf
import pytest
from click.testing import CliRunner
from openpyxl import load_workbook
from PIL import Image, ImageDraw
from pypdf import PdfReader

from cli import main
from tests.support.records import make_id, record, write

pytestmark = pytest.mark.skipif(not shutil.which("pdftotext"), reason="needs poppler-utils")


def _scan_pdf(path, pages: int):
    """A PDF of `pages` images, each marked with its page number in pixels (to tell them apart)."""
    imgs = []
    for i in range(pages):
        im = Image.new("L", (200, 280), 255)
        ImageDraw.Draw(im).rectangle([10, 10, 10 + 20 * (i + 1), 30], fill=0)
        out = path.parent / f"_p{i}.png"
        im.save(out)
        imgs.append(str(out))
    path.write_bytes(img2pdf.convert(imgs))
    return path


def test_search_export_xlsx_and_bookmarked_pdf(tmp_path, monkeypatch):
    monkeypatch.setenv("DIBAO_OFFICE_MODE", "batch")
    runner = CliRunner()
    ws = tmp_path / "ws"
    assert runner.invoke(main, ["init", str(ws), "--profile", "yueyang"]).exit_code == 0
    write(ws / "households" / "HS-2019-003.json", record("HS-2019-003"))
    old = tmp_path / "旧档案"
    old.mkdir()
    head_id = make_id("430621", "19500101", 17, True)
    d = docx.Document()
    d.add_paragraph(f"2019年度复查登记表 对象编号 HS-2019-003 申请人周秀英 身份证号 {head_id}")
    d.add_paragraph().add_run().add_break(docx.enum.text.WD_BREAK.PAGE)
    d.add_paragraph("第二页：入户调查，周秀英家庭经济状况")
    d.save(old / "复查.docx")
    d = docx.Document()
    d.add_paragraph("无关材料，周秀英不在这里")
    d.save(old / "其他.docx")
    r = runner.invoke(main, ["--workspace", str(ws), "index", "add", str(old), "--household", "HS-2019-003"])
    assert r.exit_code == 0, r.output

    xlsx, pdf = tmp_path / "out" / "目录.xlsx", tmp_path / "out" / "卷.pdf"
    r = runner.invoke(main, ["--workspace", str(ws), "search", "周秀英", "--export", str(xlsx), "--pdf", str(pdf)])
    assert r.exit_code == 0, r.output
    assert "结果清单已保存" in r.output and "带书签" in r.output

    rows = list(load_workbook(xlsx).active.iter_rows(values_only=True))
    assert rows[1][:3] == ("序号", "对象编号", "户主")
    body = rows[2:]
    assert len(body) == 3 and {r[6] for r in body} == {"复查.docx", "其他.docx"}
    assert sorted(r[8] for r in body if r[6] == "复查.docx") == [1, 2]
    assert head_id not in str(rows) and any(head_id[-4:] in str(r[11]) for r in body)

    reader = PdfReader(pdf)
    assert len(reader.pages) == 3
    outline = reader.outline
    assert "HS-2019-003" in outline[0].title
    files = outline[1]   # children of the household: one bookmark per file, its pages under it
    titles = [x.title for x in files if not isinstance(x, list)]
    assert any("复查.docx" in t for t in titles) and any("其他.docx" in t for t in titles)
    assert any(isinstance(x, list) and any("第 2 页" in y.title for y in x) for x in files)


def test_export_pdf_takes_the_right_pages_of_a_volume(tmp_path):
    from indexer import Doc, open_index
    from indexer.dossier import export_pdf

    vol = _scan_pdf(tmp_path / "审批类.pdf", 4)
    ix = open_index(tmp_path / "index", root=tmp_path)
    ix.add([Doc(id=f"HS-1/审批类/{p}/p{p}", group="a/HS-1", household="HS-1", head="周秀英", category="审批类",
                title=f"表{p}", path=str(vol), page=p, text="残疾证二级" if p in (2, 4) else "别的内容")
            for p in range(1, 5)])
    ix.commit()
    res = ix.search("残疾证")
    ix.close()
    out, problems = export_pdf(res, tmp_path / "卷.pdf")
    src, got = PdfReader(vol), PdfReader(out)
    assert not problems and len(got.pages) == 2
    from archive import pdfa

    assert pdfa.check(out) == []     # the export is PDF/A-2b too
    want = sorted(h.page for h in res.hits)
    assert [got.pages[i].get_contents().get_data() for i in range(2)] == \
        [src.pages[p - 1].get_contents().get_data() for p in [h.page for h in res.hits]] and want == [2, 4]
