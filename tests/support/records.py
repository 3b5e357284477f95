"""Small builders shared by the foundation tests (valid ID numbers, minimal records)."""

from __future__ import annotations

import json
from pathlib import Path

from archive.ids import check_char


def make_id(area: str, birth: str, seq: int, male: bool) -> str:
    """A valid 18-character ID: area code, birth YYYYMMDD, sequence with the sex digit, check char."""
    s3 = seq * 10 % 1000
    s3 = s3 - s3 % 10 + (1 if male else 2)
    first17 = f"{area}{birth}{s3:03d}"
    return first17 + check_char(first17)


def record(case_no: str = "HS-001", **over) -> dict:
    head_id = make_id("430621", "19700312", 12, True)
    wife_id = make_id("430621", "19720805", 34, False)
    rec = {
        "case_no": case_no, "town": "黄沙街镇", "village": "黄沙村", "type": "农村低保",
        "members": [
            {"name": "李建国", "sex": "男", "id_number": head_id, "relation": "本人", "marital": "已婚"},
            {"name": "王秀英", "sex": "女", "id_number": wife_id, "relation": "配偶", "marital": "已婚",
             "health": "残疾", "disability": {"category": "肢体", "grade": "二级"}},
        ],
        "incomes": [
            {"year": 2024, "category": "工资性收入", "item": "打零工工资", "member": "李建国", "amount": "4800.00"},
            {"year": 2024, "category": "经营净收入", "item": "农业种植", "gross": "3000", "cost": "1200.50"},
            {"year": 2024, "category": "转移净收入", "item": "惠农政策补贴", "amount": "360"},
        ],
        "events": [
            {"id": "e1", "type": "申请", "date": "2023-03-01", "applicant": "李建国", "program": "农村最低生活保障",
             "reason": "妻子残疾，家庭收入低", "accepted": "2023-03-02"},
            {"id": "e2", "type": "入户调查", "date": "2023-03-10", "investigators": ["周平", "刘芳"]},
        ],
    }
    rec.update(over)
    return rec


def write(path: Path, data) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(data, (bytes, bytearray)):
        path.write_bytes(data)
    elif isinstance(data, str):
        path.write_text(data, encoding="utf-8")
    else:
        path.write_text(json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8")
    return path
