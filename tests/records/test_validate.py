"""dibao validate: every problem at once, named by file, field and fix; bad files don't stop the rest."""

import copy
import json

import pytest
from click.testing import CliRunner

from cli import main
from tests.support.records import make_id, record, write


@pytest.fixture
def ws(tmp_path):
    root = tmp_path / "ws"
    r = CliRunner().invoke(main, ["init", str(root), "--profile", "yueyang"])
    assert r.exit_code == 0, r.output
    return root


def run(ws, *args):
    return CliRunner().invoke(main, ["-w", str(ws), "validate", *args])


def test_valid_records_pass_with_one_line_summary(ws):
    write(ws / "households" / "a.json", record("A-1"))
    b = record("A-2")
    b["members"][0]["id_number"] = make_id("430621", "19650101", 77, True)
    b["members"][1]["id_number"] = make_id("430621", "19660202", 78, False)
    write(ws / "households" / "b.json", b)
    r = run(ws)
    assert r.exit_code == 0, r.output
    assert r.output.strip() == "检查了 2 户记录，全部通过。"


def test_each_problem_named_with_file_field_and_fix(ws):
    bad = record("B-1")
    bad["members"][0]["id_number"] = bad["members"][0]["id_number"][:17] + ("0" if bad["members"][0]["id_number"][17] != "0" else "1")
    bad["members"][1]["birth_date"] = "1972-08-06"          # ID says 1972-08-05
    bad["incomes"][0]["amount"] = "-100"
    bad["attachments"] = [{"type": "户口簿", "path": "scans/B-1/户口簿.jpg"}]
    write(ws / "households" / "bad.json", bad)
    write(ws / "households" / "notjson.json", "{ 这不是JSON")
    write(ws / "households" / "good.json", record("G-1", members=[
        {"name": "赵一", "sex": "男", "id_number": make_id("430621", "19800101", 3, True), "relation": "本人"}]))
    r = run(ws)
    out = r.output
    assert r.exit_code == 1
    assert "bad.json" in out and "notjson.json" in out
    assert "members[0].id_number" in out and "校验位不正确" in out
    assert "members[1].birth_date" in out and "不一致" in out
    assert "incomes[0].amount" in out and "不能小于 0" in out
    assert "attachments[0].path" in out and "不存在" in out
    assert "不是有效的 JSON" in out
    assert out.count("处理办法") >= 5
    assert "检查了 3 户记录：1 户通过，2 户有问题" in out
    assert "Traceback" not in out


def test_full_id_never_printed(ws):
    bad = record("C-1")
    bad["members"][0]["sex"] = "女"  # contradicts the ID
    write(ws / "households" / "c.json", bad)
    r = run(ws)
    assert r.exit_code == 1 and "性别" in r.output
    assert bad["members"][0]["id_number"] not in r.output


def test_cross_record_duplicates(ws):
    a = record("D-1")
    b = copy.deepcopy(a)
    write(ws / "households" / "a.json", a)
    write(ws / "households" / "b.json", b)
    r = run(ws, "--json")
    data = json.loads(r.output)
    msgs = [p["message"] for p in data["problems"]]
    assert r.exit_code == 1
    assert any("对象编号“D-1”" in m and "重复" in m for m in msgs)
    assert any("也出现在" in m for m in msgs)


def test_one_investigator_and_dates_out_of_order(ws):
    rec = record("E-1")
    rec["events"][1]["investigators"] = ["周平"]
    rec["events"][0]["accepted"] = "2023-02-01"
    rec["events"].append({"type": "审核公示", "date": "2023-03-20", "end": "2023-03-15"})
    write(ws / "households" / "e.json", rec)
    r = run(ws)
    assert r.exit_code == 1
    assert "不少于2名" in r.output and "早于申请日期" in r.output and "早于开始日期" in r.output


@pytest.mark.parametrize("content,fragment", [
    (b"\xef\xbb\xbf" + json.dumps(record("F-1"), ensure_ascii=False).encode(), None),  # BOM accepted
    ("张三".encode("gbk") + b"{}", "不是 UTF-8"),
    (b"", "空的"),
    (b"[1, 2]", "顶层应为一个对象"),
])
def test_file_level_problems(ws, content, fragment):
    write(ws / "households" / "f.json", content)
    r = run(ws)
    if fragment is None:
        assert r.exit_code == 0, r.output
    else:
        assert r.exit_code == 1 and fragment in r.output


def test_attachment_escaping_workspace(ws, tmp_path):
    outside = write(tmp_path / "outside.jpg", b"x")
    (ws / "scans" / "G-1").mkdir(parents=True)
    (ws / "scans" / "G-1" / "link.jpg").symlink_to(outside)
    rec = record("G-1", attachments=[
        {"type": "户口簿", "path": "../outside.jpg"},
        {"type": "身份证", "path": str(outside)},
        {"type": "残疾证", "path": "scans/G-1/link.jpg"},
    ])
    write(ws / "households" / "g.json", rec)
    r = run(ws)
    assert r.exit_code == 1
    assert "含有“..”" in r.output and "绝对路径" in r.output and "工作区之外的链接" in r.output


def test_unknown_field_and_wrong_type(ws):
    rec = record("H-1", colour="red")
    rec["members"][0]["covered"] = "是"
    write(ws / "households" / "h.json", rec)
    r = run(ws)
    assert r.exit_code == 1
    assert "未知字段“colour”" in r.output and "members[0].covered" in r.output


def test_not_a_workspace(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    r = CliRunner().invoke(main, ["validate"])
    assert r.exit_code == 4 and "不是 dibao 工作区" in r.output


def test_schema_command(tmp_path):
    r = CliRunner().invoke(main, ["schema"])
    assert r.exit_code == 0
    s = json.loads(r.output)
    assert s["properties"]["case_no"]["title"] == "对象编号"
    assert "members" in s["required"]


def test_event_date_messages_use_the_field_title(ws):
    rec = record("J-1")
    rec["events"].append({"type": "审核公示", "date": "2023-03-20", "end": "2099-01-01"})
    write(ws / "households" / "j.json", rec)
    r = run(ws)
    assert r.exit_code == 1
    assert "审核公示的公示结束日期 2099-01-01 在今天之后" in r.output
