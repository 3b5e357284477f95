"""dibao demo: a sample workspace whose complete households are really complete and whose
planted gaps are exactly those listed in demo-planted.json."""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from decimal import Decimal

import pytest
from click.testing import CliRunner

from archive import ids
from archive.records.attachments import collect
from archive.records.calc import compute
from archive.sample.demo import PLANTED_NAME, generate, planted
from archive.sample.history import CARE_FEES
from archive.sample.people import NEARBY
from archive.errors import InputError
from archive.records.load import cross_checks, load_record
from archive.workdays import workdays_between

KINDS = {"missing_scan", "missing_disability_certificate", "missing_photos", "missing_check_report",
         "missing_annual_review", "missing_field", "late_review", "late_refusal_notice", "short_publicity",
         "over_standard", "payment_mismatch"}


@pytest.fixture(scope="module")
def demo_ws(demo_ws_factory):
    return demo_ws_factory(households=12, seed=11, profile="yueyang", scans=True)


def _load_all(ws):
    recs = [load_record(p, ws.root) for p in ws.record_paths()]
    cross_checks(recs)
    return recs


# ------------------------------------------------------------------ a reference check of the rules

def findings(hh, ws, last_year: int, scans: bool = True) -> set[tuple]:
    """What a strict reading of demo PLANTED_RULES finds missing or wrong in one household."""
    cfg = ws.config
    out: set[tuple] = set()
    app = hh.events_of("申请")[0]
    refused = hh.events_of("不予批准")
    exit_ = hh.events_of("退出")
    end = exit_[0].date.year if exit_ else last_year
    active = [app.date.year] if refused else list(range(app.date.year, end + 1))
    reviews = {(e.year if e.type == "年度审核" else e.date.year) for e in hh.events_of("年度审核", "定期核查")}
    form = cfg.annual_review_form_tekun if hh.type == "特困" else cfg.annual_review_form
    for y in active[1:] if not refused else []:
        if y not in reviews:
            out.add(("missing_annual_review", y, form))
    if scans:
        _scan_findings(hh, ws, active, out)
    ep = hh.extreme_poverty
    # fields
    for i, e in enumerate(hh.events):
        if e.type == "申请" and e.accepted is None:
            out.add(("missing_field", f"events[{i}].accepted"))
        if e.type == "入户调查" and not e.household_rep:
            out.add(("missing_field", f"events[{i}].household_rep"))
        if e.type == "年度审核" and not e.town_opinion:
            out.add(("missing_field", f"events[{i}].town_opinion"))
    for i, m in enumerate(hh.members):
        if not m.id_number:
            out.add(("missing_field", f"members[{i}].id_number"))
    if app.is_official_relative and hh.official_relative is None:
        out.add(("missing_field", "official_relative"))
    if ep and ep.care_mode == "分散供养" and not ep.caregiver:
        out.add(("missing_field", "extreme_poverty.caregiver"))
    # deadlines and publicity
    dec = hh.events_of("审核确认")
    if dec and app.accepted:
        limit = cfg.review_extended_working_days if app.extended else cfg.review_working_days
        if workdays_between(app.accepted, dec[0].date) > limit:
            out.add(("late_review", dec[0].id))
    for r in refused:
        if workdays_between(r.date, r.notified) > cfg.refusal_notice_working_days:
            out.add(("late_refusal_notice", r.id))
    for e in hh.events_of("审核公示", "确认公示"):
        need = cfg.review_publicity_days if e.type == "审核公示" else cfg.confirm_publicity_days
        if (e.end - e.date).days < need:
            out.add(("short_publicity", e.id))
    if refused:
        return out
    # income, amounts and payments
    by_year: dict[int, Decimal] = {}
    by_year[app.date.year] = dec[0].household_amount
    change_month: dict[int, int] = {}
    for c in hh.events_of("变更"):
        a = c.after.amounts
        by_year[c.date.year] = a.basic + a.classified + a.fallback + a.other
        change_month[c.date.year] = c.date.month
    for y in active:
        c = compute(hh, cfg, y)
        if hh.type in ("城市低保", "农村低保", "特困") and not c.eligible:
            out.add(("over_standard", y))
            continue
        if hh.type == "低保边缘":
            assert c.standard.monthly <= c.per_capita_monthly < c.standard.monthly * Decimal("1.5")
            assert dec[0].household_amount == 0 and not hh.payments
            continue
        amount = by_year[max(k for k in by_year if k <= y)]
        if hh.type == "特困":
            import math
            basic = Decimal(math.ceil(c.standard.monthly * Decimal("1.3")))
            assert amount == basic + CARE_FEES[ep.self_care], (hh.case_no, y)
        else:
            assert amount == c.household_total, (hh.case_no, y)
    amounts = sorted(by_year.items())
    for p in hh.payments:
        if p.kind != "正常发放":
            continue
        y, m = map(int, p.month.split("-"))
        cm = change_month.get(y)
        year_amt = max((a for a in amounts if a[0] <= y))[1]
        prev = max((a for a in amounts if a[0] < y), default=(0, year_amt))[1]
        expected = prev if cm and m <= cm else year_amt
        if p.amount != expected:
            out.add(("payment_mismatch", p.month))
    # each year's payments (with its 提标补发) add up to the months paid times that year's amount
    bad_years = {int(f[1][:4]) for f in out if f[0] == "payment_mismatch"}
    for y in {int(p.month[:4]) for p in hh.payments} - bad_years:
        months = {p.month for p in hh.payments if p.month.startswith(f"{y}-")}
        year_amt = max((a for a in amounts if a[0] <= y))[1]
        paid = sum((p.amount for p in hh.payments if p.month.startswith(f"{y}-")), Decimal(0))
        assert paid == year_amt * len(months), (hh.case_no, y)
    return out


