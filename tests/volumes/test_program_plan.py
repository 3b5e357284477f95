"""Volume plans per program: a refused applicant has approval papers only; 特困 and 低保边缘 payment sheets."""

from __future__ import annotations

from pathlib import Path

import pytest

from archive.records.model import Household
from archive.volumes.plan import never_approved, plan_household
from archive.workspace import init_workspace
from tests.support.records import record


@pytest.fixture(scope="module")
def config(tmp_path_factory):
    return init_workspace(tmp_path_factory.mktemp("ws") / "w", "yueyang").config


def titles(plan, cat):
    return [e.title for e in plan.volumes.get(cat, [])]


def payments(plan):
    return [e.title for e in plan.volumes.get("财务类", []) if e.kind == "payments"]


def test_refused_applicant_has_no_daily_or_finance_volume(config):
    rec = record("HS-R", since="2023-04-01")   # a stray `since` does not make a refused household 在保
    rec["events"].append({"type": "不予批准", "date": "2023-03-20", "reason_kind": "收入超标", "notified": "2023-03-21"})
    hh = Household.model_validate(rec)
    assert never_approved(hh)
    plan = plan_household(hh, config, [])
    assert titles(plan, "日常管理类") == [] and titles(plan, "财务类") == []
    assert not any("发放记录表" in t for t in titles(plan, "审批类"))


def test_payment_sheet_title_per_program(config):
    def plan_of(kind, **over):
        rec = record("HS-P", type=kind, since="2023-04-01", **over)
        rec["events"].append({"type": "审核确认", "date": "2023-03-28", "approved": True, "per_person": "100.00"})
        rec["payments"] = [{"month": "2023-04", "amount": "100.00"}] if kind != "低保边缘" else []
        return plan_household(Household.model_validate(rec), config, [])

    assert payments(plan_of("农村低保")) == ["最低生活保障金发放记录表"]
    tk = plan_of("特困", extreme_poverty={"care_mode": "集中供养", "self_care": "全自理"})
    assert payments(tk) == ["特困人员救助供养金发放记录表"]
    assert payments(plan_of("低保边缘")) == []     # no payment, no empty 发放记录表


# approved 2023-03-28; 年审 2024-03-15, 变更 2024-06-01, 年审 2025-03-15
REVIEWS_AND_CHANGE = [
    {"type": "审核确认", "date": "2023-03-28", "approved": True, "per_person": "100.00"},
    {"type": "年度审核", "date": "2024-03-15", "year": 2024, "investigators": ["周平", "刘芳"]},
    {"type": "变更", "date": "2024-06-01", "reason": "提标", "before": {}, "after": {}},
    {"type": "年度审核", "date": "2025-03-15", "year": 2025, "investigators": ["周平", "刘芳"]},
]


def test_daily_volume_in_date_order(config):
    """变更 2024-06 comes between 年审 2024 (2024-03) and 年审 2025 (2025-03), not after all 年审 forms."""
    rec = record("HS-D", since="2023-04-01")
    rec["events"] += REVIEWS_AND_CHANGE
    plan = plan_household(Household.model_validate(rec), config, [])
    daily = [e for e in plan.volumes["日常管理类"] if e.kind == "form"]
    dates = [e.date for e in daily]
    assert dates == sorted(dates) and [e.event_type for e in daily].index("变更") > 0


def test_application_year_check_report_in_its_place(config):
    """核对报告_2023 (the application year, no 年审 that year) comes before the 年审 of 2024-03-15, not after
    everything; 核对报告_2024 follows its 年审."""
    from archive.records.attachments import Scan

    rec = record("HS-K", since="2023-04-01")
    rec["events"] += REVIEWS_AND_CHANGE
    scans = [Scan(type="核对报告", path=Path(f"/x/核对报告_{y}.pdf"), rel=f"scans/HS-K/核对报告_{y}.pdf", year=y)
             for y in (2023, 2024, 2025)]
    plan = plan_household(Household.model_validate(rec), config, scans)
    daily = plan.volumes["日常管理类"]
    order = [(e.kind, e.year or (e.date.year if e.date else None)) for e in daily]
    assert order[0] == ("scan", 2023)
    years = [y for k, y in order if k == "scan"]
    assert years == [2023, 2024, 2025]
