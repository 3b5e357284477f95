"""The audit engine on hand-made households: every kind of gap, closing gaps, time rules, inspector checks."""

import datetime as dt
import json

import pytest

from archive.audit import audit_workspace, missing_for
from archive.audit.run import worklist_key
from archive.records.model import Household
from tests.support.audit import AS_OF, add_scans, complete_record, complete_workspace, id_number, write_record


def audit(ws, **kw):
    return audit_workspace(ws, as_of=kw.pop("as_of", AS_OF), **kw)


def gaps_of(result, case_no="YA-001"):
    h = next(h for h in result.households if h.case_no == case_no)
    return h.gaps


def keyed(gaps):
    return {(g.kind, g.rule, g.subject) for g in gaps}


@pytest.fixture
def ws1(tmp_path):
    ws, recs = complete_workspace(tmp_path / "ws")
    return ws, recs[0]


def test_complete_household_has_no_gap(ws1):
    ws, _rec = ws1
    r = audit(ws)
    assert r.clean and r.gaps == [] and r.households[0].complete


def test_each_kind_of_gap(ws1):
    ws, rec = ws1
    scans = ws.scans_dir / rec["case_no"]
    (scans / "签字表_fenxi-04.pdf").unlink()                      # 待签字归档
    (scans / "入户照片_2024_3.jpg").unlink()                      # 缺照片 (of the 2024 visit e2)
    (scans / "户口簿.jpg").unlink()                               # 缺扫描件
    wife = rec["members"][1]
    del wife["id_number"]                                         # 缺数据
    wife["birth_date"] = "1968-05-12"
    rec["events"] = [e for e in rec["events"] if e["type"] != "定期核查"]   # 缺表 (no 2025 review)
    (scans / "签字表_fenxi-12_2025.pdf").unlink()
    rec["events"][1]["investigators"] = ["郭建平"]                 # 缺数据 (one investigator)
    rec["members"][0]["disability"] = {"category": "肢体", "grade": "二级"}   # 残疾证 needed
    rec["expenses"] = [{"year": 2025, "kind": "重病", "member": rec["members"][0]["name"], "amount": "8000"}]
    write_record(ws, rec)
    head = rec["members"][0]["name"]
    got = keyed(gaps_of(audit(ws)))
    assert got == {
        ("待签字归档", "入户调查表", "e2"),
        ("缺照片", "入户照片", "e2"),
        ("缺扫描件", "户口簿", ""),
        ("缺数据", "身份证号", wife["name"]),
        ("缺表", "年审表", "2025"),
        ("缺数据", "入户调查人员", "e2"),
        ("缺扫描件", "残疾证", head),
        ("缺扫描件", "重病支出佐证", f"2025{head}"),
    }


def test_gaps_carry_reason_source_and_fix(ws1):
    ws, rec = ws1
    (ws.scans_dir / rec["case_no"] / f"身份证_{rec['members'][1]['name']}.jpg").unlink()
    g = audit(ws).households[0].gaps[0]
    assert g.what == f"身份证复印件（{rec['members'][1]['name']}）" and g.category == "审批类"
    assert g.source and "身份证_" in g.fix and rec["members"][1]["name"] in g.why


def test_conditional_documents(ws1):
    ws, rec = ws1
    rec["events"][0]["is_official_relative"] = True                # 备案表 + 备案信息
    rec["events"][2].update(objection=True, objection_content="反映有车")   # 再次调查表: no 再次调查 event
    rec["events"].append({"id": "e9", "type": "变更", "date": "2025-06-10", "reason": "提标",
                          "before": {"covered_count": 2}, "after": {"covered_count": 2,
                                                                     "amounts": {"basic": "600.00"}}})
    write_record(ws, rec)
    got = keyed(gaps_of(audit(ws)))
    assert ("待签字归档", "近亲属备案表", "") in got
    assert ("缺数据", "近亲属备案信息", "") in got
    assert ("缺表", "再次调查表", "e3") in got
    assert ("待签字归档", "变更确认表", "e9") in got


