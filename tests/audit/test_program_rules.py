"""The rule sets the seeds ask for beyond the approval papers, each on the complete fenxi household
(tests.support.audit: approved 2024-03-20 from 2024-04, visits 2024-02-20 (e2) and 2025-05-10 (e6),
publicity e3 2024-03-01..07 and e5 2024-03-22..28, paid 2024-04..2025-12, audited 2026-01-15):

    photos per visit       000 二(三)第二阶段1 (3-5 张照片 at each visit)
    公示照片 per notice     002 四(二)4
    财务类                  bank account (data and copy), a payment record every month in care (003 §三(四))
    half-yearly re-check   003 §三(三) (收入来源不固定、家庭成员有劳动能力和劳动条件 → 每半年复核一次)
    续保登记 each quarter   000 二(二) (ezhou rules)
"""

import datetime as dt

from archive.audit import audit_workspace
from archive.audit.rules import load_rules, packaged_rules_path
from tests.support.audit import AS_OF, complete_workspace, write_record


def gaps(ws, rule=None, as_of=AS_OF, rules=None):
    r = audit_workspace(ws, as_of=as_of, rules_path=rules) if rules else audit_workspace(ws, as_of=as_of)
    return [g for h in r.households for g in h.gaps if rule is None or g.rule == rule]


def test_photos_are_counted_per_visit(tmp_path):
    """A second 2025 visit (2025-11-20): the three 入户照片_2025_n.jpg cannot be told apart → both 2025
    visits lack photos; named by date (3 for 2025-05-10, 3 for 2025-11-20) each visit has its 3."""
    ws, (rec,) = complete_workspace(tmp_path / "ws")
    rec["events"].append({"id": "e7", "type": "定期核查", "date": "2025-11-20", "investigators": ["郭建平", "王丽萍"],
                          "situation": "无变化。", "conclusion": "继续保障。"})
    write_record(ws, rec)
    got = gaps(ws, "入户照片")
    assert sorted((g.kind, g.subject) for g in got) == [("缺照片", "e6"), ("缺照片", "e7")]
    assert "只写了年份" in got[0].why and "000 二(三)" in got[0].source
    folder = ws.scans_dir / rec["case_no"]
    for k in (1, 2, 3):
        (folder / f"入户照片_2025_{k}.jpg").rename(folder / f"入户照片_20250510_{k}.jpg")
    assert [g.subject for g in gaps(ws, "入户照片")] == ["e7"]          # 2025-05-10 has its 3 now
    for k in (1, 2):
        (folder / f"入户照片_20251120_{k}.jpg").write_bytes(b"\xff\xd8\xff\xe0 photo")
    got = gaps(ws, "入户照片")
    assert [(g.subject, g.why) for g in got] == [("e7", "有定期核查 2025-11-20；现有 2 张，应 3—5 张")]
    (folder / "入户照片_20251120_3.jpg").write_bytes(b"\xff\xd8\xff\xe0 photo")
    assert gaps(ws, "入户照片") == []


def test_notice_photo_per_publicity(tmp_path):
    """The village photo of 确认公示 (2024-03-22) removed → 缺照片 for e5 only; a photo dated inside
    the notice's days (2024-03-25) counts for it again."""
    ws, (rec,) = complete_workspace(tmp_path / "ws")
    village = ws.scans_dir / "村级" / rec["village"]
    (village / "公示照片_2024-03-22_1.jpg").unlink()
    got = gaps(ws, "公示照片")
    assert [(g.kind, g.subject, g.category) for g in got] == [("缺照片", "e5", "审批类")]
    assert "公示照片" in got[0].source and "002 四(二)4" in got[0].source
    (village / "公示照片_2024-03-25_1.jpg").write_bytes(b"\xff\xd8\xff\xe0 photo")
    assert gaps(ws, "公示照片") == []


def test_finance_papers(tmp_path):
    """财务类: no bank account → 缺数据 发放账户; no 银行卡.jpg → 缺扫描件; 2025-03 and 2025-04 not paid
    → 缺数据 发放记录 2025 naming 3月、4月; no 发放花名册_2024.pdf → 缺扫描件 for 2024 (paid from 2024-04).
    A refused household (never in care) is asked for none."""
    ws, (rec,) = complete_workspace(tmp_path / "ws")
    del rec["bank_account"]
    rec["payments"] = [p for p in rec["payments"] if p["month"] not in ("2025-03", "2025-04")]
    write_record(ws, rec)
    (ws.scans_dir / rec["case_no"] / "银行卡.jpg").unlink()
    (ws.scans_dir / rec["case_no"] / "发放花名册_2024.pdf").unlink()
    got = {(g.rule, g.kind, g.subject): g for g in gaps(ws) if g.category == "财务类"}
    assert set(got) == {("发放账户", "缺数据", ""), ("银行卡复印件", "缺扫描件", ""), ("发放记录", "缺数据", "2025"),
                        ("发放花名册", "缺扫描件", "2024")}
    assert "3月、4月 没有发放记录（2 个月）" in got[("发放记录", "缺数据", "2025")].why
    assert "次月开始享受" in got[("发放记录", "缺数据", "2025")].source

    rec["events"] = [e for e in rec["events"] if e["type"] in ("申请", "入户调查")]
    rec["events"].append({"id": "e9", "type": "不予批准", "date": "2024-03-05", "reason_kind": "收入超标",
                          "notified": "2024-03-06", "recipient": rec["members"][0]["name"]})
    rec["payments"] = []
    write_record(ws, rec)
    assert [g for g in gaps(ws) if g.category == "财务类"] == []