def _scan_findings(hh, ws, active: list[int], out: set) -> None:
    found, notes = collect(hh, ws.root)
    assert not notes, notes
    have = Counter((s.type, s.member, s.year) for s in found)
    types = Counter(s.type for s in found)
    if not types["户口簿"]:
        out.add(("missing_scan", "户口簿", None, None))
    for m in hh.members:
        if not have[("身份证", m.name, None)]:
            out.add(("missing_scan", "身份证", m.name, None))
        if m.disability and not have[("残疾证", m.name, None)]:
            out.add(("missing_disability_certificate", "残疾证", m.name, None))
    for x in hh.expenses:
        what = {"重病": "疾病诊断证明", "教育": "学籍证明"}[x.kind]
        if not have[(what, x.member, x.year)]:
            out.add(("missing_scan", what, x.member, x.year))
    for y in active:
        if have[("入户照片", None, y)] < 3:
            out.add(("missing_photos", y))
        if not have[("核对报告", None, y)]:
            out.add(("missing_check_report", "核对报告", None, y))
    ep = hh.extreme_poverty
    if ep and ep.care_mode == "分散供养" and not types["照料护理协议"]:
        out.add(("missing_scan", "照料护理协议", None, None))


def planted_keys(entries: list[dict]) -> set[tuple]:
    out = set()
    for e in entries:
        k = e["kind"]
        if k in ("missing_scan", "missing_disability_certificate", "missing_check_report"):
            out.add((k, e["what"], e.get("member"), e.get("year")))
        elif k == "missing_photos":
            out.add((k, e["year"]))
        elif k == "missing_annual_review":
            out.add((k, e["year"], e["form"]))
        elif k == "missing_field":
            out.add((k, e["field"]))
        elif k in ("late_review", "late_refusal_notice", "short_publicity"):
            out.add((k, e["event"]))
        elif k == "over_standard":
            out.add((k, e["year"]))
        elif k == "payment_mismatch":
            out.add((k, e["month"]))
    return out


# ------------------------------------------------------------------ tests

def test_all_records_validate(demo_ws):
    recs = _load_all(demo_ws)
    assert len(recs) == 12
    errors = [p.render() for r in recs for p in r.problems if p.severity == "error"]
    assert errors == []


