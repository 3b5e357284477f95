"""dibao calc against a hand calculation written from the seed's formula (001 附件4, 002 §三)."""

import json
from decimal import Decimal

from click.testing import CliRunner

from archive.records.calc import compute
from archive.config import parse_config
from archive.records.model import Household
from cli import main
from tests.support.records import make_id, record, write

CONFIG = parse_config({
    "standards": {"2024": {"农村": {"amount": "6000", "unit": "年"}, "城市": {"amount": "700", "unit": "月"}}},
})


def household(**over):
    return Household.model_validate(record(**over))


def test_hand_calculation_rural_yearly_standard():
    # Hand calculation (元):
    #   工资性 4800 + 经营净 (3000 − 1200.50 = 1799.50) + 转移 360 + 赡养费 1200 = 8159.50
    #   刚性支出: 重病 2000 (≤ 50000)
    #   年人均 = (8159.50 − 2000) ÷ 2 = 3079.75 ; 月人均 = 3079.75 ÷ 12 = 256.6458333…
    #   标准 6000/年 = 500/月 → 符合
    #   月人均补差 = (6000 − 3079.75) ÷ 12 = 243.354166… → 243.35
    #   家庭救助总额 = 243.35 × 2 = 486.70
    hh = household(
        obligors=[{"name": "李强", "relation": "子", "support_per_year": "1200"}],
        expenses=[{"year": 2024, "kind": "重病", "member": "王秀英", "amount": "2000"}],
    )
    c = compute(hh, CONFIG, 2024)
    assert c.total_income == Decimal("8159.50")
    assert c.total_deduction == Decimal("2000")
    assert c.per_capita_annual == Decimal("3079.75")
    assert f"{c.per_capita_monthly:.2f}" == "256.65"
    assert c.eligible
    assert c.top_up_per_person == Decimal("243.35")
    assert c.household_total == Decimal("486.70")


def test_caps_medical_education_employment():
    hh = household(
        members=record()["members"] + [
            {"name": "李小红", "sex": "女", "id_number": make_id("430621", "20050101", 5, False), "relation": "女"},
        ],
        incomes=[{"year": 2024, "category": "工资性收入", "item": "建筑行业", "amount": "100000"}],
        expenses=[
            {"year": 2024, "kind": "重病", "amount": "80000"},
            {"year": 2024, "kind": "教育", "member": "李小红", "amount": "9500"},
            {"year": 2024, "kind": "就业", "amount": "3000", "rate": "0.08"},
        ],
    )
    c = compute(hh, CONFIG, 2024)
    got = {x.label: x.amount for x in c.deduction_lines}
    assert got["重病支出"] == Decimal("50000")           # capped at 50,000
    assert got["教育支出（李小红）"] == Decimal("8000")   # capped at 8,000 per person per year
    assert got["就业支出"] == Decimal("8000.00")          # 8% of 100,000
    # (100000 − 66000) ÷ 3 = 11333.33… per year → above 6000: not eligible, no top-up
    assert not c.eligible and c.top_up_per_person == Decimal("0.00") and c.household_total == Decimal("0.00")


def test_employment_without_rate_is_capped_at_ten_percent():
    hh = household(incomes=[{"year": 2024, "category": "工资性收入", "item": "服务业", "amount": "10000"}],
                   expenses=[{"year": 2024, "kind": "就业", "amount": "2500"}])
    c = compute(hh, CONFIG, 2024)
    assert c.deduction_lines[0].amount == Decimal("1000.0")


def test_monthly_standard_and_covered_count():
    # Urban household, standard 700 元/人/月; one member not covered.
    rec = record(type="城市低保")
    rec["members"][1]["covered"] = False
    rec["incomes"] = [{"year": 2024, "category": "工资性收入", "item": "服务业", "amount": "7200"}]
    c = compute(Household.model_validate(rec), CONFIG, 2024)
    # 7200 ÷ 2 ÷ 12 = 300 per month; top-up 700 − 300 = 400; one covered person
    assert c.per_capita_monthly == Decimal("300")
    assert c.top_up_per_person == Decimal("400.00")
    assert c.household_total == Decimal("400.00")


def test_calc_cli_json_and_text(tmp_path):
    runner = CliRunner()
    ws = tmp_path / "ws"
    assert runner.invoke(main, ["init", str(ws), "--profile", "yueyang"]).exit_code == 0
    rec = record()
    p = write(ws / "households" / "HS-001.json", rec)
    r = runner.invoke(main, ["-w", str(ws), "calc", str(p), "--year", "2024", "--json"])
    assert r.exit_code == 0, r.output
    data = json.loads(r.output)
    # 4800 + 1799.50 + 360 = 6959.50 ; ÷ 2 = 3479.75/yr ; 2024 农村 standard of the yueyang profile
    assert data["total_income"] == "6959.50"
    assert data["per_capita_annual"] == "3479.75"
    r = runner.invoke(main, ["-w", str(ws), "calc", str(p)])
    assert r.exit_code == 0 and "家庭月人均收入" in r.output and "月人均补差" in r.output


def test_calc_missing_standard_year_is_a_clear_error(tmp_path):
    runner = CliRunner()
    ws = tmp_path / "ws"
    runner.invoke(main, ["init", str(ws), "--profile", "fenxi"])
    p = write(ws / "households" / "A.json", record())
    r = runner.invoke(main, ["-w", str(ws), "calc", str(p), "--year", "2019"])
    assert r.exit_code == 4
    assert "没有 2019 年农村低保标准" in r.output and "Traceback" not in r.output


def test_without_explanations_the_figures_are_the_same():
    # explain=False (the audit's way) drops the `how` texts and steps, nothing else
    hh = household(
        obligors=[{"name": "李强", "relation": "子", "support_per_year": "1200"}],
        incomes=[{"year": 2024, "category": "经营净收入", "item": "养殖业", "gross": "3000", "cost": "1200.50"}],
        expenses=[{"year": 2024, "kind": "重病", "amount": "80000"},
                  {"year": 2024, "kind": "教育", "member": "王秀英", "amount": "9500"},
                  {"year": 2024, "kind": "就业", "amount": "300", "rate": "0.08"},
                  {"year": 2024, "kind": "就业", "amount": "2500"}],
    )
    full, bare = compute(hh, CONFIG, 2024), compute(hh, CONFIG, 2024, explain=False)
    assert full.steps and not bare.steps
    assert all(x.how for x in full.income_lines + full.deduction_lines)
    assert not any(x.how for x in bare.income_lines + bare.deduction_lines)
    strip = lambda c: {**c.as_dict(), "steps": None,   # noqa: E731
                       "income_lines": [(x.label, x.amount) for x in c.income_lines],
                       "deductions": [(x.label, x.amount) for x in c.deduction_lines]}
    assert strip(full) == strip(bare)
