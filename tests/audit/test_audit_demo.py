"""The audit on sample workspaces (archive.sample.demo): it finds every planted gap and nothing else.

The demo plants gaps of the kinds listed in archive/sample/planted.py and gives only some
households signed scans, so 待签字归档 (and 提醒) are not compared; a demo without scans is
compared on record kinds only.  The audit date is the start of the year after the demo's
history, so no review of an unfinished year is due.
"""

import copy
import datetime as dt
import json
import shutil

import openpyxl
import pytest
from click.testing import CliRunner

from archive.audit import audit_workspace, missing_for
from archive.sample.planted import PLANTED_GAP_KINDS, compare, compared_kinds

SCAN_KINDS = ("missing_scan", "missing_check_report", "missing_disability_certificate", "missing_photos")
from archive.sample.demo import generate, planted
from archive.records.model import Household
from cli import main


def as_of(p: dict) -> dt.date:
    return dt.date(p["last_year"] + 1, 3, 1)


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    root = tmp_path_factory.mktemp("audit-demo") / "ws"
    ws = generate(root, households=16, seed=3, profile="fenxi", scans=True)
    return ws, planted(ws.root)


def test_every_planted_gap_found_and_nothing_else(demo):
    ws, p = demo
    kinds = {g["kind"] for g in p["gaps"]}
    assert kinds & set(SCAN_KINDS) and kinds - set(SCAN_KINDS) and len(kinds) >= 4   # scan and record gaps
    r = audit_workspace(ws, as_of=as_of(p))
    c = compare(r, p)
    assert c.not_found == [] and c.unplanted == []
    reported = {h.case_no for h in r.households if any(g.kind in PLANTED_GAP_KINDS for g in h.gaps) or h.flags}
    assert reported == set(p["incomplete_households"])
    # 待签字归档 is reported but not planted: every household without signed scans has it
    unsigned = {h.case_no for h in r.households if any(g.kind == "待签字归档" for g in h.gaps)}
    assert unsigned and unsigned >= set(p["incomplete_households"]) - set(p["signed_forms"])


def test_missing_scan_and_field_added_close_the_gaps(demo, tmp_path):
    ws0, p = demo
    root = tmp_path / "ws"
    shutil.copytree(ws0.root, root)
    from archive.workspace import open_workspace

    ws = open_workspace(root)
    p = copy.deepcopy(p)
    scan = next(g for g in p["gaps"] if g["kind"] in ("missing_scan", "missing_check_report",
                                                         "missing_disability_certificate"))
    field = next((g for g in p["gaps"] if g["kind"] == "missing_field"), None)
    if field is None:   # this seed plants no missing field: take one out of a complete household ourselves
        case = next(c for c in sorted(_case_nos(ws)) if c not in p["incomplete_households"])
        path = next(ws.households_dir.rglob(f"{case}.json"))
        rec = json.loads(path.read_text("utf-8"))
        i = next(i for i, e in enumerate(rec["events"]) if e["type"] == "入户调查")
        del rec["events"][i]["household_rep"]
        path.write_text(json.dumps(rec, ensure_ascii=False, indent=1), encoding="utf-8")
        field = {"case_no": case, "kind": "missing_field", "field": f"events[{i}].household_rep",
                 "event": rec["events"][i]["id"]}
        p["gaps"].append(field)
        p["incomplete_households"].append(case)
    before = audit_workspace(ws, as_of=as_of(p))
    assert compare(before, p).ok

    # the clerk scans the missing paper, named by the convention
    name = scan["what"] + (f"_{scan['member']}" if scan.get("member") else "") + \
        (f"_{scan['year']}" if scan.get("year") else "") + ".jpg"
    folder = ws.scans_dir / scan["case_no"]
    (folder / name).write_bytes((next(folder.glob("*.jpg"))).read_bytes())
    # ... and asks for the missing data
    path = next(ws.households_dir.rglob(f"{field['case_no']}.json"))
    rec = json.loads(path.read_text("utf-8"))
    _fill(rec, field["field"])
    path.write_text(json.dumps(rec, ensure_ascii=False, indent=1), encoding="utf-8")

    after = audit_workspace(ws, as_of=as_of(p))
    rest = {**p, "gaps": [g for g in p["gaps"] if g is not scan and g is not field]}
    c = compare(after, rest)
    assert c.not_found == [] and c.unplanted == []
    assert after.missing_count < before.missing_count