def test_id_numbers_valid_and_consistent(demo_ws):
    seen = set()
    for r in _load_all(demo_ws):
        hh = r.household
        for p in list(hh.members) + list(hh.obligors):
            if not p.id_number:
                continue
            assert ids.is_valid(p.id_number), p.name
            assert p.id_number[:6] in NEARBY["yueyang"]
            assert ids.birth_date(p.id_number) == p.birth_date
            assert ids.sex(p.id_number) == p.sex
            assert p.id_number not in seen
            seen.add(p.id_number)
        head = hh.head
        for m in hh.members:
            if m.relation in ("子", "女"):
                assert 15 <= (m.birth_date.year - head.birth_date.year) <= 40
            if m.relation in ("子", "女", "配偶", "父亲", "母亲") and m.relation != "配偶":
                assert m.name[0] == head.name[0]


def test_mix_of_cases(demo_ws):
    hhs = [r.household for r in _load_all(demo_ws)]
    assert {h.type for h in hhs} == {"城市低保", "农村低保", "特困", "低保边缘"}
    assert any(h.events_of("不予批准") for h in hhs)
    assert any(h.events_of("退出") for h in hhs)
    assert any(h.events_of("再次调查") and h.events_of("审核公示")[0].objection for h in hhs)
    assert any(h.events_of("申请")[0].is_official_relative for h in hhs)
    tekun = [h.extreme_poverty.care_mode for h in hhs if h.type == "特困"]
    assert "分散供养" in tekun and "集中供养" in tekun
    assert len({h.village for h in hhs}) >= 3
    assert any(p.kind == "提标补发" for h in hhs for p in h.payments)
    for h in hhs:   # every event has an id; every approved case was decided and published
        assert all(e.id for e in h.events)
        if not h.events_of("不予批准"):
            assert [e.type for e in h.events[:2]] == ["申请", "入户调查"]
            assert h.events_of("审核确认")[0].approved and h.events_of("确认公示")
    last = max(p.month for h in hhs for p in h.payments)
    assert last <= "2025-12" and max(e.date for h in hhs for e in h.events) < dt.date.today()


def test_planted_gaps_are_exactly_what_a_strict_check_finds(demo_ws):
    data = planted(demo_ws.root)
    assert data["scans"] is True and data["households"] == 12
    by_case: dict[str, list[dict]] = {}
    for g in data["gaps"]:
        assert g["kind"] in KINDS
        by_case.setdefault(g["case_no"], []).append(g)
    assert 1 <= len(by_case) <= 4 and sorted(by_case) == data["incomplete_households"]
    recs = {r.household.case_no: r.household for r in _load_all(demo_ws)}
    assert set(by_case) <= set(recs)
    for case_no, hh in recs.items():
        found = findings(hh, demo_ws, data["last_year"])
        assert found == planted_keys(by_case.get(case_no, [])), case_no


def test_scan_files_follow_the_naming_convention(demo_ws):
    data = planted(demo_ws.root)
    for r in _load_all(demo_ws):
        hh = r.household
        folder = demo_ws.scans_dir / hh.case_no
        names = {p.name for p in folder.iterdir()}
        assert {"户口簿.jpg", "户口簿.pdf"} & names or hh.case_no in data["incomplete_households"]
        for p in folder.iterdir():
            assert p.stat().st_size > 5000
            head = p.read_bytes()[:4]
            assert head in (b"%PDF", b"\xff\xd8\xff\xe0", b"\xff\xd8\xff\xdb", b"\xff\xd8\xff\xe1")
        signed = data["signed_forms"].get(hh.case_no, [])
        assert all((folder / n).is_file() for n in signed)
    total = sum(p.stat().st_size for p in demo_ws.scans_dir.rglob("*") if p.is_file())
    assert total < 40 * 2**20


def test_check_report_has_a_text_layer(demo_ws):
    pypdf = pytest.importorskip("pypdf")
    pdf = next(demo_ws.scans_dir.rglob("核对报告_*.pdf"))
    text = pypdf.PdfReader(pdf).pages[0].extract_text().replace("\x00", "")  # pypdf leaves NULs in CID text
    assert "核对报告" in text