def test_tekun_dispersed_needs_care_agreement_and_caregiver(ws1):
    ws, rec = ws1
    rec["type"] = "特困"
    rec["members"] = rec["members"][:1]
    rec["extreme_poverty"] = {"care_mode": "分散供养", "self_care": "半护理"}
    rec.pop("payments")
    write_record(ws, rec)
    got = keyed(gaps_of(audit(ws)))
    assert ("缺扫描件", "照料护理协议", "") in got and ("缺数据", "照料护理人", "") in got


def test_adding_the_scan_and_the_field_closes_the_gaps(ws1):
    ws, rec = ws1
    wife = rec["members"][1]
    (ws.scans_dir / rec["case_no"] / f"身份证_{wife['name']}.jpg").unlink()
    saved_id = wife.pop("id_number")
    wife["birth_date"] = "1968-05-12"
    path = write_record(ws, rec)
    before = keyed(gaps_of(audit(ws)))
    assert before == {("缺扫描件", "身份证", wife["name"]), ("缺数据", "身份证号", wife["name"])}
    hh = Household.model_validate_json(path.read_bytes())
    assert missing_for(hh, ws, as_of=AS_OF) == [f"身份证复印件（{wife['name']}）（缺扫描件）", f"身份证号（{wife['name']}）（缺数据）"]
    add_scans(ws, rec, [f"身份证_{wife['name']}.jpg"])
    assert keyed(gaps_of(audit(ws))) == {("缺数据", "身份证号", wife["name"])}
    wife["id_number"] = saved_id
    write_record(ws, rec)
    r = audit(ws)
    assert r.clean and gaps_of(r) == []


def test_signed_scan_without_its_event_asks_for_the_record(ws1):
    ws, rec = ws1
    rec["events"] = [e for e in rec["events"] if e["type"] != "定期核查"]
    write_record(ws, rec)
    got = gaps_of(audit(ws))
    assert keyed(got) == {("缺数据", "年审表", "2025")} and "录入记录" in got[0].fix


def test_signed_scan_with_event_or_year_qualifier(ws1):
    ws, rec = ws1
    folder = ws.scans_dir / rec["case_no"]
    (folder / "签字表_fenxi-12_2025.pdf").rename(folder / "签字表_fenxi-12_e6.pdf")
    assert audit(ws).clean
    (folder / "签字表_fenxi-12_e6.pdf").rename(folder / "签字表_fenxi-12_2024.pdf")   # wrong year
    assert keyed(gaps_of(audit(ws))) == {("待签字归档", "年审表", "2025")}


def test_annual_review_due_only_after_the_year(ws1):
    ws, rec = ws1
    assert audit(ws, as_of=dt.date(2026, 11, 30)).clean           # 2026 not over: not yet required
    r = audit(ws, as_of=dt.date(2027, 1, 5))
    got = keyed(gaps_of(r))
    assert ("缺表", "年审表", "2026") in got and ("缺数据", "发放记录", "2026") in got   # photos go with visits
    assert ("缺扫描件", "核对报告", "2026") in got


# ---------------------------------------------------------------- time rules in working days

def refusal_record(decided: str, notified: str) -> dict:
    rec = complete_record("YA-009", seq=9)
    rec.pop("since")
    rec.pop("payments")
    rec["events"] = [
        {"id": "e1", "type": "申请", "date": "2024-01-22", "accepted": "2024-01-22", "applicant": "王大山9",
         "program": "农村最低生活保障", "reason": "困难"},
        {"id": "e2", "type": "入户调查", "date": "2024-01-30", "investigators": ["郭建平", "王丽萍"], "household_rep": "王大山9"},
        {"id": "e3", "type": "不予批准", "date": decided, "reason_kind": "收入超标", "notified": notified, "recipient": "王大山9"},
    ]
    return rec