def _case_nos(ws) -> list[str]:
    return [f.stem for f in ws.households_dir.rglob("*.json")]


def _fill(rec: dict, path: str) -> None:
    """Put back a field the demo removed, with a plausible value."""
    values = {"accepted": None, "household_rep": rec["members"][0]["name"], "town_opinion": "同意继续保障。",
              "caregiver": "张照护", "official_relative": {"official_name": "李干部", "unit": "村委会", "post": "委员",
                                                           "relation": "兄弟"}}
    if path.startswith("events["):
        i = int(path[7:path.index("]")])
        key = path.rsplit(".", 1)[-1]
        ev = rec["events"][i]
        ev[key] = ev["date"] if key == "accepted" else values[key]
    elif path.startswith("members["):
        from archive.ids import check_char

        i = int(path[8:path.index("]")])
        m = rec["members"][i]
        birth = m.get("birth_date", "1980-01-01").replace("-", "")
        first17 = f"141029{birth}{'123' if m['sex'] == '男' else '124'}"
        m["id_number"] = first17 + check_char(first17)
    elif path == "extreme_poverty.caregiver":
        rec["extreme_poverty"]["caregiver"] = values["caregiver"]
    else:
        rec[path] = values[path]


def test_cli_on_demo_exit_code_and_xlsx(demo, tmp_path):
    ws, p = demo
    dest = tmp_path / "审计.xlsx"
    res = CliRunner().invoke(main, ["--workspace", str(ws.root), "audit", "--date", as_of(p).isoformat(),
                                    "--xlsx", str(dest), "--kind", "缺扫描件"])
    assert res.exit_code == 1, res.output
    wb = openpyxl.load_workbook(dest)
    villages = sorted({json.loads(f.read_text("utf-8"))["village"] for f in ws.households_dir.rglob("*.json")})
    assert wb.sheetnames[0] == "汇总" and sorted(wb.sheetnames[1:]) == villages
    scans = [g for g in p["gaps"] if g["kind"] in ("missing_scan", "missing_check_report")]
    rows = [r for name in wb.sheetnames[1:] for r in wb[name].iter_rows(min_row=2, values_only=True)]
    assert sorted(r[2] for r in rows if r[5] == "缺扫描件") == sorted(g["case_no"] for g in scans)
    total = [r for r in wb["汇总"].iter_rows(values_only=True) if r[1] == "合计"][0]
    assert total[2] == p["households"]


def test_missing_for_one_household(demo):
    ws, p = demo
    g = next(g for g in p["gaps"] if g["kind"] == "missing_scan")
    path = next(ws.households_dir.rglob(f"{g['case_no']}.json"))
    hh = Household.model_validate_json(path.read_bytes())
    lines = missing_for(hh, ws, as_of=as_of(p))
    assert any(g["what"] in line and "（缺扫描件）" in line for line in lines)


@pytest.mark.parametrize("profile", ["fenxi", "ezhou", "yueyang"])
def test_records_only_demo_of_each_profile(tmp_path, profile):
    """Many households without scans: every record gap (缺表, 缺数据, 超时限, flags) found, nothing else."""
    ws = generate(tmp_path / profile, households=150, seed=21, profile=profile, scans=False)
    p = planted(ws.root)
    assert compared_kinds(p) == ("缺表", "缺数据", "超时限")
    kinds = {g["kind"] for g in p["gaps"]}
    assert {"missing_annual_review", "missing_field", "payment_mismatch", "short_publicity"} <= kinds
    c = compare(audit_workspace(ws, as_of=as_of(p)), p)
    assert c.not_found == [] and c.unplanted == []
