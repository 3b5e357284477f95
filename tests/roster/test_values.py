"""Cell values as Excel holds them: dates, money, IDs as numbers, full-width digits, spaces."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from archive.roster import values as V
from archive.roster.columns import Mapping, match_header

D = dt.date(2023, 3, 1)


@pytest.mark.parametrize("raw", ["2023.3.1", "2023年3月1日", "2023/03/01", "20230301", "2023-03-01", 44986, 44986.0,
                                 20230301, "２０２３年３月１日", " 2023 . 3 . 1 ", dt.datetime(2023, 3, 1, 0, 0), D,
                                 "2023-03-01 00:00:00"])
def test_dates_in_usual_spellings(raw):
    assert V.date(raw) == (D, None)


@pytest.mark.parametrize("raw", ["2023.2.29", "2023年13月1日", "20230230", "明年"])
def test_impossible_or_unreadable_dates_are_named(raw):
    value, problem = V.date(raw, "出生日期")
    assert value is None and problem[0].startswith(f"出生日期“{raw}”")


@pytest.mark.parametrize("raw,expected", [(650, "650.00"), (650.5, "650.50"), ("650元", "650.00"), ("１,２００.５ 元", "1200.50"),
                                          ("￥300", "300.00"), ("0", "0.00")])
def test_money(raw, expected):
    assert V.money(raw) == (Decimal(expected), None)


def test_money_problems():
    assert V.money("六百")[1] and V.money("1.234")[1] and V.money(-5)[1]


def test_ids_typed_as_numbers_are_never_repaired():
    good = "14102919650304121" + "0"
    from archive.ids import check_char

    good = good[:17] + check_char(good[:17])
    assert V.id_number(good) == (good, None)
    assert V.id_number(" " + good[:6] + " " + good[6:] + " ") == (good, None)
    assert V.id_number("".join(chr(ord(c) + 0xFEE0) for c in good)) == (good, None)   # full-width digits
    for raw in (int(good[:17] + "0"), float(good[:17] + "0"), 4.10291e17):
        value, problem = V.id_number(raw)
        assert value is None and "15位有效数字" in problem[0]
    value, problem = V.id_number("4.10291E+17")
    assert value is None and "科学计数法" in problem[0]
    value, problem = V.id_number(good[:15] + "000")
    assert value is None and "000" in problem[0]


def test_header_synonyms_groups_and_slots():
    m = Mapping()
    for text, key in (("身份证号码", "id_number"), ("公民身份号码", "id_number"), ("证件号码", "id_number"),
                      ("救助类别", "type"), ("保障人口", "covered_count"), ("月救助金（元）", "monthly_amount"),
                      ("开户银行", "bank"), ("账号", "card"), ("村（社区）", "village"), ("村民小组", "group"),
                      ("与户主\n关系", "relation"), ("*姓 名", "name")):
        assert match_header(text, "", m).key == key, text
    assert match_header("姓名", "户主", m).key == "head_name"
    assert match_header("身份证号", "户主信息", m).key == "head_id"
    assert match_header("姓名", "家庭成员", m).key == "name"
    slot = match_header("成员2身份证号", "", m)
    assert (slot.key, slot.slot) == ("id_number", 2)
    slot = match_header("关系", "成员三", m)
    assert (slot.key, slot.slot) == ("relation", 3)
    assert match_header("帮扶类型", "", m) is None
