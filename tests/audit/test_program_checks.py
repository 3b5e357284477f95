"""Inspector checks per program and the new money/timing checks, on the complete fenxi household.

The complete household (tests.support.audit): 农村低保, 2 members, 2024 income 5400, approved 2024-03-20
from 2024-04 at 600.00 (fenxi 2024 农村 6300/年: (6300 − 5400 ÷ 2) ÷ 12 = 300.00 × 2), paid 2024-04..2025-12.
"""

import datetime as dt

from archive.audit import audit_workspace
from archive.audit.gaps import FLAG_KINDS, FLAG_SOURCES, Flag
from tests.support.audit import AS_OF, complete_workspace, write_record


def flags(ws, case_no="YA-001"):
    r = audit_workspace(ws, as_of=AS_OF)
    h = next(h for h in r.households if h.case_no == case_no)
    return h.flags


def test_every_flag_kind_has_its_basis():
    assert set(FLAG_SOURCES) == set(FLAG_KINDS) and all(FLAG_SOURCES.values())
    assert Flag("死亡未减员", "x", "y").source.startswith("000 二(一)")


def test_decided_amount_differs_from_computed(tmp_path):
    """Approved 700.00 while the record computes 300.00 × 2 = 600.00 → 补差金额不符 (with 依据 001 附件4)."""
    ws, (rec,) = complete_workspace(tmp_path / "ws")
    rec["events"][3]["household_amount"] = "700.00"
    write_record(ws, rec)
    got = [f for f in flags(ws) if f.kind == "补差金额不符"]
    assert len(got) == 1 and "700.00" in got[0].detail and "600.00" in got[0].detail and "001 附件4" in got[0].source


def test_payments_in_approval_month_and_after_exit(tmp_path):
    """Approved 2024-03-20 → first month 2024-04 (003: 次月); a 2024-03 payment is early.
    退出 2025-06-10 → payments stop after 2025-06; 2025-07..2025-12 are late."""
    ws, (rec,) = complete_workspace(tmp_path / "ws")
    rec["payments"].insert(0, {"month": "2024-03", "amount": "600.00", "kind": "正常发放"})
    rec["events"].append({"type": "退出", "date": "2025-06-10", "reason": "收入超标"})
    write_record(ws, rec)
    got = {f.subject: f for f in flags(ws) if f.kind == "发放时间不符"}
    assert set(got) == {"before-approval", "after-exit"}
    assert "2024-03" in got["before-approval"].detail and "2024-04" in got["before-approval"].detail
    assert "2025-07" in got["after-exit"].detail and "2025-06" not in got["after-exit"].detail.split("仍有发放")[0][-30:]
    assert "次月" in got["before-approval"].source


def test_review_with_one_investigator(tmp_path):
    ws, (rec,) = complete_workspace(tmp_path / "ws")
    rec["events"][5]["investigators"] = ["郭建平"]
    write_record(ws, rec)
    got = [f for f in flags(ws) if f.kind == "调查人数不足"]
    assert len(got) == 1 and "定期核查（2025-05-10）只有 1 名" in got[0].detail and "不少于 2 名" in got[0].source


def test_edge_household_over_band_flagged_tekun_not_income_tested(tmp_path):
    """低保边缘 in fenxi 2025 农村 6600/年 = 550/月; bound 550 × 1.5 = 825.
    income 2025 21600 ÷ 2 ÷ 12 = 900 ≥ 825 → 应退尽退; 18000 → 750 < 825 → none.
    The same income in a 特困 record: no 应退尽退 (特困 is not income-tested)."""
    ws, (rec,) = complete_workspace(tmp_path / "ws")
    rec["type"] = "低保边缘"
    rec["events"][3].update(household_amount="0.00", per_person="0.00")
    rec["payments"] = []
    rec["incomes"][1]["amount"] = "21600"
    write_record(ws, rec)
    got = [f for f in flags(ws) if f.kind == "应退尽退"]
    assert len(got) == 1 and "低保边缘上限 825.00" in got[0].detail and "1.5 倍" in got[0].source
    rec["incomes"][1]["amount"] = "18000"
    write_record(ws, rec)
    assert [f for f in flags(ws) if f.kind == "应退尽退"] == []
    rec["type"] = "特困"
    rec["incomes"][1]["amount"] = "21600"
    rec["extreme_poverty"] = {"care_mode": "集中供养", "self_care": "全自理"}
    write_record(ws, rec)
    assert [f for f in flags(ws) if f.kind == "应退尽退"] == []


def test_refused_household_is_never_in_care(tmp_path):
    """A refusal and no approval: not 在保 even with `since` set — no 年审 / 入户照片 of later years asked."""
    ws, (rec,) = complete_workspace(tmp_path / "ws")
    rec["events"] = rec["events"][:3] + [{"type": "不予批准", "date": "2024-03-20", "reason_kind": "收入超标",
                                          "notified": "2024-03-21"}]
    rec["payments"] = []
    write_record(ws, rec)
    r = audit_workspace(ws, as_of=AS_OF)
    rules = {g.rule for g in r.households[0].gaps}
    assert "年审表" not in rules and not any(g.year == 2025 for g in r.households[0].gaps)
    assert r.households[0].flags == []


def test_over_standard_uses_the_standard_in_force_at_the_review(tmp_path):
    """004-style mid-year raise: 2025 农村 6000/年 (500/月), from 2025-05-01 7200/年 (600/月).  2025 income 13200,
    2 members → 6600/年 = 550/月.  The 年审 of 2025-05-10 applies 600/月: still eligible, no 应退尽退; had it been
    held on 2025-04-20 it would apply 500/月: 550 ≥ 500 → 应退尽退."""
    ws, (rec,) = complete_workspace(tmp_path / "ws")
    cfg = ws.root / "dibao.toml"
    text = cfg.read_text("utf-8")
    start = text.index("[standards.2025]")
    end = text.index("[standards.2026]")
    cfg.write_text(text[:start] + '[standards.2025]\n"城市" = { amount = "8100", unit = "年" }\n'
                   '"农村" = [{ amount = "6000", unit = "年" }, { amount = "7200", unit = "年", valid_from = "2025-05-01" }]\n'
                   + text[end:], "utf-8")
    rec["incomes"][1]["amount"] = "13200"
    write_record(ws, rec)
    from archive.workspace import open_workspace

    ws = open_workspace(ws.root)
    assert [f for f in flags(ws) if f.kind == "应退尽退"] == []
    rec["events"][5]["date"] = "2025-04-20"
    write_record(ws, rec)
    got = [f for f in flags(ws) if f.kind == "应退尽退"]
    assert len(got) == 1 and "550.00" in got[0].detail and "500.00" in got[0].detail
