"""Archive and historical-file indexing with real PDFs, real pdftotext and real tesseract."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from archive.errors import ConfigError, ToolMissing
from archive.fsutil import sha256_file
from indexer import IndexVersionError, available_backends
from indexer import ocr as ocr_mod
from indexer.historical import add_historical
from indexer.pipeline import index_archive, search_workspace, workspace_paths
from tests.support.records import make_id

FONT = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"
SERIF = "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc"
ID_A = make_id("420702", "19900101", 431, True)
ID_B = make_id("430621", "19700312", 12, False)
ID_OLD = make_id("430621", "19480505", 77, True)   # only in a historical file's text

pytestmark = pytest.mark.skipif(not shutil.which("tesseract") or not Path(FONT).exists(),
                                reason="needs tesseract and Noto CJK fonts")


def render_png(path: Path, lines: list[str]) -> Path:
    from PIL import Image, ImageDraw, ImageFont

    font = ImageFont.truetype(FONT, 44, index=2)
    im = Image.new("L", (1100, 100 + 90 * len(lines)), 255)
    draw = ImageDraw.Draw(im)
    for i, line in enumerate(lines):
        draw.text((70, 50 + 90 * i), line, font=font, fill=0)
    im.save(path, dpi=(150, 150))
    return path


TEXTS = {
    "cover": "案卷封面 黄沙村 张三丰",
    "apply": f"社会救助申请书\n申请人 张三丰 身份证号 {ID_A}\n申请理由 家庭收入计算评估后低于标准",
    "review": "岳阳县城乡最低生活保障对象年度审核登记表 户主 张三丰 2024年度 审核意见 继续保障",
    "visit": f"入户调查表 户主 李四 身份证 {ID_B} 调查人 周平",
    "old_review": "鄂州市社会救助对象复查登记表 对象编号 HS-2024-007 复查结论 维持低保",
    "extra": "低保申请材料 补充说明",
}


@pytest.fixture(scope="module")
def library(tmp_path_factory):
    """One PDF with a page per TEXTS entry: fpdf2 embeds the CJK font once (about 2 s)."""
    from fpdf import FPDF

    pdf = FPDF(unit="pt", format=(480, 200))
    pdf.set_auto_page_break(False)
    pdf.add_font("serif", "", SERIF, collection_font_number=2)
    for text in TEXTS.values():
        pdf.add_page()
        pdf.set_font("serif", size=12)
        pdf.set_xy(20, 20)
        pdf.multi_cell(440, 16, text)
    path = tmp_path_factory.mktemp("lib") / "library.pdf"
    pdf.output(str(path))
    return path


def make_pdf(library: Path, path: Path, pages: list) -> Path:
    """pages: TEXTS keys (pages with a text layer) or PNG paths (image-only pages)."""
    import img2pdf
    from pypdf import PdfReader, PdfWriter

    lib = PdfReader(str(library))
    names = list(TEXTS)
    writer = PdfWriter()
    for page in pages:
        if isinstance(page, Path):
            tmp = page.with_suffix(".page.pdf")
            tmp.write_bytes(img2pdf.convert(str(page)))
            writer.add_page(PdfReader(str(tmp)).pages[0])
        else:
            writer.add_page(lib.pages[names.index(page)])
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "wb") as fh:
        writer.write(fh)
    return path


def _doc(seq, title, first, last=None, **kw):
    d = {"seq": seq, "title": title, "kind": kw.pop("kind", "form"), "first_page": first,
         "last_page": last or first, "text_layer": True}
    d.update(kw)
    return d


def make_household(lib, out: Path, case_no, head, village, htype, volumes) -> Path:
    folder = out / village / f"{case_no}_{head}"
    vols = []
    for category, pages, documents in volumes:
        pdf = make_pdf(lib, folder / f"{category}.pdf", pages)
        vols.append({"category": category, "file": pdf.name, "sha256": sha256_file(pdf), "pages": len(pages),
                     "documents": documents})
    manifest = {"manifest_version": 1, "tool_version": "0.1.0",
                "household": {"case_no": case_no, "head": head, "village": village, "town": "黄沙街镇",
                              "county": "岳阳县", "type": htype},
                "inputs": {}, "input_hash": "x", "volumes": vols, "missing": [], "problems": []}
    (folder / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False), encoding="utf-8")
    return folder


def build_archive(lib: Path, ws: Path) -> Path:
    out = ws / "archive"
    scan = render_png(ws / "scan.png", ["入户调查记录 王小明", "家中有残疾证 审核通过"])
    make_household(lib, out, "HS-2023-001", "张三丰", "黄沙村", "农村低保", [
        ("审批类", ["cover", "apply", scan],
         [_doc(1, "案卷封面", 1, kind="cover"), _doc(2, "社会救助申请书", 2, date="2023-03-12", year=2023),
          _doc(3, "入户调查照片", 3, kind="scan", text_layer=False, source="scans/x.png",
               source_sha256=sha256_file(scan), date="2023-03-20", year=2023)]),
        ("日常管理类", ["review"],
         [_doc(1, "岳阳县城乡最低生活保障对象年度审核登记表", 1, date="2024-05-02", year=2024)]),
    ])
    make_household(lib, out, "HS-2024-007", "李四", "白石村", "特困人员", [
        ("审批类", ["visit"],
         [_doc(1, "入户调查表", 1, date="2024-02-01", year=2024)]),
    ])
    return out


@pytest.fixture(params=available_backends())
def backend(request):
    return request.param


@pytest.fixture
def ws(library, tmp_path):
    ws = tmp_path / "工作区"
    ws.mkdir()
    build_archive(library, ws)
    return ws


@pytest.fixture
def ocr_calls(monkeypatch):
    calls = []
    real, real_many = ocr_mod.ocr_image, ocr_mod.ocr_images

    def counting(path, *a, **kw):
        calls.append(Path(path).name)
        return real(path, *a, **kw)

    def counting_many(paths, *a, **kw):   # several pages in one tesseract process
        calls.extend(Path(x).name for x in paths)
        return real_many(paths, *a, **kw)

    monkeypatch.setattr(ocr_mod, "ocr_image", counting)
    monkeypatch.setattr(ocr_mod, "ocr_images", counting_many)
    return calls


def search(ws, backend, q, **filters):
    return search_workspace(ws, q, filters=filters or None, backend=backend)


def hh(res):
    return sorted({h.household for h in res.hits})


def test_index_archive_then_search(ws, backend, ocr_calls):
    stats = index_archive(ws, backend=backend)
    assert (stats.added, stats.updated, stats.removed, stats.unchanged) == (2, 0, 0, 0)
    assert stats.pages == 5 and stats.ocr_pages == 1 and len(ocr_calls) == 1 and not stats.problems
    res = search(ws, backend, "张三丰")
    assert hh(res) == ["HS-2023-001"] and res.total == 4
    form = next(h for h in res.hits if h.title == "社会救助申请书")
    assert form.page == 2 and form.category == "审批类" and form.year == 2023 and form.village == "黄沙村"
    assert Path(form.pdf_path).is_file() and form.pdf_path.endswith("审批类.pdf")
    ocr_hit = search(ws, backend, "残疾证").hits
    assert [(h.household, h.page, h.title) for h in ocr_hit] == [("HS-2023-001", 3, "入户调查照片")]
    assert "【残疾证】" in ocr_hit[0].snippet
    assert hh(search(ws, backend, ID_B[-6:])) == ["HS-2024-007"]
    assert hh(search(ws, backend, '"家庭收入计算评估"')) == ["HS-2023-001"]
    assert hh(search(ws, backend, "户主")) == ["HS-2023-001", "HS-2024-007"]
    assert hh(search(ws, backend, "户主", village="白石村")) == ["HS-2024-007"]
    assert search(ws, backend, "户主 year:2024 category:日常管理类").total == 1
    assert search(ws, backend, "审核 type:特困").total == 0


def test_reindex_unchanged_does_no_ocr_and_changes_use_cache(ws, backend, ocr_calls):
    index_archive(ws, backend=backend)
    ocr_calls.clear()
    again = index_archive(ws, backend=backend)
    assert (again.added, again.updated, again.unchanged, again.pages) == (0, 0, 2, 0)
    assert again.ocr_pages == 0 and ocr_calls == []
    vol = ws / "archive" / "黄沙村" / "HS-2023-001_张三丰" / "审批类.pdf"
    os.utime(vol, ns=(vol.stat().st_atime_ns, vol.stat().st_mtime_ns + 10**9))
    changed = index_archive(ws, backend=backend)
    assert (changed.updated, changed.unchanged) == (1, 1)
    assert changed.ocr_pages == 0 and changed.ocr_cached == 1 and ocr_calls == []
    assert search(ws, backend, "残疾证").total == 1   # still there, not duplicated
    ocr_calls.clear()
    reread = index_archive(ws, backend=backend, reocr=True)   # dibao index --reocr: read again, rebuild
    assert reread.ocr_pages == 1 and len(ocr_calls) == 1 and reread.added == 2
    assert search(ws, backend, "残疾证").total == 1
    with pytest.raises(ConfigError):
        index_archive(ws, backend=backend, ocr_engine="paddle")


def test_removed_household_leaves_the_index(ws, backend):
    index_archive(ws, backend=backend)
    assert search(ws, backend, "李四").total == 1
    shutil.rmtree(ws / "archive" / "白石村")
    stats = index_archive(ws, backend=backend)
    assert stats.removed == 1 and stats.unchanged == 1
    assert search(ws, backend, "李四").total == 0
    assert search(ws, backend, "张三丰").total == 4


def test_historical_files_attach_and_are_searchable(ws, backend, ocr_calls, tmp_path, library):
    import docx

    index_archive(ws, backend=backend)
    old = tmp_path / "2019年旧档案"
    old.mkdir()
    make_pdf(library, old / "2019年复查登记.pdf", ["old_review"])
    make_pdf(library, old / "旧扫描件.pdf", [render_png(tmp_path / "s.png", ["民主评议记录", "张三丰 同意保障"])])
    d = docx.Document()
    d.add_paragraph("2018年度 家庭经济状况信息核对报告")
    d.add_paragraph(f"成员 赵老汉 身份证 {ID_OLD}")
    d.save(old / "核对报告.docx")
    render_png(old / "无主照片.png", ["东山村 公示照片 张贴"])
    lookup = [{"case_no": "HS-2023-001", "head": "张三丰", "village": "黄沙村", "town": "黄沙街镇",
               "type": "农村低保", "ids": [ID_A]},
              {"case_no": "HS-2024-007", "head": "李四", "village": "白石村", "town": "黄沙街镇",
               "type": "特困人员", "ids": [ID_B]},
              {"case_no": "HS-2020-003", "head": "赵老汉", "village": "东山村", "ids": [ID_OLD]}]
    out = add_historical([old], ws, backend=backend, lookup=lookup)
    by_name = {Path(f["path"]).name: f for f in out["files"]}
    assert by_name["2019年复查登记.pdf"]["household"] == "HS-2024-007"     # 对象编号 in the text
    assert by_name["旧扫描件.pdf"]["household"] == "HS-2023-001"           # 户主 name in OCR'd text
    assert by_name["核对报告.docx"]["household"] == "HS-2020-003"          # a member's ID number
    assert by_name["无主照片.png"]["household"] == ""                      # searchable anyway
    assert out["added"] == 4 and out["ocr_pages"] == 2 and not out["problems"]

    res = search(ws, backend, '"复查登记表"')
    assert [(h.household, h.source, h.category, h.year) for h in res.hits] == [("HS-2024-007", "historical", "历史档案", 2019)]
    assert Path(res.hits[0].pdf_path).name == "2019年复查登记.pdf"
    assert hh(search(ws, backend, "民主评议")) == ["HS-2023-001"]
    assert hh(search(ws, backend, "公示照片")) == [""]
    assert hh(search(ws, backend, ID_OLD[-4:])) == ["HS-2020-003"]
    assert hh(search(ws, backend, "民主评议", household="HS-2023-001")) == ["HS-2023-001"]
    assert search(ws, backend, "source:历史 张三丰").total == 1
    # Adding the same files again reads nothing.
    ocr_calls.clear()
    again = add_historical([old], ws, backend=backend, lookup=lookup)
    assert again["unchanged"] == 4 and again["added"] == 0 and ocr_calls == []
    # A rebuild keeps them (from the workspace's list of added files), without OCR.
    rebuilt = index_archive(ws, backend=backend, rebuild=True)
    assert rebuilt.ocr_pages == 0 and ocr_calls == []
    assert hh(search(ws, backend, "民主评议")) == ["HS-2023-001"]
    # No full ID number in any file of the index.
    index_dir = workspace_paths(ws)["index"]
    for p in index_dir.rglob("*"):
        if p.is_file():
            data = p.read_bytes()
            for number in (ID_A, ID_B, ID_OLD):
                assert number.encode() not in data, f"{number} in {p}"
    assert (ws / ".dibao" / "index.key").stat().st_mode & 0o777 == 0o600


def test_path_naming_an_id_is_not_stored_in_clear(ws, backend, tmp_path, library):
    f = make_pdf(library, tmp_path / f"{ID_A}_申请材料.pdf", ["extra"])
    add_historical([f], ws, backend=backend)
    res = search(ws, backend, "补充说明")
    assert res.hits[0].pdf_path == str(f.resolve()) and ID_A not in res.hits[0].title
    assert res.hits[0].household == ""
    out = add_historical([f], ws, backend=backend, household="HS-2024-007")   # the clerk says whose it is
    assert out["added"] == 1
    assert [h.household for h in search(ws, backend, "补充说明").hits] == ["HS-2024-007"]
    for p in workspace_paths(ws)["index"].rglob("*"):
        if p.is_file():
            assert ID_A.encode() not in p.read_bytes()


def test_schema_mismatch_then_rebuild(ws, backend):
    index_archive(ws, backend=backend)
    meta = workspace_paths(ws)["index"] / backend / "dibao-index.json"
    m = json.loads(meta.read_text())
    m["schema_version"] = 99
    meta.write_text(json.dumps(m))
    with pytest.raises(IndexVersionError) as err:
        search(ws, backend, "张三丰")
    assert "--rebuild" in err.value.user_message()
    stats = index_archive(ws, backend=backend)   # derived data: `dibao index` rebuilds it
    assert "第 99 版" in stats.repaired and stats.added == 2 and search(ws, backend, "张三丰").total == 4
    stats = index_archive(ws, backend=backend, rebuild=True)
    assert stats.added == 2 and not stats.repaired and search(ws, backend, "张三丰").total == 4


def test_missing_tesseract_indexes_text_and_retries_later(ws, backend, monkeypatch):
    real_which = shutil.which
    monkeypatch.setattr(shutil, "which", lambda name, *a, **kw: None if name == "tesseract" else real_which(name, *a, **kw))
    ocr_mod.find_tesseract.cache_clear()
    with pytest.raises(ToolMissing) as err:   # exit code 5, with the install command
        index_archive(ws, backend=backend)
    assert "1 页扫描件" in err.value.message and "apt-get install tesseract-ocr" in err.value.user_message()
    # ... but everything with a text layer was indexed and committed
    assert search(ws, backend, "张三丰").total == 4 and search(ws, backend, "残疾证").total == 0
    monkeypatch.setattr(shutil, "which", real_which)
    ocr_mod.find_tesseract.cache_clear()
    again = index_archive(ws, backend=backend)
    assert (again.updated, again.unchanged, again.ocr_pages) == (1, 1, 1) and not again.problems
    assert search(ws, backend, "残疾证").total == 1


def test_photographs_indexed_by_title_without_ocr_unless_asked(library, tmp_path, ocr_calls):
    ws = tmp_path / "照片"
    ws.mkdir()
    photo = render_png(ws / "photo.png", ["入户调查 水印 黄沙村"])
    make_household(library, ws / "archive", "HS-2025-009", "周照", "黄沙村", "农村低保", [
        ("日常管理类", [photo],
         [_doc(1, "入户照片（2025年，第1份）", 1, kind="scan", text_layer=False, attachment_type="入户照片",
               source="scans/HS-2025-009/入户照片_2025_1.jpg", source_sha256=sha256_file(photo),
               date="2025-03-20", year=2025)]),
    ])
    stats = index_archive(ws, backend="auto")
    assert stats.ocr_pages == 0 and not ocr_calls
    assert hh(search_workspace(ws, "入户照片", filters={"year": "2025"})) == ["HS-2025-009"]
    stats = index_archive(ws, backend="auto", ocr_photos=True)   # the setting changed: re-read with OCR
    assert stats.updated == 1 and stats.ocr_pages == 1 and len(ocr_calls) == 1
