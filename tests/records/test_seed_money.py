"""Money against the seeds' own numbers and formulas (/work/shared/seeds), each worked by hand in its docstring.

001 附件4: 家庭月人均收入=（家庭共同生活成员12个月内的工资性收入+经营净收入+财产净收入+转移净收入+县级民政部门
          认定的其他收入）÷共同生活的家庭人口数÷12个月-可以认定扣减的月收入; 重病支出 最高不超过5万元; 教育支出
          每人按实际支出核减，最高不超过8000元\\年; 就业支出 可适当扣减家庭收入5%—10%;
          核定实际月人均补差=（低保保障线-（家庭总收入-刚性支出）/家庭人数）/12个月
002 三(一): 农村低保标准调整为6000元/人/年，补差执行；城市……7500元/人/年
004:       城市居民低保标准自2011年1月1日起由2011年的245元/人/月进步至300元/人/月，月人均补差程度达到200元/人/月;
          农社区居民低保标准……由2011年的110元/人/月进步至130元/人/月，月人均补差程度达至90元/人/月;
          城区城镇居民最低生活保障标准：由原标准的每月350元提高到375元 … 从2011年10月1日起开始执行;
          (齐齐哈尔 2020) 城市全自理特困人员分散供养标准提高到12420元/人年，城市半自理……13020元/人年，
          城市全护理……13620元/人年; 城市全自理特困人员集中供养标准提高到17736元/人年
"""

import datetime as dt
from decimal import Decimal

from archive.config import parse_config
from archive.records.calc import compute
from archive.records.model import Household
from tests.support.records import record


def one_person(type_="城市低保", **over):
    rec = record(type=type_, **over)
    rec["members"] = rec["members"][:1]
    return Household.model_validate(rec)


def test_004_2011_urban_standard_300_top_up_200():
    """300 元/人/月 standard; a person with 100 元/月 (1200 元/年) gets 300 − 100 = 200.00 元/月, the seed's 月人均补差."""
    config = parse_config({"standards": {"2011": {"城市": {"amount": "300", "unit": "月"}}}})
    h = one_person(incomes=[{"year": 2011, "category": "工资性收入", "item": "打零工工资", "amount": "1200"}])
    c = compute(h, config, 2011)
    assert c.per_capita_monthly == Decimal("100") and c.top_up_per_person == Decimal("200.00")
    assert c.household_total == Decimal("200.00")


def test_004_2011_rural_standard_130_top_up_90():
    """130 元/人/月; income 480 元/年 = 40 元/月 → 130 − 40 = 90.00, the seed's 农村 月人均补差."""
    config = parse_config({"standards": {"2011": {"农村": {"amount": "130", "unit": "月"}}}})
    h = one_person("农村低保", incomes=[{"year": 2011, "category": "经营净收入", "item": "农业种植", "gross": "800", "cost": "320"}])
    c = compute(h, config, 2011)
    assert c.total_income == Decimal("480") and c.top_up_per_person == Decimal("90.00")


def test_004_changchun_raise_from_october():
    """350 → 375 元/月 from 2011-10-01 (对2011年9月底以前的已保家庭，在2011年10月份按照新标准领取).  Two people,
    income 2400 元/年 → 100 元/月 each: September 250.00 × 2 = 500.00; October 275.00 × 2 = 550.00."""
    config = parse_config({"standards": {"2011": {"城市": [{"amount": "350", "unit": "月"},
                                                          {"amount": "375", "unit": "月", "valid_from": "2011-10-01"}]}}})
    h = Household.model_validate(record(type="城市低保", incomes=[
        {"year": 2011, "category": "工资性收入", "item": "服务业", "amount": "2400"}]))
    assert compute(h, config, 2011, on=dt.date(2011, 9, 30)).household_total == Decimal("500.00")
    assert compute(h, config, 2011, on=dt.date(2011, 10, 1)).household_total == Decimal("550.00")


def test_002_rural_6000_per_year_top_up():
    """002: 农村 6000 元/人/年，补差执行.  Three people, 工资 7200 + 经营 (3000 − 1200) + 转移 (惠农补贴 600) = 9600;
    年人均 3200; 补差 (6000 − 3200) ÷ 12 = 233.333… → 233.33 元/月; × 3 = 699.99 (the per-person amount is rounded
    first, the household amount is that × 3)."""
    config = parse_config({"standards": {"2023": {"农村": {"amount": "6000", "unit": "年"},
                                                  "城市": {"amount": "7500", "unit": "年"}}}})
    rec = record(type="农村低保", incomes=[
        {"year": 2023, "category": "工资性收入", "item": "打零工工资", "amount": "7200"},
        {"year": 2023, "category": "经营净收入", "item": "农业种植", "gross": "3000", "cost": "1200"},
        {"year": 2023, "category": "转移净收入", "item": "惠农政策补贴", "amount": "600"}])
    rec["members"].append({"name": "李小红", "sex": "女", "birth_date": "2010-01-01", "relation": "女"})
    c = compute(Household.model_validate(rec), config, 2023)
    assert c.total_income == Decimal("9600") and c.per_capita_annual == Decimal("3200")
    assert c.top_up_per_person == Decimal("233.33") and c.household_total == Decimal("699.99")
    # 城市 7500: (7500 − 3200) ÷ 12 = 358.333… → 358.33 × 3 = 1074.99
    rec["type"] = "城市低保"
    c = compute(Household.model_validate(rec), config, 2023)
    assert c.top_up_per_person == Decimal("358.33") and c.household_total == Decimal("1074.99")