def test_half_yearly_recheck_for_unstable_income(tmp_path):
    """打零工 income and the head able to work (003 §三(三)): approved 2024-03-20 (first half), so the
    halves 2024H2, 2025H1, 2025H2 are due by 2026-01-15; visits: 2025-05-10 only → 2024H2 and 2025H2.
    Without anyone able to work the rule does not apply."""
    ws, (rec,) = complete_workspace(tmp_path / "ws")
    rec["members"][0]["labor_capable"] = True
    write_record(ws, rec)
    got = gaps(ws, "半年复核")
    assert [(g.kind, g.subject, g.year) for g in got] == [("缺数据", "2024H2", 2024), ("缺数据", "2025H2", 2025)]
    assert "每半年复核一次" in got[0].source and "2024-07-01 至 2024-12-31" in got[0].why
    rec["members"][0]["labor_capable"] = False
    write_record(ws, rec)
    assert gaps(ws, "半年复核") == []


def test_quarterly_renewal_in_ezhou_rules(tmp_path):
    """000 二(二) 每季度末续保登记: in care from 2024-03-20, audited 2026-01-15 → 2024Q1 … 2025Q4 (8 quarters);
    registrations in every quarter but 2025Q4 → one gap; after an exit on 2025-08-10 only 2024Q1 … 2025Q2 count."""
    ws, (rec,) = complete_workspace(tmp_path / "ws")
    days = ["2024-03-28", "2024-06-25", "2024-09-26", "2024-12-27", "2025-03-27", "2025-06-26", "2025-09-25"]
    rec["events"] += [{"type": "续保登记", "date": d, "registrar": "郭建平", "changed": False} for d in days]
    write_record(ws, rec)
    ezhou = packaged_rules_path("ezhou")
    assert load_rules(ezhou).by_id("续保登记").iterator == "each_covered_quarter"
    got = gaps(ws, "续保登记", rules=ezhou)
    assert [(g.kind, g.subject, g.why) for g in got] == [
        ("缺数据", "2025Q4", "2025年第4季度末在册，应做续保登记；2025-10-01 至 2025-12-31 没有续保登记记录")]
    assert "每季度末对在册低保对象进行续保登记" in got[0].source
    assert gaps(ws, "续保登记") == []                                  # fenxi rules: no such requirement
    rec["events"].append({"type": "退出", "date": "2025-08-10", "reason": "迁出"})
    write_record(ws, rec)
    assert gaps(ws, "续保登记", rules=ezhou) == []
    rec["events"] = [e for e in rec["events"] if e.get("date") != "2024-09-26"]
    write_record(ws, rec)
    assert [g.subject for g in gaps(ws, "续保登记", rules=ezhou)] == ["2024Q3"]


def test_refused_household_gets_no_care_rules(tmp_path):
    """Never approved: no 续保登记, no half-yearly re-check, no payment records (nothing in care)."""
    ws, (rec,) = complete_workspace(tmp_path / "ws")
    rec["members"][0]["labor_capable"] = True
    rec["events"] = [e for e in rec["events"] if e["type"] in ("申请", "入户调查")]
    rec["events"].append({"id": "e9", "type": "不予批准", "date": "2024-03-05", "reason_kind": "收入超标",
                          "notified": "2024-03-06", "recipient": rec["members"][0]["name"]})
    rec["payments"] = []
    write_record(ws, rec)
    for rules in (None, packaged_rules_path("ezhou")):
        names = {g.rule for g in gaps(ws, rules=rules, as_of=dt.date(2026, 1, 15))}
        assert not names & {"续保登记", "半年复核", "发放记录", "发放账户", "银行卡复印件"}


def test_publicity_of_each_approval_round(tmp_path):
    """002 四(二)2/3: an approval needs its 审核公示 and 确认公示 in its application round.  Without e3 (审核公示)
    the approval e4 lacks it; a second application (2025-08-01) approved on 2025-09-01 with only a 确认公示
    lacks its own 审核公示 — the 2024 one belongs to the first round."""
    ws, (rec,) = complete_workspace(tmp_path / "ws")
    assert gaps(ws, "审核公示") == [] and gaps(ws, "确认公示") == []
    rec["events"] = [e for e in rec["events"] if e["id"] != "e3"]
    write_record(ws, rec)
    got = gaps(ws, "审核公示")
    assert [(g.kind, g.subject, g.category) for g in got] == [("缺数据", "e4", "审批类")]
    assert "本次申请（2024-02-01起）没有审核公示记录" in got[0].why and "002 四(二)2" in got[0].source
    assert gaps(ws, "确认公示") == []
    ws, (rec,) = complete_workspace(tmp_path / "ws2")
    rec["events"] += [
        {"id": "e7", "type": "退出", "date": "2025-06-01", "reason": "外出务工收入增加"},
        {"id": "e8", "type": "申请", "date": "2025-08-01", "accepted": "2025-08-01", "applicant": rec["members"][0]["name"],
         "program": "农村最低生活保障", "reason": "务工受伤"},
        {"id": "e9", "type": "审核确认", "date": "2025-09-01", "approved": True, "start_month": "2025-10",
         "per_person": "300.00", "household_amount": "600.00", "covered_count": 2},
        {"id": "e10", "type": "确认公示", "date": "2025-09-03", "end": "2025-09-09"}]
    write_record(ws, rec)
    assert [g.subject for g in gaps(ws, "审核公示")] == ["e9"] and gaps(ws, "确认公示") == []
