"""`dibao audit` through click: exit codes, JSON, Excel sheets and rows, PDF, filters, user errors."""

import json

import openpyxl
import pypdf
import pytest
from click.testing import CliRunner

from cli import main
from tests.support.audit import AS_OF, add_notice_photos, complete_record, complete_workspace, write_record


def run(ws, *args):
    return CliRunner().invoke(main, ["--workspace", str(ws.root), "audit", "--date", AS_OF.isoformat(), *args])


@pytest.fixture
def ws3(tmp_path):
    ws, recs = complete_workspace(tmp_path / "ws", n=3)
    a, b, c = recs
    c["village"] = "西关村"                                   # a second village
    write_record(ws, c)
    add_notice_photos(ws, c)                                  # its notices hang in its own village
    (ws.households_dir / "东关村" / "YA-003.json").unlink()
    (ws.scans_dir / "YA-001" / "户口簿.jpg").unlink()
    (ws.scans_dir / "YA-001" / "签字表_fenxi-09.pdf").unlink()
    c["payments"][3]["amount"] = "1.00"
    write_record(ws, c)
    return ws


def test_clean_workspace_exits_0(tmp_path):
    ws, _ = complete_workspace(tmp_path / "ws", n=2)
    res = run(ws)
    assert res.exit_code == 0, res.output
    assert "资料齐全 2 户（完成率 100.0%）" in res.output


def test_gaps_exit_1_and_text_report(ws3):
    res = run(ws3)
    assert res.exit_code == 1
    out = res.output
    assert "【永安镇 东关村】2 户，齐全 1 户（50.0%）" in out
    assert "[缺扫描件] 户口簿复印件（审批类）" in out and "[待签字归档] 最低生活保障审核确认表" in out
    assert "※ [发放金额不符]" in out
    detail = run(ws3, "--detail").output
    assert "依据：" in detail and "怎么补：" in detail


def test_large_workspace_lists_villages_only_unless_all(ws3, monkeypatch):
    import archive.audit.report as report

    monkeypatch.setattr(report, "SCREEN_LIMIT", 2)
    res = run(ws3)
    assert "【永安镇 东关村】" in res.output and "YA-001" not in res.output and "--all" in res.output
    assert "YA-001" in run(ws3, "--all").output
    assert "YA-003" in run(ws3, "--village", "西关村").output


def test_kind_and_village_filters(ws3):
    res = run(ws3, "--kind", "缺扫描件", "--json")
    data = json.loads(res.output)
    kinds = {g["kind"] for h in data["households"] for g in h["gaps"]}
    assert kinds == {"缺扫描件"} and data["filters"]["kinds"] == ["缺扫描件"]
    res = run(ws3, "--village", "西关村", "--json")
    data = json.loads(res.output)
    assert [h["case_no"] for h in data["households"]] == ["YA-003"] and res.exit_code == 1
    assert data["households"][0]["flags"][0]["kind"] == "发放金额不符"
    res = run(ws3, "--village", "不存在村")
    assert res.exit_code == 3 and "东关村、西关村" in res.output


def test_json_summary(ws3):
    data = json.loads(run(ws3, "--json").output)
    total = data["summary"]["total"]
    assert (total["households"], total["complete"], total["missing"]) == (3, 2, 2)
    assert total["by_kind"]["缺扫描件"] == 1 and total["by_kind"]["待签字归档"] == 1
    assert total["flags"]["发放金额不符"] == 1
    assert [v["name"] for v in data["summary"]["villages"]] == ["东关村", "西关村"]
    assert data["as_of"] == AS_OF.isoformat() and data["clean"] is False


def test_xlsx_has_summary_and_one_sheet_per_village(ws3, tmp_path):
    dest = tmp_path / "out" / "审计.xlsx"
    res = run(ws3, "--xlsx", str(dest))
    assert res.exit_code == 1 and dest.is_file() and "已写出 Excel" in res.output
    wb = openpyxl.load_workbook(dest)
    assert wb.sheetnames == ["汇总", "东关村", "西关村"]
    rows = list(wb["汇总"].iter_rows(values_only=True))
    header = rows[2]
    assert header[:7] == ("乡镇（街道）", "村（社区）", "户数", "资料齐全户数", "缺件户数", "完成率", "缺件项数")
    body = {r[1]: r for r in rows[3:] if r[1]}
    assert body["东关村"][2:7] == (2, 1, 1, 0.5, 2)
    assert body["西关村"][2:7] == (1, 1, 0, 1.0, 0)
    assert body["合计"][2:4] == (3, 2)
    flag_col = header.index("核查提示：发放金额不符")
    assert body["西关村"][flag_col] == 1
    east = list(wb["东关村"].iter_rows(values_only=True))
    assert east[0][:7] == ("序号", "组", "对象编号", "户主", "对象类型", "缺件种类", "缺什么")
    assert [(r[2], r[5]) for r in east[1:]] == [("YA-001", "待签字归档"), ("YA-001", "缺扫描件"), ("YA-002", "—")]
    west = list(wb["西关村"].iter_rows(values_only=True))
    assert [(r[2], r[5]) for r in west[1:]] == [("YA-003", "核查提示：发放金额不符")]


def test_pdf_report(ws3, tmp_path):
    dest = tmp_path / "审计.pdf"
    res = run(ws3, "--pdf", str(dest))
    assert res.exit_code == 1 and "已写出 PDF" in res.output
    reader = pypdf.PdfReader(dest)
    text = "".join(p.extract_text() for p in reader.pages).replace("\x00", "")
    text = "".join(text.split())
    assert len(reader.pages) >= 3
    assert "低保档案审计报告" in text and "户口簿复印件" in text and "发放金额不符" in text
    from archive import pdfa

    assert pdfa.check(dest) == []          # PDF/A-2b like every PDF dibao writes


def test_user_errors_are_chinese(ws3, tmp_path):
    res = run(ws3, "--date", "2026-13-01")
    assert res.exit_code == 3 and "年-月-日" in res.output
    bad = tmp_path / "坏规则.toml"
    bad.write_text('[[rule]]\nid = "x"\nkind = "scan"\nwhat = "户口簿"\nwhen = "sometimes"\n', encoding="utf-8")
    res = run(ws3, "--rules", str(bad))
    assert res.exit_code == 4 and "坏规则.toml" in res.output and "sometimes" in res.output
    assert "Traceback" not in res.output


def test_unwritable_output(ws3, tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    res = run(ws3, "--xlsx", str(blocker / "a.xlsx"))
    assert res.exit_code == 8 and "not-a-folder" in res.output and "Traceback" not in res.output
