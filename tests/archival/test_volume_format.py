"""GB/T 9705 volume format, 档号, boxes per village and 保管期限, PDF/A-2b markers, read back from a real build."""

from __future__ import annotations

import datetime as dt
import io
import json
import re
import subprocess
from pathlib import Path

import pikepdf
import pypdf
import pytest

from archive import pdfa
from archive.workspace import open_workspace
from tests.support.build import manifests, squash, stamped_numbers

pytestmark = pytest.mark.slow
CATS = ("审批类", "日常管理类", "财务类")


def text_of(path: Path, first: int, last: int | None = None) -> str:
    args = ["pdftotext", "-layout", "-f", str(first), "-l", str(last or first), str(path), "-"]
    return subprocess.run(args, capture_output=True, text=True, check=True).stdout


def test_cover_has_the_gbt9705_fields_and_no_cover_caption(built):
    ws = open_workspace(built["ws"])
    today = dt.date.today()
    for case, (folder, m) in manifests(built["out"]).items():
        h = m["household"]
        for v in m["volumes"]:
            cover = squash(text_of(folder / v["file"], 1))
            assert "案卷封面" not in cover
            assert v["number"] and squash(v["number"]) in cover
            title = f"{h['town']}{h['village']}{h['head']}户"
            assert v["title"].startswith(title) and v["title"].endswith(f"{v['category']}材料")
            assert squash(v["title"]) in cover
            for key in ("档号", "案卷题名", "立卷单位", "起止日期", "保管期限", "密级"):
                assert key in cover, (key, cover)
            assert ws.config.retention[v["category"]] in cover and "黄沙街镇人民政府" in cover
            assert f"{v['items']}件" in cover and f"{v['document_pages']}页" in cover
            if v["first_date"]:
                span = v["first_date"].replace("-", "") + "—" + v["last_date"].replace("-", "")
                assert span in cover
                last = dt.date.fromisoformat(v["last_date"])
                assert f"立卷日期：{last.year}年{last.month}月{last.day}日" in cover
                if last != today:
                    assert f"{today.year}年{today.month}月{today.day}日" not in cover
            # the number follows the profile's pattern {fonds}-{category}·{year}-{retention}-{case}
            code = {"审批类": "SP", "日常管理类": "RC", "财务类": "CW"}[v["category"]]
            assert re.fullmatch(rf"Y001-{code}·\d{{4}}-D\d+-{re.escape(case)}", v["number"]), v["number"]


def test_program_wording_follows_the_household_type(built):
    for case, (folder, m) in manifests(built["out"]).items():
        kind = m["household"]["type"]
        cover = squash(text_of(folder / "审批类.pdf", 1))
        want = {"特困": "特困人员救助供养档案", "低保边缘": "低保边缘家庭档案"}.get(kind, "最低生活保障档案")
        assert want in cover, (kind, cover)


def test_contents_list_headed_by_number_with_all_columns(built):
    for case, (folder, m) in manifests(built["out"]).items():
        for v in m["volumes"]:
            docs = v["documents"]
            c = next(d for d in docs if d["kind"] == "contents")
            raw = text_of(folder / v["file"], c["first_page"], c["last_page"])
            text = squash(raw)
            assert f"档号：{squash(v['number'])}" in text
            for col in ("序号", "文号", "责任者", "题名", "日期", "页号", "备注"):
                assert col in text
            for d in docs:   # 日期 written YYYYMMDD (a title may carry its own date)
                if d.get("date") and d["seq"]:
                    assert re.search(rf"{d['date'].replace('-', '')}\s+{d['archive_pages'][0]}\b", raw), (d, raw)
            if any(d.get("attachment_type") == "户口簿" for d in docs):
                assert "公安机关" in text
            if v["category"] == "审批类" and any(d.get("form_id") for d in docs):
                assert m["household"]["head"] in text or "人民政府" in text
            if v["category"] == "审批类":   # 文号 of the decisions the record gives, in the 文号 column
                rec = json.loads((built["ws"] / m["inputs"]["record"]["path"]).read_text("utf-8"))
                numbers = [e["doc_no"] for e in rec["events"] if e.get("doc_no")]
                assert numbers, "the demo's 审核确认 carries a 文号"
                for no in numbers:
                    assert squash(no) in text, (no, text)


