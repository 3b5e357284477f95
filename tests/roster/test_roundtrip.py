"""Export -> import -> export gives the same cells; a second import updates instead of adding;
--dry-run writes nothing; the template; each import is in the journal; .xls through LibreOffice."""

from __future__ import annotations

import json
import shutil
import subprocess

import openpyxl
import pytest

from archive import journal


def _cells(path):
    import python_calamine as pc

    return pc.CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python()


def _roster(R, tmp_path, name="台账.xlsx", village="东关村"):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["对象编号", "村（社区）", "组", "保障类别", "姓名", "与户主关系", "身份证号", "出生日期", "性别",
               "月保障金", "开户银行", "银行卡号", "联系电话", "享受时间", "是否保障对象", "保障人数"])
    ws.append(["YA-2023-0007", village, "2组", "农村低保", "张建国", "本人", R.id("141029", "19650304", 12, True),
               None, "男", 650, "汾西农商行", "6221000011112222", "13800000000", "2023-03-01", "是", 2])
    ws.append(["YA-2023-0007", village, "2组", "农村低保", "李秀兰", "配偶", R.id("141029", "19680505", 13, False),
               None, None, None, None, None, None, None, "是", 2])
    ws.append(["YA-2023-0007", village, "2组", "农村低保", "张小军", "子", None, "2015-06-01", "男",
               None, None, None, None, None, "否", 2])
    ws.append([None, "西关村", None, "特困", "王桂英", "本人", R.id("141029", "19450101", 21, False),
               None, None, "1,020.50元", None, None, None, "2021年5月1日", "是", 1])
    src = tmp_path / name
    wb.save(src)
    return src


def test_export_import_export_same_cells(roster, tmp_path):
    from archive.workspace import init_workspace

    R = roster
    res = R.run("import", str(_roster(R, tmp_path)))
    assert res.exit_code == 0, res.output
    e1 = tmp_path / "花名册1.xlsx"
    assert R.run("export", str(e1)).exit_code == 0
    ws2 = init_workspace(tmp_path / "ws2", "fenxi")
    R2 = type(R)(ws2)
    res = R2.run("import", str(e1))
    assert res.exit_code == 0, res.output
    e2 = tmp_path / "花名册2.xlsx"
    assert R2.run("export", str(e2)).exit_code == 0
    assert _cells(e1) == _cells(e2)
    assert R.records().keys() == R2.records().keys() == {"YA-2023-0007", "YA-2021-0001"}
    # the export's form: ID and card as text, frozen header, filter, landscape, title rows repeated
    ws = openpyxl.load_workbook(e1)["花名册"]
    hdr = [c.value for c in ws[2]]
    idcol = hdr.index("身份证号") + 1
    assert ws.cell(row=3, column=idcol).data_type == "s" and ws.cell(row=3, column=idcol).number_format == "@"
    assert ws.cell(row=3, column=hdr.index("银行卡号") + 1).value == "6221000011112222"
    assert ws.freeze_panes == "C3" and ws.auto_filter.ref.startswith("A2:")
    assert ws.page_setup.orientation == "landscape" and ws.print_title_rows == "$1:$2"
    assert ws.column_dimensions["M"].width > 15
    # export filters
    e3 = tmp_path / "特困.xlsx"
    assert R.run("export", str(e3), "--type", "特困").exit_code == 0
    names = [r[8] for r in _cells(e3)[2:]]
    assert names == ["王桂英"]
    e4 = tmp_path / "东关村.xlsx"
    assert R.run("export", str(e4), "--village", "东关村").exit_code == 0
    assert [r[8] for r in _cells(e4)[2:]] == ["张建国", "李秀兰", "张小军"]