@pytest.mark.parametrize("notified, late", [("2024-02-19", False), ("2024-02-20", True)])
def test_refusal_notice_across_spring_festival(tmp_path, notified, late):
    """Decided Thu 2024-02-08; 02-09, Sunday 02-18 (make-up day) and 02-19 are the 3 working days.

    Counting Monday-Friday only, 02-19 would be the 7th working day and wrongly late."""
    ws, _ = complete_workspace(tmp_path / "ws", n=0)
    rec = refusal_record("2024-02-08", notified)
    write_record(ws, rec)
    add_scans(ws, rec, ["户口簿.jpg", "身份证_{head}.jpg", "身份证_{wife}.jpg", "入户照片_2024_1.jpg",
                        "入户照片_2024_2.jpg", "入户照片_2024_3.jpg", "核对报告_2024.pdf"])
    r = audit(ws, kinds=("超时限",))
    got = gaps_of(r, "YA-009")
    assert [(g.rule, g.subject) for g in got] == ([("不予批准告知时限", "e3")] if late else [])
    if late:
        assert "用了 4 个工作日" in got[0].why and "2024-02-19" in got[0].why


@pytest.mark.parametrize("decided, late", [("2025-03-04", False), ("2025-03-05", True)])
def test_review_deadline_across_spring_festival_2025(ws1, decided, late):
    """Accepted Wed 2025-01-15: the 30th working day is 2025-03-04 (holiday 01-28..02-04, make-up 01-26, 02-08);
    Monday-Friday counting would have ended on 2025-02-26."""
    ws, rec = ws1
    rec["events"][0].update(date="2025-01-15", accepted="2025-01-15")
    rec["events"][1]["date"] = "2025-01-20"
    rec["events"][2].update(date="2025-02-10", end="2025-02-16")
    rec["events"][3].update(date=decided, start_month="2025-04")
    rec["events"][4].update(date="2025-03-10", end="2025-03-16")
    rec["events"] = [e for e in rec["events"] if e["type"] != "定期核查"]
    rec["since"] = decided
    rec["payments"] = [p for p in rec["payments"] if p["month"] >= "2025-04"]
    write_record(ws, rec)
    got = [(g.rule, g.subject, g.event) for g in gaps_of(audit(ws, kinds=("超时限",)))]
    assert got == ([("审核确认时限", "e1", "e4")] if late else [])


def test_short_publicity_and_pending_review(ws1):
    ws, rec = ws1
    rec["events"][2]["end"] = "2024-03-05"                       # 5 days, fenxi wants 7
    write_record(ws, rec)
    g = [g for g in gaps_of(audit(ws)) if g.kind == "超时限"]
    assert [(x.rule, x.subject) for x in g] == [("公示期", "e3")] and "只有 5天" in g[0].why
    rec["events"] = rec["events"][:3]                            # no decision yet
    rec.pop("since")
    rec.pop("payments")
    rec["events"][2]["end"] = "2024-03-07"
    write_record(ws, rec)
    g = [g for g in gaps_of(audit(ws)) if g.kind == "超时限"]
    assert [(x.rule, x.subject) for x in g] == [("审核确认时限", "e1")] and "仍未审核确认" in g[0].why
    assert audit(ws, as_of=dt.date(2024, 3, 1), kinds=("超时限",)).gaps == []


# ---------------------------------------------------------------- inspector checks

