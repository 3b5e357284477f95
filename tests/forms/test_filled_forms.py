"""Filled forms read back from the printed page (LibreOffice → PDF → pdftotext), one test per bullet of
issue #14's "Filled forms" the earlier work left: fenxi-04's obligor income column, 初审 date and
家庭人口数; fenxi-05 as of its own date; one area for one house; yueyang-04 as the town's 复核到村 plan;
ezhou-02 with six members on one page; yueyang-01/02 dates on one line.

Workspace: tests.support.forms (fenxi, 永安镇) with changes made here, each named in its test.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess

import pytest

from archive import forms
from archive.records.load import load_record
from archive.workspace import open_workspace
from tests.support.forms import build_workspace, households
from tests.support.records import make_id

pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")]

LONG_VILLAGE = "黄沙街镇茶场社区居委会"


def _new_ids(rec, base: int) -> None:
    """Other valid ID numbers for a copy of a household (one person, one household)."""
    for i, m in enumerate(rec["members"]):
        old = m["id_number"]
        m["id_number"] = make_id(old[:6], old[6:14], base + i, m["sex"] == "男")


def _write(ws_root, rec):
    (ws_root / "households" / f"{rec['case_no']}.json").write_text(json.dumps(rec, ensure_ascii=False), "utf-8")


@pytest.fixture(scope="module")
def printed(tmp_path_factory):
    from archive.external.libreoffice import Converter

    root = tmp_path_factory.mktemp("filled")
    ws_root = build_workspace(root / "ws")
    hhs = households()
    # FX-001: the son (obligor) runs a shop; the 初审 was given on 2023-03-14; the house is recorded once
    # as property (86.5) and the housing has no area of its own
    h1 = hhs["FX-001"]
    h1["obligors"][0].update(occupation="个体经营", employer="永安镇便民超市")
    h1["events"][1]["preliminary_date"] = "2023-03-14"
    del h1["housing"]["area"]
    h1["village"] = LONG_VILLAGE
    h1["since"] = "2023-12-28"
    h1["events"] = [e for e in h1["events"] if e["id"] != "R2024"] + [
        {"id": "R2024", "type": "年度审核", "date": "2024-12-26", "year": 2024, "investigators": ["周平", "赵明"],
         "improved": False, "over_standard": False, "still_needs": True, "conclusion": "维持",
         "village_opinion": "情况属实", "town_opinion": "同意继续保障", "situation": "妻子仍需长期治疗"}]
    _write(ws_root, h1)
    # FX-002 (filed 2023-03-05 while applying) and FX-022, the same family filed again on 2024-05-01 after
    # its approval (1260.00 from 2023-04-05)
    h2 = hhs["FX-002"]
    h22 = json.loads(json.dumps(h2))
    h22["case_no"] = "FX-022"
    h22["official_relative"]["filed_date"] = "2024-05-01"
    _new_ids(h22, 60)
    _write(ws_root, h22)
    # FX-026: six members whose health and income cells take two lines, reviewed on 2024-03-18
    h26 = json.loads(json.dumps(h22))
    h26["case_no"] = "FX-026"
    h26["members"] = h26["members"][:6]
    _new_ids(h26, 70)
    for m in h26["members"]:
        m.update(health="慢性病", illness="高血压", monthly_income="1500.00", employer="永安镇某某建材有限公司")
    h26["events"] = [e for e in h26["events"] if e["type"] != "审核确认"] + [
        {"id": "D1", "type": "审核确认", "date": "2023-04-05", "approved": True, "start_month": "2023-04",
         "per_person": "180.00", "household_amount": "1080.00", "covered_count": 6},
        {"id": "R2024", "type": "年度审核", "date": "2024-03-18", "year": 2024, "investigators": ["周平", "赵明"],
         "conclusion": "维持", "situation": "家庭情况无变化"}]
    _write(ws_root, h26)
    # FX-004 (特困) in a village with a long name, in care since 2019-11-28, reviewed 2024-12-18
    h4 = hhs["FX-004"]
    h4.update(village=LONG_VILLAGE, since="2019-11-28")
    h4["extreme_poverty"]["since"] = "2019-11-28"
    h4["events"][0]["date"] = "2024-12-18"
    _write(ws_root, h4)
    # a third village for the schedule, and the town's plan: from 2025-03-28 (a Friday), 东庄村 first
    third = json.loads(json.dumps(hhs["FX-005"]))
    third.update(case_no="FX-031", village="中兴村")
    _new_ids(third, 80)
    _write(ws_root, third)
    cfg = ws_root / "dibao.toml"
    cfg.write_text(cfg.read_text("utf-8") + '\n[forms]\nreview_schedule_start = 2025-03-28\n'
                   'review_villages = ["东庄村", "城关村"]\n', "utf-8")
    ws = open_workspace(ws_root)
    hh = ws_root / "households"
    jobs = {
        "04": forms.render("fenxi-04", ws, household=hh / "FX-001.json"),
        "03": forms.render("fenxi-03", ws, household=hh / "FX-001.json"),
        "y1": forms.render("yueyang-01", ws, household=hh / "FX-001.json"),
        "05-applying": forms.render("fenxi-05", ws, household=hh / "FX-002.json"),
        "05-enjoying": forms.render("fenxi-05", ws, household=hh / "FX-022.json"),
        "e2-six": forms.render("ezhou-02", ws, household=hh / "FX-026.json"),
        "y2": forms.render("yueyang-02", ws, household=hh / "FX-004.json"),
        "y4": forms.render("yueyang-04", ws, town="永安镇"),
    }
    with Converter(workers=1) as conv:
        forms.docx_bytes_to_pdf([(r.data, root / f"{k}.pdf") for k, r in jobs.items()], conv)
    out = {}
    for k, r in jobs.items():
        pdf = root / f"{k}.pdf"
        layout = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
        out[k] = layout
        out[k + ":flat"] = re.sub(r"\s+", "", layout)
        out[k + ":pages"] = layout.count("\f") or 1
        out[k + ":warnings"] = r.warnings
    out["ws"] = ws_root
    return out


def _line_with(text: str, needle: str) -> str:
    return next(line for line in text.splitlines() if needle in line.replace(" ", ""))


def test_fenxi04_obligor_business_income_opinion_date_and_family_size(printed):
    """李强 runs a shop (个体经营): 36000/年 = 3000.00 元/月 under 经营净收入, not 其他收入项目; the 初审意见 is dated
    2023-03-14 (preliminary_date); 家庭人口数 3."""
    t = printed["04"]
    row = next(line for line in t.splitlines() if line.strip().startswith("李强"))
    header = _line_with(t, "工资性收入经营净收入")
    assert "3000.00" in row
    col = row.index("3000.00")
    # the amount stands under 经营净收入 (the header's second column), not under 工资性收入 or 其他收入项目 (the last)
    heads = {h: header.index(h) for h in ("工资性收入", "经营净收入", "财产净收入", "转移净收入")}
    assert min(heads, key=lambda h: abs(heads[h] - col)) == "经营净收入", (row, header)
    flat = printed["04:flat"]
    assert "初审意见：符合条件，同意上报" in flat and "（盖章）2023年3月14日" in flat
    assert "家庭人口数3" in flat


def test_fenxi05_as_of_its_own_date(printed):
    """Filed 2023-03-05, before the approval of 2023-04-05: 正在申请 赵德福, no 月享受金额 (not today's 1260.00).
    Filed 2024-05-01: 已享受 赵德福 with the 1260.00 in force that day."""
    a = printed["05-applying"]
    assert "1260.00" not in a
    assert "赵德福" in _line_with(a, "正在申请户") or "赵德福" in a.split("已享受")[0].split("正在申请户")[1]
    e = printed["05-enjoying"]
    assert "1260.00" in e
    assert "赵德福" not in e.split("已享受")[0].split("正在申请户")[1]


def test_one_house_one_area(printed):
    """The house (86.5㎡) prints the same on fenxi-03 and yueyang-01; a record whose housing.area says 111
    while the house says 105 is warned about by validate."""
    assert "86.5" in _line_with(printed["03"], "建筑面积").replace(" ", "") or "86.5" in printed["03:flat"]
    assert "86.5㎡" in printed["y1:flat"]
    rec = households()["FX-001"]
    rec["housing"]["area"] = "111.0"
    rec["property"]["houses"][0]["area"] = "105.0"
    path = printed["ws"] / "area.json"
    path.write_text(json.dumps(rec, ensure_ascii=False), "utf-8")
    msgs = [p.render() for p in load_record(path).problems if p.severity == "warning"]
    assert any("住房面积 111㎡" in m and "105㎡" in m for m in msgs), msgs


def test_yueyang04_is_the_towns_plan_with_half_days(printed):
    """001 附件5: 3月28日上午 黄沙村, 3月28日下午 三和村, 3月31日上午 中兴村 (29/30 a weekend).  Here: from
    2025-03-28, 东庄村 and 城关村 as listed, then 中兴村 on the next working day."""
    t = printed["y4:flat"]
    assert "1东庄村3月28日上午" in t and "2城关村3月28日下午" in t and "3中兴村3月31日上午" in t
    assert printed["y4:warnings"] == []


def test_ezhou02_six_members_on_one_page(printed):
    assert printed["e2-six:pages"] == 1
    t = printed["e2-six"]
    assert "复查人" in t and t.count("慢性病（高血压）") == 6


def test_yueyang_dates_do_not_wrap(printed):
    """A long village name and two-digit months and days: 填表时间 and 享受…时间 stay on one line each."""
    y1, y2 = printed["y1"], printed["y2"]
    assert "填表时间：2024年12月26日" in _line_with(y1, "填表时间").replace(" ", "")
    assert "2023年12月28日" in _line_with(y1, "2023年12月").replace(" ", "")
    assert "填表时间：2024年12月18日" in _line_with(y2, "填表时间").replace(" ", "")
    assert "2019年11月28日" in _line_with(y2, "2019年11月").replace(" ", "")