def test_001_assessment_with_every_deduction_and_its_cap():
    """001 附件4 on a family of 4 (standard 6600/年 = 550/月):
    incomes 工资 30000 + 经营 (12000 − 4000) + 财产 1000 + 转移 1000 = 40000;
    重病 60000 → capped at 50000 (最高不超过5万元), but all deductions together are limited to the income;
    so take 重病 20000 (under the cap), 教育 two students 9000 → 8000 and 3000 → 3000 (每人最高8000),
    就业 8% of 40000 = 3200 (5%—10%);
    deductions 20000 + 8000 + 3000 + 3200 = 34200; (40000 − 34200) ÷ 4 = 1450/年;
    补差 (6600 − 1450) ÷ 12 = 429.1666… → 429.17; household 429.17 × 4 = 1716.68."""
    config = parse_config({"standards": {"2024": {"农村": {"amount": "6600", "unit": "年"},
                                                  "城市": {"amount": "8100", "unit": "年"}}}})
    rec = record(type="农村低保", incomes=[
        {"year": 2024, "category": "工资性收入", "item": "建筑行业", "member": "李建国", "amount": "30000"},
        {"year": 2024, "category": "经营净收入", "item": "养殖业", "gross": "12000", "cost": "4000"},
        {"year": 2024, "category": "财产净收入", "item": "土地流转收入", "amount": "1000"},
        {"year": 2024, "category": "转移净收入", "item": "惠农政策补贴", "amount": "1000"}],
        expenses=[{"year": 2024, "kind": "重病", "member": "王秀英", "amount": "20000"},
                  {"year": 2024, "kind": "教育", "member": "李小红", "amount": "9000"},
                  {"year": 2024, "kind": "教育", "member": "李小刚", "amount": "3000"},
                  {"year": 2024, "kind": "就业", "member": "李建国", "amount": "1000", "rate": "0.08"}])
    rec["members"] += [{"name": "李小红", "sex": "女", "birth_date": "2004-01-01", "relation": "女"},
                       {"name": "李小刚", "sex": "男", "birth_date": "2008-01-01", "relation": "子"}]
    c = compute(Household.model_validate(rec), config, 2024)
    got = {x.label: x.amount for x in c.deduction_lines}
    assert got == {"重病支出": Decimal("20000"), "教育支出（李小红）": Decimal("8000"), "教育支出（李小刚）": Decimal("3000"),
                   "就业支出（李建国）": Decimal("3200.00")}
    assert c.total_income == Decimal("40000") and c.total_deduction == Decimal("34200.00")
    assert c.per_capita_annual == Decimal("1450") and c.top_up_per_person == Decimal("429.17")
    assert c.household_total == Decimal("1716.68")
    # 重病 60000 alone: capped at 50000 (then limited to the income 40000): per capita 0, 补差 550.00 × 4
    rec["expenses"] = [{"year": 2024, "kind": "重病", "member": "王秀英", "amount": "60000"}]
    c = compute(Household.model_validate(rec), config, 2024)
    assert [x.amount for x in c.deduction_lines] == [Decimal("50000")] and c.total_deduction == Decimal("40000")
    assert c.household_total == Decimal("2200.00")


def test_004_qiqihar_tekun_by_care_mode_and_level():
    """齐齐哈尔 2020: 城市分散供养 全自理 12420 元/人年 = 1035 元/月, 半自理 13020 = 1085, 全护理 13620 = 1135;
    城市集中供养 全自理 17736 = 1478.  As county settings: tekun_basic 城市分散供养 1035, 城市集中供养 1478, care fees
    全自理 0, 半护理 50 (600 ÷ 12), 全护理 100 (1200 ÷ 12)."""
    config = parse_config({
        "standards": {"2020": {"城市": {"amount": "604", "unit": "月"}, "农村": {"amount": "4398", "unit": "年"}}},
        "programs": {"tekun_basic": {"城市分散供养": "1035", "城市集中供养": "1478"},
                     "care_fees": {"全自理": "0", "半护理": "50", "全护理": "100"}}})

    def tekun(mode, level):
        rec = record(type="特困", hukou_type="非农业",
                     extreme_poverty={"care_mode": mode, "self_care": level},
                     incomes=[{"year": 2020, "category": "转移净收入", "item": "惠农政策补贴", "amount": "0"}])
        rec["members"] = rec["members"][:1]
        return compute(Household.model_validate(rec), config, 2020).household_total

    assert tekun("分散供养", "全自理") * 12 == Decimal("12420.00")
    assert tekun("分散供养", "半护理") * 12 == Decimal("13020.00")
    assert tekun("分散供养", "全护理") * 12 == Decimal("13620.00")
    assert tekun("集中供养", "全自理") * 12 == Decimal("17736.00")
