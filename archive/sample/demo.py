"""`dibao demo`: a complete sample workspace for trying dibao and for tests and benchmarks.

    generate(out_dir, households=60, seed=1, profile="yueyang", town=None, scans=True) -> Workspace

writes dibao.toml, households/<村>/<对象编号>.json, scans/<对象编号>/... (synthetic page
images and PDFs) and demo-planted.json: the exact list of gaps planted on purpose in about
a fifth of the households, so the audit has real work and its findings can be checked.
Every other household is complete (see PLANTED_RULES).  The same seed gives the same
records byte for byte; nothing depends on today's date except that the history (2021 to
2025) never reaches into the future.  With scans=False only records are written, about a
millisecond a household, for benchmarks of 10,000 to 100,000 records.
"""

from __future__ import annotations

import datetime as dt
import json
import random
from pathlib import Path

from archive.records.calc import compute
from archive.sample.history import Draft, HistoryMaker
from archive.sample.people import NEARBY, IdIssuer, locality
from archive.sample.plan import (RECORD_KINDS, SCAN_KINDS, apply_record_gap, choose_planted, late_review_gap,
                               over_standard_gap, pick_kinds, remove_review, scenarios)
from archive.sample.scans import SIGNED_SHARE, apply_scan_gap, plan, render_all, signed_jobs, slim, write_quick
from archive.errors import InputError
from archive.fsutil import atomic_write_text, ensure_dir
from archive.records.model import Household
from archive.workspace import Workspace, init_workspace

FIRST_YEAR = 2021
LAST_YEAR = 2025
PLANTED_NAME = "demo-planted.json"
PLANTED_VERSION = 1
KEY_ORDER = tuple(Household.model_fields)

# What a complete demo household satisfies (the audit's yardstick); written into demo-planted.json.
PLANTED_RULES = {
    "active_years": "approved: from the year of 申请 to 2025 (or to the year of 退出); refused: the year of 申请",
    "annual_review": "every active year after the year of 申请 has one 年度审核 (year = that year) or, in fenxi, "
                     "one 定期核查 dated in that year; form yueyang-01 (yueyang-02 for 特困), ezhou-02, fenxi-12",
    "scans": "户口簿; 身份证_<member> for every member; 残疾证_<member> for every member with a disability; "
             "疾病诊断证明_<member>_<year> for every 重病 expense and 学籍证明_<member>_<year> for every 教育 expense; "
             "at least 3 入户照片_<year>_<n> and one 核对报告_<year> for every active year; 照料护理协议 for 分散供养 特困",
    "deadlines": "审核确认 within 30 working days after 申请.accepted (45 when extended; archive.workdays.workdays_between); "
                 "不予批准.notified within 3 working days after its date",
    "publicity": "审核公示 and 确认公示: end - date == configured days (publicity.review_days / confirm_days)",
    "income": "城市/农村低保 and 特困: compute(year).eligible for every active year; 低保边缘: per-capita monthly income "
              "between 1 and 1.5 times the monthly standard, approved with amount 0.00 and no payments",
    "amounts": "monthly household amount: 审核确认.household_amount from start_month; a 变更 takes effect from January of "
               "its year (after.amounts summed); 低保 amounts equal compute(year).household_total, 特困 amounts are "
               "ceil(1.3 × monthly standard) + care fee (全自理 100, 半护理 300, 全护理 600)",
    "payments": "one 正常发放 a month from start_month to 2025-12 (or to the month of 退出, inclusive) at the amount in "
                "force before the year's 变更; the month after a 变更 also carries a 提标补发 of the difference for "
                "January to the 变更's month, so each year's payments sum to 12 (or the months covered) × that year's amount",
    "fields": "申请.accepted, 入户调查.household_rep, 年度审核.town_opinion, every member's id_number, "
              "official_relative when 申请.is_official_relative, extreme_poverty.caregiver for 分散供养",
}


def generate(out_dir: Path, households: int = 60, seed: int = 1, profile: str = "yueyang", town: str | None = None,
             scans: bool = True, progress=None) -> Workspace:
    """Create a sample workspace in out_dir (new or empty). progress(label, total) -> a click-style bar."""
    out = Path(out_dir)
    if households < 1 or households > 1_000_000:
        raise InputError(f"户数 {households} 不合理", field="--households", hint="写 1 到 1000000 之间的整数，如 60")
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise InputError("输出目录已存在且不是空目录，样例工作区没有写入", path=out,
                         hint="换一个新的目录名（如 dibao-demo2），或删除该目录后重新运行")
    ws = init_workspace(out, profile, town)
    with ws.lock("build"):
        _generate(ws, households, seed, profile, scans, progress)
    return ws


