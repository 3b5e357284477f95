"""Forms per program, read back from the printed PDF (LibreOffice → pdftotext): a 低保边缘 family and a
特困 person are never announced, confirmed or summed as 最低生活保障.

Workspace: tests.support.forms (fenxi, 永安镇, 城关村) plus FX-EDGE, a 低保边缘 family publicised with FX-001
(审核公示 2023-03-20..03-27, 确认公示 2023-04-06..04-13), and FX-TK, an approved 特困 person.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess

import pytest

from archive import forms
from archive.workspace import open_workspace
from tests.support.forms import _p, build_workspace

pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")]

EDGE = {
    "case_no": "FX-EDGE", "town": "永安镇", "village": "城关村", "type": "低保边缘", "hukou_type": "农业",
    "members": [_p("赵边缘", "男", "19660101", 61, "本人"), _p("钱边缘", "女", "19680101", 62, "配偶")],
    # 2023 农村 6000/年 = 500/月; 14400 ÷ 2 ÷ 12 = 600/月: between 500 and 750 (1.5×)
    "incomes": [{"year": 2023, "category": "工资性收入", "item": "打零工工资", "amount": "12000"},
                {"year": 2023, "category": "转移净收入", "item": "城乡居民基本养老保险金", "amount": "2400"}],
    "group": "12组",
    "events": [
        {"id": "A1", "type": "申请", "date": "2023-03-01", "applicant": "赵边缘", "program": "低保边缘", "reason": "收入低"},
        {"id": "V1", "type": "入户调查", "date": "2023-03-10", "investigators": ["周平", "刘芳"]},
        {"id": "P1", "type": "审核公示", "date": "2023-03-20", "end": "2023-03-27"},
        {"id": "D1", "type": "审核确认", "date": "2023-04-05", "approved": True, "covered_count": 2},
        {"id": "P2", "type": "确认公示", "date": "2023-04-06", "end": "2023-04-13"},
    ],
}
TEKUN = {
    "case_no": "FX-TK", "town": "永安镇", "village": "城关村", "type": "特困", "hukou_type": "非农业",
    "members": [_p("孙特困", "男", "19450101", 71, "本人")],
    "extreme_poverty": {"care_mode": "分散供养", "self_care": "全护理", "caregiver": "孙护理"},
    "incomes": [{"year": 2023, "category": "转移净收入", "item": "惠农政策补贴", "amount": "0"}],
    "bank_account": {"bank": "汾西县农村信用合作联社", "card_number": "6217000012345670001", "holder": "孙特困"},
    "events": [
        {"id": "A1", "type": "申请", "date": "2023-03-01", "applicant": "孙特困", "program": "特困人员供养", "reason": "无劳动能力"},
        {"id": "V1", "type": "入户调查", "date": "2023-03-10", "investigators": ["周平", "刘芳"]},
        {"id": "D1", "type": "审核确认", "date": "2023-04-05", "approved": True, "start_month": "2023-05", "covered_count": 1,
         "per_person": "1413.00", "household_amount": "1413.00"},
    ],
    "payments": [{"month": "2023-05", "amount": "1413.00"}],
}


@pytest.fixture(scope="module")
def texts(tmp_path_factory):
    from archive.external.libreoffice import Converter

    root = tmp_path_factory.mktemp("progforms")
    ws_root = build_workspace(root / "ws")
    for rec in (EDGE, TEKUN):
        (ws_root / "households" / f"{rec['case_no']}.json").write_text(json.dumps(rec, ensure_ascii=False), "utf-8")
    ws = open_workspace(ws_root)
    hh = ws_root / "households"
    jobs = {
        "07-dibao": forms.render("fenxi-07", ws, village="城关村", date="2023-03-20"),
        "07-edge": forms.render("fenxi-07", ws, village="城关村", date="2023-03-20", program="低保边缘"),
        "10-edge": forms.render("fenxi-10", ws, village="城关村", date="2023-04-06", program="低保边缘"),
        "09-edge": forms.render("fenxi-09", ws, household=hh / "FX-EDGE.json"),
        "09-tekun": forms.render("fenxi-09", ws, household=hh / "FX-TK.json"),
        "09-dibao": forms.render("fenxi-09", ws, household=hh / "FX-001.json"),
        "11": forms.render("fenxi-11", ws, town="永安镇", month="2023-05"),
        "y3-edge": forms.render("yueyang-03", ws, household=hh / "FX-EDGE.json"),
    }
    items = [(r.data, root / f"{k}.pdf") for k, r in jobs.items()]
    with Converter(workers=1) as conv:
        forms.docx_bytes_to_pdf(items, conv)
    out = {}
    for k, r in jobs.items():
        raw = subprocess.run(["pdftotext", "-raw", str(root / f"{k}.pdf"), "-"], capture_output=True, text=True,
                             check=True).stdout
        out[k] = re.sub(r"\s+", "", raw)
        out[k + ":warnings"] = r.warnings
    return out


def test_review_notice_per_program(texts):
    t = texts["07-edge"]
    assert "低保边缘家庭审核公示单" in t and "申请低保边缘家庭认定" in t and "赵边缘" in t
    assert "最低生活保障" not in t and "李建国" not in t
    d = texts["07-dibao"]
    assert "最低生活保障对象审核公示单" in d and "赵边缘" not in d
    assert any("低保边缘" in w for w in texts["07-dibao:warnings"])
    assert "（8天）" in d          # 2023-03-20..2023-03-27: the dates' 8 days, not the setting's 7


def test_confirm_notice_edge_has_no_amount(texts):
    t = texts["10-edge"]
    assert "低保边缘家庭确认公示单" in t and "认定为低保边缘家庭" in t
    assert "纳入最低生活保障范围" not in t and "0.00" not in t


def test_decision_form_ticks_and_wording(texts):
    e = texts["09-edge"]
    assert "低保边缘家庭审核确认表" in e and "拟同意认定为低保边缘家庭" in e and "低保边缘☑" in e
    assert "农村低保☑" not in e and "补助金额0.00" not in e and "补助金额—元/月" in e and "元/月（年）" not in e
    k = texts["09-tekun"]
    assert "特困人员救助供养审核确认表" in k and "纳入特困人员救助供养范围" in k
    # four boxes, three empty ones named: the one ticked is 特困 (the line may wrap between 特困 and its box)
    boxes = k[k.index("保障类别"):k.index("所在单位")]
    assert "城市低保□" in boxes and "农村低保□" in boxes and "低保边缘□" in boxes and boxes.count("☑") == 1
    # 城市 7500/年 = 625/月 × 1.3 = 812.5 → 813 基本生活费 + 全护理 600 = 1413.00
    assert "1413.00" in k


def test_monthly_roster_leaves_out_edge(texts):
    t = texts["11"]
    assert "孙特困" in t and "特困" in t and "1413.00" in t
    assert "赵边缘" not in t


def test_decision_form_occupation_categories_incomes_and_property(texts):
    """FX-001: 李建国 灵活就业人员 400.00元/月; 李小明 (9, 在校学生) → 其他人员 (the form's category for under 18);
    家庭经济状况 names the property (存款 2000.00, 1 house of 86.5㎡, 1 vehicle) besides income."""
    t = texts["09-dibao"]
    assert "灵活就业人员400.00元/月" in t and "在校学生" not in t
    assert "家庭财产：银行存款2000.00元" in t and "房产1处（86.5㎡）" in t and "元/月（年）" not in t


def test_assessment_group_and_basic_pension(texts):
    """yueyang-03: group "12组" prints "12组" once; 城乡居民基本养老保险金 2400 is not in the
    离退休养老保险金（不含基础养老金） row but under 其他收入; the transfer total is labelled as such."""
    t = texts["y3-edge"]
    assert "12组" in t and "12组组" not in t
    assert "离退休养老保险金（不含基础养老金）2400" not in t and "其他收入2400.00" in t
    assert "转移性收入合计2400.00" in t
