"""Program types and money rules through archive.records.calc, each against a hand computation.

Base record (tests.support.records.record): 农村低保, 2 members (李建国, 王秀英), 2024 incomes
工资 4800 + 经营 (3000 − 1200.50 = 1799.50) + 转移 360 = 6959.50 元.
"""

import datetime as dt
from decimal import Decimal

import pytest

from archive.config import parse_config
from archive.errors import ConfigError
from archive.records.calc import compute, render_text
from archive.records.model import Household
from tests.support.records import record

RURAL_2024 = {"2024": {"农村": {"amount": "6000", "unit": "年"}, "城市": {"amount": "700", "unit": "月"}}}


def cfg(**programs):
    return parse_config({"standards": RURAL_2024, **({"programs": programs} if programs else {})})


def hh(**over) -> Household:
    return Household.model_validate(record(**over))


def test_employment_deduction_is_capped_per_household():
    """Two 就业 entries at 10% each ask for 20%; the cap is 10% of the household's income.

    income 10000; asked 1000 + 1000 = 2000; cap 10% × 10000 = 1000 → deduct 1000
    年人均 (10000 − 1000) ÷ 2 = 4500; 补差 (6000 − 4500) ÷ 12 = 125.00; × 2 = 250.00"""
    h = hh(incomes=[{"year": 2024, "category": "工资性收入", "item": "服务业", "amount": "10000"}],
           expenses=[{"year": 2024, "kind": "就业", "member": "李建国", "amount": "900", "rate": "0.10"},
                     {"year": 2024, "kind": "就业", "member": "王秀英", "amount": "900", "rate": "0.10"}])
    c = compute(h, cfg(), 2024)
    assert c.total_deduction == Decimal("1000.00")
    assert c.top_up_per_person == Decimal("125.00") and c.household_total == Decimal("250.00")
    assert any("就业支出" in w and "每户上限" in w for w in c.warnings)


def test_support_entered_twice_counts_once_with_a_warning():
    """赡养费 1200 as a 转移净收入 line and again on the obligor: counted once.

    6959.50 + 1200 (the income line) = 8159.50, not 9359.50."""
    rec = record(obligors=[{"name": "李强", "relation": "子", "support_per_year": "1200"}])
    rec["incomes"].append({"year": 2024, "category": "转移净收入", "item": "赡养费", "member": "李强", "amount": "1200"})
    c = compute(Household.model_validate(rec), cfg(), 2024)
    assert c.total_income == Decimal("8159.50")
    assert any("重复" in w and "李强" in w for w in c.warnings)
    assert "重复" in render_text(Household.model_validate(rec), compute(Household.model_validate(rec), cfg(), 2024))


def test_obligor_support_only_in_its_years():
    """support_years = [2023]: nothing added to 2024 (6959.50); without support_years it is added with a warning."""
    c = compute(hh(obligors=[{"name": "李强", "relation": "子", "support_per_year": "1200", "support_years": [2023]}]),
                cfg(), 2024)
    assert c.total_income == Decimal("6959.50") and c.warnings == []
    c = compute(hh(obligors=[{"name": "李强", "relation": "子", "support_per_year": "1200"}]), cfg(), 2024)
    assert c.total_income == Decimal("8159.50") and any("support_years" in w for w in c.warnings)


def test_education_without_member_capped_per_entry_with_warning():
    """Two 教育 entries without a student, 6000 and 5000: each its own 8000 cap → 11000 (not one shared 8000).

    income 6959.50 − 11000 → deduction limited to the income 6959.50; per-capita 0; 补差 6000 ÷ 12 = 500.00 × 2."""
    c = compute(hh(expenses=[{"year": 2024, "kind": "教育", "amount": "6000"},
                             {"year": 2024, "kind": "教育", "amount": "5000"}]), cfg(), 2024)
    assert sorted(x.amount for x in c.deduction_lines) == [Decimal("5000"), Decimal("6000")]
    assert c.total_deduction == Decimal("6959.50") and c.household_total == Decimal("1000.00")
    assert any("未写学生" in w for w in c.warnings)


def test_rounding_rule_household_is_rounded_per_person_times_covered():
    """3 members, income 1000: 年人均 333.333…; 补差 (6000 − 333.333…) ÷ 12 = 472.2222… → 472.22;
    household = 472.22 × 3 = 1416.66 (the exact 1416.666… would round to 1416.67; the rule is per person first)."""
    rec = record(incomes=[{"year": 2024, "category": "工资性收入", "item": "服务业", "amount": "1000"}])
    rec["members"].append({"name": "李小红", "sex": "女", "birth_date": "2010-01-01", "relation": "女"})
    c = compute(Household.model_validate(rec), cfg(), 2024)
    assert c.top_up_per_person == Decimal("472.22") and c.household_total == Decimal("1416.66")