def test_remarks_sheet_framed_with_its_fields_and_counts(built):
    for case, (folder, m) in manifests(built["out"]).items():
        for v in m["volumes"]:
            r = next(d for d in v["documents"] if d["kind"] == "remarks")
            text = squash(text_of(folder / v["file"], r["first_page"], r["last_page"]))
            for key in ("卷内备考表", "本卷情况说明", "缺件说明", "互见号", "立卷人", "立卷时间", "检查人", "检查时间"):
                assert key in text, key
            assert f"本卷共有文件{v['items']}件，共{v['document_pages']}页" in text
            if v["last_date"]:
                last = dt.date.fromisoformat(v["last_date"])
                assert f"立卷时间：{last.year}年{last.month}月{last.day}日" in text
            for ref in v["cross_refs"]:
                assert squash(ref) in text
            with pikepdf.open(folder / v["file"]) as pdf:
                ops = pikepdf.parse_content_stream(pdf.pages[r["first_page"] - 1])
                rects = [o.operands for o in ops if str(o.operator) == "re"]
                assert any(float(w) > 400 and abs(float(hgt)) > 500 for _, _, w, hgt in rects), "no frame"


def test_file_numbers_are_unique_and_follow_da_t_13(built):
    """Every 档号 (household volumes, village volumes, cross references, box ranges) is unique and
    written in Latin letters, digits and the separators - and · only (DA/T 13: no Chinese)."""
    allowed = re.compile(r"[A-Za-z0-9][A-Za-z0-9·\-/]*")
    numbers = [v["number"] for _, m in manifests(built["out"]).values() for v in m["volumes"]]
    summary = json.loads((built["out"] / "build-summary.json").read_text("utf-8"))
    village = [v["number"] for vil in summary["villages"].values() for v in vil["volumes"]]
    assert village, "the demo has village publicity volumes"
    refs = [r for _, m in manifests(built["out"]).values() for v in m["volumes"] for r in v["cross_refs"]]
    for n in numbers + village + refs:
        assert allowed.fullmatch(n), n
    assert len(set(numbers + village)) == len(numbers) + len(village)
    assert set(refs) <= set(village)
    boxes = sorted(built["out"].glob("*/盒内目录_*.pdf"))
    assert boxes
    for p in boxes:                                      # 盒号: village code and box number, e.g. SHC-1
        assert re.search(r"盒号[A-Z0-9]+-\d+保管期限", squash(text_of(p, 1))), p


def test_households_on_a_notice_point_to_the_village_volume(built):
    seen = 0
    for case, (folder, m) in manifests(built["out"]).items():
        years = m["household"]["publicity_years"]
        v = m["volumes"][0]
        assert len(v["cross_refs"]) == len(years)
        for y, ref in zip(years, v["cross_refs"]):
            assert ref.startswith(f"Y001-SP·{y}-") and ref.endswith("-GS")
            seen += 1
    assert seen