def test_audit_reports_exactly_the_planted_gaps(demo_ws):
    audit = pytest.importorskip("archive.audit")
    compare = pytest.importorskip("archive.sample.planted").compare
    res = audit.audit_workspace(demo_ws, jobs=1)
    data = planted(demo_ws.root)
    c = compare(res, data)
    assert c.not_found == [] and c.unplanted == []
    # a complete household given signed scans of its forms is complete in the audit's eyes
    signed_complete = set(data["signed_forms"]) - set(data["incomplete_households"])
    assert signed_complete
    assert all(h.complete and not h.flags for h in res.households if h.case_no in signed_complete)


def test_same_seed_same_records(tmp_path):
    a = generate(tmp_path / "a", households=15, seed=3, scans=False)
    b = generate(tmp_path / "b", households=15, seed=3, scans=False)
    c = generate(tmp_path / "c", households=15, seed=4, scans=False)
    files_a = sorted(p.relative_to(a.root) for p in a.record_paths())
    assert files_a == sorted(p.relative_to(b.root) for p in b.record_paths())
    for rel in files_a:
        assert (a.root / rel).read_bytes() == (b.root / rel).read_bytes()
    assert (a.root / PLANTED_NAME).read_bytes() == (b.root / PLANTED_NAME).read_bytes()
    assert [p.read_bytes() for p in a.record_paths()] != [p.read_bytes() for p in c.record_paths()]


@pytest.mark.parametrize("profile", ["fenxi", "ezhou", "yueyang"])
def test_every_profile_validates_and_checks_out(tmp_path, profile):
    ws = generate(tmp_path / profile, households=40, seed=2, profile=profile, scans=False)
    recs = _load_all(ws)
    assert [p.render() for r in recs for p in r.problems if p.severity == "error"] == []
    data = planted(ws.root)
    assert not any(g["kind"].startswith("missing_scan") for g in data["gaps"])
    kinds = {g["kind"] for g in data["gaps"]}
    assert {"late_review", "over_standard"} <= kinds
    hhs = [r.household for r in recs]
    review_type = "定期核查" if profile == "fenxi" else "年度审核"
    assert any(h.events_of(review_type) for h in hhs)
    other = "年度审核" if profile == "fenxi" else "定期核查"
    # outside fenxi a 定期核查 is only the half-yearly re-check of a household with unstable income (003 §三(三))
    assert not any("半年" not in (e.situation or "") for h in hhs for e in h.events_of(other))
    assert hhs[0].town == {"fenxi": "永安镇", "ezhou": "西山街道", "yueyang": "黄沙街镇"}[profile]
    for h in hhs:
        case_gaps = [g for g in data["gaps"] if g["case_no"] == h.case_no]
        found = findings(h, ws, data["last_year"], scans=False)
        expected = planted_keys(case_gaps)
        assert found == expected, h.case_no


def test_refuses_a_folder_that_is_not_empty(tmp_path):
    (tmp_path / "x").mkdir()
    (tmp_path / "x" / "note.txt").write_text("keep")
    with pytest.raises(InputError):
        generate(tmp_path / "x", households=3, scans=False)
    assert (tmp_path / "x" / "note.txt").read_text() == "keep"


def test_cli_demo_prints_where_things_are(tmp_path):
    from cli import main

    out = tmp_path / "样例"
    res = CliRunner().invoke(main, ["demo", "--out", str(out), "-n", "6", "--seed", "2", "--no-scans", "--no-run"])
    assert res.exit_code == 0, res.output
    assert str(out / "households") in res.output and PLANTED_NAME in res.output
    assert len(list((out / "households").rglob("*.json"))) == 6
    res = CliRunner().invoke(main, ["demo", "--out", str(out), "-n", "6"])
    assert res.exit_code == 3 and "不是空目录" in res.output


@pytest.mark.slow
def test_cli_demo_runs_every_stage(tmp_path):
    from cli import main

    out = tmp_path / "full"
    res = CliRunner().invoke(main, ["demo", "--out", str(out), "-n", "2", "--seed", "9", "--profile", "fenxi"])
    assert res.exit_code == 0, res.output
    assert "检查了 2 户记录，全部通过" in res.output
    assert "结果：" in res.output and str(out) in res.output
    assert json.loads((out / PLANTED_NAME).read_text("utf-8"))["profile"] == "fenxi"