def test_dated_standard_mid_year_raise():
    """004: 2011 城市 350 → 375 元/月 from 2011-10-01.  One person, income 1200/年 = 100/月.

    on 2011-09-30: 350 − 100 = 250.00; on 2011-10-01 (and year end): 375 − 100 = 275.00."""
    config = parse_config({"standards": {"2011": {"城市": [{"amount": "350", "unit": "月"},
                                                          {"amount": "375", "unit": "月", "valid_from": "2011-10-01"}]}}})
    rec = record(type="城市低保", incomes=[{"year": 2011, "category": "工资性收入", "item": "服务业", "amount": "1200"}])
    rec["members"] = rec["members"][:1]
    h = Household.model_validate(rec)
    assert compute(h, config, 2011, on=dt.date(2011, 9, 30)).household_total == Decimal("250.00")
    assert compute(h, config, 2011, on=dt.date(2011, 10, 1)).household_total == Decimal("275.00")
    assert compute(h, config, 2011).household_total == Decimal("275.00")
    assert "2011年10月1日起城市低保标准 375" in compute(h, config, 2011).standard.describe()
    with pytest.raises(ConfigError):
        parse_config({"standards": {"2011": {"城市": [{"amount": "375", "unit": "月", "valid_from": "2012-10-01"}]}}})


def tekun(**ep):
    rec = record(type="特困", extreme_poverty={"care_mode": "分散供养", **ep})
    rec["members"] = rec["members"][:1]
    return Household.model_validate(rec)


def test_tekun_is_basic_living_plus_care_fee_not_a_top_up():
    """农村 6000/年 = 500/月; 基本生活费 = ceil(500 × 1.3) = 650; 全护理 600 → 1250.00 (no 补差 of 低保).

    county setting care_fees.全护理 = 800 → 1450.00; record fees 700 + 300 win → 1000.00."""
    c = compute(tekun(self_care="全护理"), cfg(), 2024)
    assert (c.tekun_basic, c.tekun_care, c.household_total) == (Decimal("650"), Decimal("600"), Decimal("1250.00"))
    assert "特困人员救助供养金" in "\n".join(c.steps) and "补差" not in "\n".join(c.steps)
    assert compute(tekun(self_care="全护理"), cfg(care_fees={"全护理": "800"}), 2024).household_total == Decimal("1450.00")
    c = compute(tekun(self_care="半护理", basic_living_fee="700", care_fee="300"), cfg(), 2024)
    assert c.household_total == Decimal("1000.00")


def test_edge_band_default_and_county_multiple():
    """低保边缘: 标准 500/月; default multiple 1.5 → upper bound 750.  Two members.

    income 14400/年 → 600/月: in the band, eligible, amount 0.00; 19200 → 800/月: above 750, not eligible;
    multiple 1.3 → bound 650: 600 eligible, income 16800 → 700/月 not."""
    def edge(amount):
        return hh(type="低保边缘", incomes=[{"year": 2024, "category": "工资性收入", "item": "服务业", "amount": amount}])
    c = compute(edge("14400"), cfg(), 2024)
    assert c.eligible and c.edge_limit == Decimal("750.0") and c.household_total == Decimal("0.00")
    assert "低保边缘" in render_text(edge("14400"), c) and "月人均补差" not in render_text(edge("14400"), c)
    assert not compute(edge("19200"), cfg(), 2024).eligible
    assert compute(edge("14400"), cfg(edge_multiple="1.3"), 2024).eligible
    assert not compute(edge("16800"), cfg(edge_multiple="1.3"), 2024).eligible
    assert not compute(edge("6000"), cfg(), 2024).eligible     # 250/月, below the standard: a 低保 case
    with pytest.raises(ConfigError):
        cfg(edge_multiple="0.9")
    with pytest.raises(ConfigError):
        cfg(unknown="1")


def test_full_amount_category():
    """全额 for 重残 (county setting): 王秀英 gets the full 500.00; 李建国 the top-up.

    年人均 6959.50 ÷ 2 = 3479.75; 补差 (6000 − 3479.75) ÷ 12 = 210.02 (210.0208…); 210.02 + 500.00 = 710.02."""
    rec = record()
    rec["members"][1]["personnel_category"] = "重残"
    c = compute(Household.model_validate(rec), cfg(full_amount_categories=["重残"]), 2024)
    assert c.top_up_per_person == Decimal("210.02") and c.household_total == Decimal("710.02")
    assert compute(Household.model_validate(rec), cfg(), 2024).household_total == Decimal("420.04")