def test_boxes_one_per_village_and_retention_with_agreeing_counts(built):
    out = built["out"]
    found = manifests(out)
    villages = {m["household"]["village"] for _, m in found.values()}
    volumes = {v["number"]: v for _, m in found.values() for v in m["volumes"]}
    summary = json.loads((out / "build-summary.json").read_text("utf-8"))
    volumes.update({v["number"]: v for st in summary["villages"].values() for v in st["volumes"]})
    listed: set[str] = set()
    for village in villages:
        boxes = sorted((out / village).glob("盒内目录_*.pdf"))
        retentions = {v["retention"] for _, m in found.values() if m["household"]["village"] == village
                      for v in m["volumes"]}
        assert len(boxes) >= len(retentions)
        for box in boxes:
            raw = text_of(box, 1, 99)
            text = squash(raw)
            for key in ("盒号", "档号起止", "起止日期", "保管期限"):
                assert key in text
            in_box = [n for n in volumes if squash(n) in text]
            assert in_box
            rets = {volumes[n]["retention"] for n in in_box}
            assert len(rets) == 1 and rets.pop() in text
            for n in in_box:
                v = volumes[n]
                assert squash(f"{v['items']}") in text and f"{v['document_pages']}" in text
                listed.add(n)
            total = sum(volumes[n]["document_pages"] for n in in_box)
            assert f"合计{sum(volumes[n]['items'] for n in in_box)}{total}{len(in_box)}卷" in text
        assert (out / village / "案卷脊背.pdf").is_file()
    assert listed == {n for n, v in volumes.items()}


def test_every_volume_and_generated_pdf_is_pdfa_2b(built):
    out = built["out"]
    pdfs = sorted(out.rglob("*.pdf"))
    assert pdfs
    for p in pdfs:
        assert pdfa.check(p) == [], p
        fonts = subprocess.run(["pdffonts", str(p)], capture_output=True, text=True, check=True).stdout
        rows = fonts.splitlines()[2:]
        assert all(" yes " in r.split("  ", 1)[1] for r in rows if r.strip()), fonts
        assert "Helvetica" not in fonts
        with pikepdf.open(p) as pdf:
            meta = pdf.open_metadata()
            assert meta["pdfaid:part"] == "2" and meta["pdfaid:conformance"] == "B"
            assert meta.get("dc:title")
            assert "黄沙街镇人民政府" in str(meta.get("dc:publisher"))
            assert "/Encrypt" not in pdf.trailer
            assert pdf.Root.OutputIntents[0].DestOutputProfile.N == 3


def test_page_labels_are_the_archive_page_numbers(built):
    for case, (folder, m) in manifests(built["out"]).items():
        for v in m["volumes"]:
            path = folder / v["file"]
            labels = pdfa.page_labels(path)
            reader = pypdf.PdfReader(str(path))
            assert len(labels) == len(reader.pages) == v["pages"]
            for d in v["documents"]:
                for page in range(d["first_page"], d["last_page"] + 1):
                    label = labels[page - 1]
                    if d["seq"]:
                        number = d["archive_pages"][0] + page - d["first_page"]
                        assert label == str(number)
                        assert stamped_numbers(reader.pages[page - 1]) == [str(number)]
                    else:
                        assert label == {"cover": "封面", "contents": "目录", "remarks": "备考表"}[d["kind"]]


def test_photo_pages_have_binding_margin_caption_and_number_off_the_photo(built, tmp_path):
    from PIL import Image

    seen = 0
    for case, (folder, m) in manifests(built["out"]).items():
        for v in m["volumes"]:
            for d in v["documents"]:
                if d.get("attachment_type") not in ("入户照片", "公示照片"):
                    continue
                assert d.get("photo_page"), d
                page = d["first_page"]
                text = squash(text_of(folder / v["file"], page))
                assert f"题名：{squash(d['title'])}" in text and "日期：" in text
                subprocess.run(["pdftoppm", "-r", "50", "-png", "-f", str(page), "-l", str(page), "-singlefile",
                                str(folder / v["file"]), str(tmp_path / "p")], check=True)
                im = Image.open(tmp_path / "p.png").convert("L")
                W, H = im.size
                px = W / 210  # pixels per mm
                dark = [(x, y) for y in range(0, H, 2) for x in range(0, W, 2) if im.getpixel((x, y)) < 200]
                assert all(x > 25 * px for x, _ in dark), "something drawn in the 25 mm binding margin"
                photo = [(x, y) for x, y in dark if 24 * px < y < H - 42 * px]
                top_of_photo = min(y for _, y in photo)
                number = [(x, y) for x, y in dark if y < 20 * px]
                assert number and max(y for _, y in number) < top_of_photo, "page number not above the photo"
                seen += 1
    assert seen