def test_second_import_updates_keeps_other_fields_and_journals(roster, tmp_path):
    R = roster
    assert R.run("import", str(_roster(R, tmp_path))).exit_code == 0
    hh = R.records()["YA-2023-0007"]
    path = next(p for p in R.ws.record_paths() if p.stem == "YA-2023-0007")
    rec = json.loads(path.read_text("utf-8"))
    rec["events"] = [{"type": "申请", "date": "2023-02-01", "applicant": "张建国", "program": "农村最低生活保障",
                      "reason": "因病"}]
    rec["members"][0]["education"] = "小学"
    path.write_text(json.dumps(rec, ensure_ascii=False), "utf-8")
    before = {p: p.read_bytes() for p in R.ws.record_paths()}
    src2 = _roster(R, tmp_path, "台账2.xlsx", village="团柏村")
    res = R.run("import", str(src2), "--dry-run")
    assert res.exit_code == 0, res.output
    assert "更新 YA-2023-0007 张建国：村（社区）" in res.output and "将更新 1 户" in res.output
    assert {p: p.read_bytes() for p in R.ws.record_paths()} == before
    res = R.run("import", str(src2))
    assert res.exit_code == 0, res.output
    recs = R.records()
    assert len(recs) == 2            # updated, not duplicated (the 特困 household matched by its head's ID)
    new = recs["YA-2023-0007"]
    assert new.village == "团柏村" and new.events[0].type == "申请" and new.members[0].education == "小学"
    assert hh.members[2].covered is False and new.members[2].covered is False
    # a person already in another household of the workspace is named, not moved
    moved = openpyxl.Workbook()
    ws = moved.active
    ws.append(["村", "姓名", "关系", "身份证号", "类别"])
    ws.append(["石门村", "新户主", "本人", R.id("141029", "19700101", 77, True), "农村低保"])
    ws.append(["石门村", "李秀兰", "妻", R.id("141029", "19680505", 13, False), "农村低保"])
    moved.save(tmp_path / "迁.xlsx")
    res = R.run("import", str(tmp_path / "迁.xlsx"))
    assert res.exit_code == 1 and "第3行：此人已在工作区的另一户（对象编号YA-2023-0007）中" in res.output, res.output
    assert len(R.records()) == 2
    entries, broken = journal.read(R.ws.state_dir)
    assert broken is None
    imports = [e for e in entries if e.action == "import"]
    assert [e.detail["file"] for e in imports] == ["台账.xlsx", "台账2.xlsx", "迁.xlsx"]
    assert imports[0].detail["added"] == 2 and imports[1].detail["updated"] == 1 and imports[1].detail["unchanged"] == 1


def test_template_has_dropdowns_text_ids_and_instructions(roster, tmp_path):
    out = tmp_path / "台账模板.xlsx"
    res = roster.run("export", "--template", str(out))
    assert res.exit_code == 0, res.output
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == ["花名册", "填表说明"]
    ws = wb["花名册"]
    hdr = [c.value for c in ws[2]]
    lists = {}
    for dv in ws.data_validations.dataValidation:
        col = str(dv.sqref).split(":")[0].rstrip("0123456789")
        lists[hdr[openpyxl.utils.column_index_from_string(col) - 1]] = dv.formula1
    assert "农村低保" in lists["保障类别"] and "特困" in lists["保障类别"]
    assert "本人" in lists["与户主关系"] and lists["性别"] == '"男,女"'
    letter = openpyxl.utils.get_column_letter
    for name in ("身份证号", "户主身份证号", "银行卡号"):   # whole columns typed as text
        assert ws.column_dimensions[letter(hdr.index(name) + 1)].number_format == "@"
    assert ws.column_dimensions[letter(hdr.index("姓名") + 1)].number_format == "General"
    assert "15位有效数字" in "".join(str(c.value) for row in wb["填表说明"].iter_rows() for c in row)
    # an empty template imports as nothing, without errors
    res = roster.run("import", str(out))
    assert res.exit_code == 0 and "共 0 户" in res.output


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice not installed")
def test_xls_from_libreoffice_imports_like_xlsx(roster, tmp_path):
    R = roster
    src = _roster(R, tmp_path)
    bad = openpyxl.load_workbook(src)
    bad.active["G3"] = R.bad_check(bad.active["G3"].value)   # the 配偶's ID: bad check digit
    bad.active["H2"] = "2023.2.29"                             # 出生日期 that does not exist
    bad.active.append([None, "西关村", None, "特困", "旧户", "本人", "已注销", None, None, 1])   # 6: hidden, skipped
    bad.active.row_dimensions[6].hidden = True
    bad.active["B4"] = "=\"东\"&\"关村\""                     # a formula: its cached value counts
    bad.save(src)
    out = tmp_path / "xls"
    subprocess.run(["soffice", f"-env:UserInstallation=file://{tmp_path}/lo", "--headless", "--convert-to", "xls",
                    "--outdir", str(out), str(src)], check=True, capture_output=True, timeout=180)
    xls = out / "台账.xls"
    assert xls.read_bytes()[:8] == bytes.fromhex("d0cf11e0a1b11ae1")   # a real BIFF/OLE2 file
    res = R.run("import", str(xls))
    assert res.exit_code == 1, res.output
    msgs, red = R.check_results(out / "台账.检查结果.xlsx")
    assert set(msgs) == {2, 3}, msgs
    assert "出生日期“2023.2.29”不存在" in msgs[2] and "校验位不正确" in msgs[3]
    assert (3, 7) in red
    recs = R.records()
    assert list(recs) == ["YA-2021-0001"] and str(recs["YA-2021-0001"].monthly_amount) == "1020.50"
    et = out / "台账.et"               # WPS's .et: the same compound-file workbook, read by content
    shutil.copy(xls, et)
    res = R.run("import", str(et), "--dry-run")
    assert res.exit_code == 1 and "第3行" in res.output and "第2行" in res.output, res.output
    assert "1 户没有变化" in res.output, res.output