def test_inspector_flags(tmp_path):
    ws, recs = complete_workspace(tmp_path / "ws", n=3)
    a, b, c = recs
    b["members"].append({"name": "顶替者", "sex": "女", "id_number": a["members"][1]["id_number"], "relation": "女"})
    write_record(ws, b)                                           # one ID number in two households
    c["members"][1]["death_date"] = "2025-03-01"                 # died, still covered
    c["payments"][15]["amount"] = "500.00"                       # 2025-07 paid 500 against 600
    c["payments"][16]["amount"] = "500.00"
    write_record(ws, c)
    a["incomes"].append({"year": 2025, "category": "工资性收入", "item": "外出务工", "amount": "36000"})
    write_record(ws, a)                                          # 2025 income over the standard
    r = audit(ws)
    flags = {h.case_no: [(f.kind, f.subject) for f in h.flags] for h in r.households}
    wife_a = a["members"][1]["name"]
    assert flags["YA-001"] == [("应退尽退", "2025"), ("身份证重复", wife_a)]
    # the added member changes the family size, so the approved 600.00 no longer matches: (6300 − 5400 ÷ 3) ÷ 12
    # = 375.00 × 2 covered (the decision's count) = 750.00
    assert flags["YA-002"] == [("补差金额不符", "e4"), ("身份证重复", "顶替者")]
    assert flags["YA-003"] == [("死亡未减员", c["members"][1]["name"]), ("发放金额不符", "2025-07..2025-08")]
    detail = next(f.detail for h in r.households for f in h.flags if f.kind == "身份证重复")
    assert a["members"][1]["id_number"] not in detail and "*" in detail
    assert not r.clean and [g.what for g in r.gaps] == ["身份证复印件（顶替者）"]
    c["members"][1]["covered"] = False                           # reduced, but the decision still counts 2
    write_record(ws, c)
    r = audit(ws)
    h3 = next(h for h in r.households if h.case_no == "YA-003")
    assert [f.kind for f in h3.flags] == ["死亡未减员", "发放金额不符"] and "在世成员 1 人" in h3.flags[0].detail


def test_unreadable_record_is_reported_not_fatal(ws1):
    ws, rec = ws1
    (ws.households_dir / "坏记录.json").write_text('{"case_no": "X", ', encoding="utf-8")
    r = audit(ws)
    assert len(r.households) == 1 and len(r.unreadable) == 1 and not r.clean
    assert r.unreadable[0].flags[0].kind == "记录无法读取"


def test_worklist_order_village_group_case(tmp_path):
    ws, _ = complete_workspace(tmp_path / "ws", n=0)
    for case, village, group in (("YA-10", "西关村", "10组"), ("YA-2", "东关村", "2组"), ("YA-9", "西关村", "2组"),
                                 ("YA-11", "西关村", "2组"), ("YA-1", "东关村", "")):
        write_record(ws, complete_record(case, village=village, group=group, seq=int(case[3:])))
    r = audit(ws)
    assert [h.case_no for h in r.households] == ["YA-2", "YA-1", "YA-9", "YA-11", "YA-10"]
    assert r.households == sorted(r.households, key=worklist_key)
    only = audit(ws, village="西关村")
    assert {h.village for h in only.households} == {"西关村"} and only.villages == ["东关村", "西关村"]


def test_parallel_and_serial_agree(tmp_path):
    ws, recs = complete_workspace(tmp_path / "ws", n=6)
    for rec in recs[::2]:
        (ws.scans_dir / rec["case_no"] / "户口簿.jpg").unlink()
    paths = ws.record_paths()
    serial = audit(ws, jobs=1)
    from archive.audit import run as runmod

    old = runmod.PARALLEL_FROM
    runmod.PARALLEL_FROM = 1
    try:
        parallel = audit(ws, jobs=2)
    finally:
        runmod.PARALLEL_FROM = old
    assert [h.as_dict() for h in serial.households] == [h.as_dict() for h in parallel.households]
    assert len(paths) == 6 and serial.missing_count == 3


def test_json_is_serialisable(ws1):
    from archive.audit.report import as_json

    ws, rec = ws1
    (ws.scans_dir / rec["case_no"] / "户口簿.jpg").unlink()
    data = json.loads(json.dumps(as_json(audit(ws)), ensure_ascii=False))
    assert data["summary"]["total"]["by_kind"]["缺扫描件"] == 1 and data["clean"] is False
    assert data["households"][0]["gaps"][0]["key"] == "户口簿|"
