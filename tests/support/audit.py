"""Hand-made households for the audit tests: one complete fenxi household and ways to break it."""

from __future__ import annotations

import copy
import datetime as dt
import json
from pathlib import Path

from archive.ids import check_char
from archive.workspace import init_workspace, open_workspace

AS_OF = dt.date(2026, 1, 15)


def id_number(birth: str, seq: int, male: bool, area: str = "141029") -> str:
    s = f"{seq:02d}{1 if male else 2}"
    first17 = f"{area}{birth}{s}"
    return first17 + check_char(first17)


def complete_record(case_no: str = "YA-001", village: str = "东关村", group: str = "3组", seq: int = 1) -> dict:
    """A 农村低保 household approved in 2024, reviewed in 2025, paid monthly, nothing missing.

    Its 600.00 is the computed amount: (6300 − 5400 ÷ 2) ÷ 12 = 300.00 per person × 2 (fenxi 2024 农村 6300/年)."""
    head_id = id_number("19650304", seq, True)
    wife_id = id_number("19680512", seq, False)
    pays = [{"month": f"{y}-{m:02d}", "amount": "600.00", "kind": "正常发放"}
            for y, months in ((2024, range(4, 13)), (2025, range(1, 13))) for m in months]
    return {
        "schema_version": 1, "case_no": case_no, "town": "永安镇", "village": village, "group": group,
        "type": "农村低保", "hukou_type": "农业", "since": "2024-03-20",
        "members": [
            {"name": f"王大山{seq}", "sex": "男", "id_number": head_id, "relation": "本人", "health": "慢性病"},
            {"name": f"李秀英{seq}", "sex": "女", "id_number": wife_id, "relation": "配偶"},
        ],
        "incomes": [
            {"year": 2024, "category": "工资性收入", "item": "打零工工资", "amount": "5400"},
            {"year": 2025, "category": "工资性收入", "item": "打零工工资", "amount": "3000"},
        ],
        "bank_account": {"bank": "山西汾西农村商业银行", "card_number": "6220660000000001", "holder": f"王大山{seq}"},
        "events": [
            {"id": "e1", "type": "申请", "date": "2024-02-01", "accepted": "2024-02-02", "applicant": f"王大山{seq}",
             "program": "农村最低生活保障", "reason": "夫妻二人年老多病，无固定收入。"},
            {"id": "e2", "type": "入户调查", "date": "2024-02-20", "investigators": ["郭建平", "王丽萍"],
             "household_rep": f"王大山{seq}"},
            {"id": "e3", "type": "审核公示", "date": "2024-03-01", "end": "2024-03-07"},
            {"id": "e4", "type": "审核确认", "date": "2024-03-20", "approved": True, "start_month": "2024-04",
             "per_person": "300.00", "household_amount": "600.00", "covered_count": 2},
            {"id": "e5", "type": "确认公示", "date": "2024-03-22", "end": "2024-03-28"},
            {"id": "e6", "type": "定期核查", "date": "2025-05-10", "investigators": ["郭建平", "王丽萍"],
             "situation": "家庭情况无变化。", "conclusion": "继续保障。"},
        ],
        "payments": pays,
    }


SCANS = ("户口簿.jpg", "身份证_{head}.jpg", "身份证_{wife}.jpg",
         "入户照片_2024_1.jpg", "入户照片_2024_2.jpg", "入户照片_2024_3.jpg",
         "入户照片_2025_1.jpg", "入户照片_2025_2.jpg", "入户照片_2025_3.jpg",
         "核对报告_2024.pdf", "核对报告_2025.pdf",
         "签字表_fenxi-01.pdf", "签字表_fenxi-02.pdf", "签字表_fenxi-03.pdf", "签字表_fenxi-04.pdf",
         "签字表_fenxi-09.pdf", "签字表_fenxi-12_2025.pdf", "银行卡.jpg", "发放花名册_2024.pdf", "发放花名册_2025.pdf")


def make_workspace(root: Path, profile: str = "fenxi"):
    return init_workspace(root, profile)


def write_record(ws, rec: dict) -> Path:
    folder = ws.households_dir / rec["village"]
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{rec['case_no']}.json"
    path.write_text(json.dumps(rec, ensure_ascii=False, indent=1), encoding="utf-8")
    return path


def add_notice_photos(ws, rec: dict) -> None:
    """The village's 公示照片 of each publicity of the record (scans/村级/<村>/公示照片_<开始日期>_1.jpg)."""
    folder = ws.scans_dir / "村级" / rec["village"]
    folder.mkdir(parents=True, exist_ok=True)
    for e in rec["events"]:
        if e["type"] in ("审核公示", "确认公示"):
            (folder / f"公示照片_{e['date']}_1.jpg").write_bytes(b"\xff\xd8\xff\xe0 notice")


def add_scans(ws, rec: dict, names=SCANS, notice_photos: bool = True) -> Path:
    if notice_photos:
        add_notice_photos(ws, rec)
    folder = ws.scans_dir / rec["case_no"]
    folder.mkdir(parents=True, exist_ok=True)
    head, wife = rec["members"][0]["name"], rec["members"][1]["name"]
    for n in names:
        name = n.format(head=head, wife=wife)
        data = b"%PDF-1.4\n%scan\n" if name.endswith(".pdf") else b"\xff\xd8\xff\xe0 scan"
        (folder / name).write_bytes(data)
    return folder


def complete_workspace(root: Path, n: int = 1):
    ws = make_workspace(root)
    recs = []
    for i in range(1, n + 1):
        rec = complete_record(f"YA-{i:03d}", seq=i)
        write_record(ws, rec)
        add_scans(ws, rec)
        recs.append(rec)
    return open_workspace(ws.root), recs


def variant(rec: dict, **changes) -> dict:
    out = copy.deepcopy(rec)
    out.update(changes)
    return out
