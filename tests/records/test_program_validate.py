"""Validation of ages, relations, process order and covered counts (warnings with the field named)."""

from archive.records.load import check_household
from archive.records.model import Household
import datetime as dt

from tests.support.records import record


def problems(rec):
    hh = Household.model_validate(rec)
    return [(p.field, p.message) for p in check_household(hh, "x.json", None, dt.date(2026, 1, 1))]


def test_head_aged_three_and_mother_younger_than_child():
    rec = record()
    rec["members"][0].pop("id_number")
    rec["members"][0]["birth_date"] = "2020-01-01"          # 3 at the 2023-03-01 application
    got = problems(rec)
    assert any("不满16周岁" in m for _, m in got)
    rec = record()
    rec["members"].append({"name": "张母", "sex": "女", "birth_date": "1990-01-01", "relation": "母亲"})
    assert any(f == "members[2]" and "不比户主年长" in m for f, m in problems(rec))


def test_process_order_and_covered_count():
    rec = record()
    rec["events"] += [
        {"type": "审核公示", "date": "2023-03-05", "end": "2023-03-11"},      # before the 03-10 visit
        {"type": "审核确认", "date": "2023-03-11", "approved": True, "per_person": "1.00", "covered_count": 5},
    ]
    got = problems(rec)
    assert any("早于入户调查" in m for _, m in got)
    assert any("公示结束" in m for _, m in got)              # decided on the last day of publicity
    assert any(f.endswith("covered_count") and "多于家庭成员" in m for f, m in got)