def _generate(ws: Workspace, n: int, seed: int, profile: str, scans: bool, progress) -> None:
    config = ws.config
    loc = locality(profile, config.town)
    end_year = min(LAST_YEAR, dt.date.today().year - 1)
    first_year = min(FIRST_YEAR, end_year)
    plan_rng = random.Random(f"{seed}|plan")
    gap_rng = random.Random(f"{seed}|gaps")
    scan_rng = random.Random(f"{seed}|scans")
    ids = IdIssuer(random.Random(f"{seed}|ids"), loc.area_code, NEARBY[profile])
    scs = scenarios(plan_rng, n, loc, first_year, end_year)
    slots = choose_planted(plan_rng, scs, end_year)
    fenxi = profile == "fenxi"
    review_form = config.annual_review_form
    tekun_form = config.annual_review_form_tekun

    order = sorted(range(n), key=lambda i: (scs[i].app_date, i))
    width = max(3, len(str(n)))
    gaps: list[dict] = []
    work: list[tuple[dict, list]] = []
    signed: dict[str, list[str]] = {}
    to_sign: list[int] = []
    used: dict[str, int] = {}
    folders: set[Path] = set()
    notices: dict[str, set[tuple[str, str]]] = {}   # village -> (公示 type, start date)
    bar = progress("生成家庭记录", n) if (progress and n > 2000) else None
    if bar:
        bar.__enter__()
    try:
        # one household at a time, written at once: memory stays flat for 100,000 records
        for seq, i in enumerate(order, 1):
            sc = scs[i]
            hm = HistoryMaker(random.Random(seed * 1_000_003 + seq), loc, config, ids, end_year)
            d = hm.build(sc, f"{loc.prefix}-{sc.app_date.year}-{seq:0{width}d}")
            gen = "late_review" if sc.late_review else ("over_standard" if sc.over_standard_year else None)
            d.facts["gen_gap"] = gen
            if gen:
                used[gen] = used.get(gen, 0) + 1
            mine = pick_kinds(gap_rng, d, slots[i], scans, fenxi, used) if i in slots else []
            entries = _plant_record_gaps(gap_rng, d, mine, config, fenxi, end_year)
            rec = d.record
            if scans:
                jobs = plan(scan_rng, d, profile, review_form, tekun_form)
                for k in mine:
                    if k in SCAN_KINDS:
                        entries.append(apply_scan_gap(gap_rng, jobs, k, d))
                work.append((rec, jobs))
                if scan_rng.random() < SIGNED_SHARE:
                    to_sign.append(len(work) - 1)
            gaps.extend({"case_no": rec["case_no"], **e} for e in entries)
            for e in rec.get("events") or []:
                if e.get("type") in ("审核公示", "确认公示"):
                    notices.setdefault(rec["village"], set()).add((e["type"], str(e["date"])))
            folder = ws.households_dir / rec["village"]
            if folder not in folders:
                ensure_dir(folder)
                folders.add(folder)
            write_quick(folder / f"{rec['case_no']}.json", dumps_record(rec).encode("utf-8"))
            if bar and seq % 500 == 0:
                bar.update(500)
        if bar:
            bar.update(n % 500)
    finally:
        if bar:
            bar.__exit__(None, None, None)

    for k in to_sign:   # needs the written records (the audit reads them)
        rec, jobs = work[k]
        more = signed_jobs(ws, rec, profile, review_form, tekun_form)
        jobs.extend(more)
        signed[rec["case_no"]] = [j.name for j in more]
    work = [(slim(rec, loc.county, config.locality.province), jobs) for rec, jobs in work]
    planted = {
        "planted_version": PLANTED_VERSION, "generator": "dibao demo", "seed": seed, "profile": profile,
        "town": config.town, "households": n, "scans": scans, "first_year": first_year, "last_year": end_year,
        "incomplete_households": sorted({g["case_no"] for g in gaps}),
        "gaps": gaps, "signed_forms": signed, "rules": PLANTED_RULES,
    }
    atomic_write_text(ws.root / PLANTED_NAME, json.dumps(planted, ensure_ascii=False, indent=2) + "\n")
    if scans:
        render_all(ws.root, work, seed, progress, font_cache=ws.paths.fonts_cache)  # as dibao build
        write_notice_photos(ws, notices, loc, seed)


def write_notice_photos(ws: Workspace, notices: dict[str, set[tuple[str, str]]], loc, seed: int) -> int:
    """Village 公示照片: one photo of the notice board per publicity (two for the first of a village),
    in scans/村级/<村>/公示照片_<开始日期>_<n>.jpg, where dibao build files them in the village volume."""
    from archive.sample.scans import scan_seed
    from archive.sample.synth import scan_bytes
    from archive.volumes.village import village_scan_dir

    count = 0
    for village, batches in sorted(notices.items()):
        folder = village_scan_dir(ws.scans_dir, village)
        ensure_dir(folder)
        for k, (kind, start) in enumerate(sorted(batches, key=lambda b: (b[1], b[0]))):
            day = dt.date.fromisoformat(start)
            for n in range(1, (3 if k == 0 else 2)):
                rel = f"{folder.relative_to(ws.root).as_posix()}/公示照片_{day.isoformat()}_{n}.jpg"
                place = {"county": loc.county, "town": ws.config.town, "village": village, "case_no": "",
                         "_notice_date": day}
                write_quick(ws.root / rel, scan_bytes("公示照片", household=place, year=day.year,
                                                      seed=scan_seed(seed, rel), title=f"{village}{kind}"))
                count += 1
    return count


def _plant_record_gaps(rng: random.Random, d: Draft, mine: list[str], config, fenxi: bool, end_year: int) -> list[dict]:
    """Give the events their ids and apply the record-level gaps; returns their descriptions."""
    rec = d.record
    entries: list[dict] = []
    if "missing_annual_review" in mine:
        form = config.annual_review_form_tekun if rec["type"] == "特困" else config.annual_review_form
        entries.append(remove_review(rng, d, form))
    rec["events"] = [{"id": f"e{k}", **e} for k, e in enumerate(rec["events"], 1)]
    if d.facts["gen_gap"] == "late_review":
        entries.append(late_review_gap(d, config.review_working_days))
    elif d.facts["gen_gap"] == "over_standard":
        entries.append(over_standard_gap(d, compute(HistoryMaker.calc_household(rec), config, end_year)))
    for k in mine:
        if k in RECORD_KINDS and k not in ("missing_annual_review", "missing_field"):
            entries.append(apply_record_gap(rng, d, k, config, fenxi))
    if "missing_field" in mine:   # last: its JSON path must point into the final record
        entries.append(apply_record_gap(rng, d, "missing_field", config, fenxi))
    return entries


# ------------------------------------------------------------------ JSON layout

LINE = 100


def dumps_record(rec: dict) -> str:
    """The record as UTF-8 JSON: keys in schema order, small objects and list items on one line each."""
    ordered = {k: rec[k] for k in KEY_ORDER if k in rec}
    return _dump(ordered, 0) + "\n"


_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(", ", ": "))
_one = _ENCODER.encode


def _dump(v, indent: int) -> str:
    if isinstance(v, dict) or isinstance(v, list):
        if not v:
            return _one(v)
        if not (isinstance(v, list) and len(v) > 4):   # long lists are never one line: skip the attempt
            one = _one(v)
            if len(one) + indent <= LINE:
                return one
        pad = " " * (indent + 2)
        if isinstance(v, dict):
            body = ",\n".join(f"{pad}{_one(k)}: {_dump(x, indent + 2)}" for k, x in v.items())
            return "{\n" + body + "\n" + " " * indent + "}"
        body = ",\n".join(pad + _item(x, indent + 2) for x in v)
        return "[\n" + body + "\n" + " " * indent + "]"
    return _one(v)


def _item(x, indent: int) -> str:
    """A list item: one line unless it is long (events with before/after situations)."""
    one = _one(x)
    return one if len(one) <= 4 * LINE or not isinstance(x, (dict, list)) else _dump(x, indent)


def planted(ws_root: Path) -> dict:
    """Read demo-planted.json of a demo workspace."""
    return json.loads((Path(ws_root) / PLANTED_NAME).read_text("utf-8"))
