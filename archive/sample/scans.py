"""Sample data for `dibao demo`: which scans each household has, and drawing them in parallel.

File names follow archive/records/attachments.py inside scans/<对象编号>/:
    户口簿.jpg (some .pdf)            身份证_<成员>.jpg (every member)
    残疾证_<成员>.jpg (disabled)       疾病诊断证明_<成员>_<年>.pdf / 学籍证明_<成员>_<年>.jpg (each deducted expense)
    入户照片_<年>_<n>.jpg (3–5 a visit; 入户照片_<年月日>_<n>.jpg in a year of several visits) 核对报告_<年>.pdf (every active year, text layer)
    照料护理协议.pdf (分散供养 特困)     银行卡.jpg (households paid monthly)
    签字表_<表单编号>[_<年>|_<事件编号>].jpg (signed forms, about a third of the households)
"""

from __future__ import annotations

import math
import os
import random
import zlib
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from archive.sample.history import Draft
from archive.fsutil import TMP_PREFIX, ensure_dir, output_error

FORM_TITLES = {
    "fenxi-01": "社会救助申请书", "fenxi-04": "入户调查表", "fenxi-09": "最低生活保障审核确认表",
    "fenxi-12": "社会救助对象定期核查记录表",
    "yueyang-01": "岳阳县城乡最低生活保障对象年度审核登记表", "yueyang-02": "岳阳县特困人员年度审核表",
    "ezhou-01": "社会救助对象变更确认表", "ezhou-02": "鄂州市社会救助对象复查登记表",
}
CHUNK = 8   # households drawn by one task at most
SIGNED_SHARE = 0.35   # households whose forms are signed and scanned (each such page is one form less to convert)
SLIM_DROP = ("incomes", "expenses", "payments", "events", "attachments")


@dataclass(frozen=True)
class ScanJob:
    rel: str                 # relative to the workspace root
    kind: str
    member: dict | None
    year: int | None
    fmt: str
    title: str | None = None

    @property
    def name(self) -> str:
        return self.rel.rsplit("/", 1)[-1]


def photo_count(rng: random.Random) -> int:
    return rng.choices((3, 4, 5), weights=(70, 20, 10))[0]


def visits_by_year(rec: dict) -> dict[int, list[str]]:
    """Dates (ISO) of the home visits of each year (入户调查, 再次调查, 年度审核, 定期核查)."""
    from archive.audit.conditions import HOME_VISITS

    out: dict[int, list[str]] = {}
    for e in rec["events"]:
        if e["type"] in HOME_VISITS:
            out.setdefault(int(e["date"][:4]), []).append(e["date"])
    return {y: sorted(v) for y, v in out.items()}


def plan(rng: random.Random, d: Draft, profile: str, review_form: str, review_form_tekun: str) -> list[ScanJob]:
    rec = d.record
    base = f"scans/{rec['case_no']}/"
    app = next(e for e in rec["events"] if e["type"] == "申请")
    y0 = int(app["date"][:4])
    jobs: list[ScanJob] = []
    hukou_pdf = rng.random() < 0.2
    jobs.append(ScanJob(base + ("户口簿.pdf" if hukou_pdf else "户口簿.jpg"), "户口簿", None, y0, "pdf" if hukou_pdf else "jpeg"))
    for p in d.people:
        m = p.member_dict()   # the full member, also when a planted gap removed a field from the record
        jobs.append(ScanJob(base + f"身份证_{p.name}.jpg", "身份证", m, y0, "jpeg"))
        if p.disability:
            jobs.append(ScanJob(base + f"残疾证_{p.name}.jpg", "残疾证", m, y0, "jpeg"))
    by_name = {p.name: p for p in d.people}
    for x in rec["expenses"]:
        m = by_name[x["member"]].member_dict()
        if x["kind"] == "重病":
            jobs.append(ScanJob(base + f"疾病诊断证明_{x['member']}_{x['year']}.pdf", "疾病诊断证明", m, x["year"], "pdf"))
        elif x["kind"] == "教育":
            jobs.append(ScanJob(base + f"学籍证明_{x['member']}_{x['year']}.jpg", "学籍证明", m, x["year"], "jpeg"))
    visits = visits_by_year(rec)
    for y in d.active_years:
        days = visits.get(y, [])
        if len(days) <= 1:   # one visit (or none recorded): the photos are named by the year
            for k in range(1, photo_count(rng) + 1):
                jobs.append(ScanJob(base + f"入户照片_{y}_{k}.jpg", "入户照片", None, y, "jpeg"))
        else:                # several: by the visit's date, so the audit counts 3—5 per visit (000 二(三))
            for day in days:
                for k in range(1, photo_count(rng) + 1):
                    jobs.append(ScanJob(base + f"入户照片_{day.replace('-', '')}_{k}.jpg", "入户照片", None, y, "jpeg"))
        jobs.append(ScanJob(base + f"核对报告_{y}.pdf", "核对报告", None, y, "pdf"))
    ep = rec.get("extreme_poverty") or {}
    if ep.get("care_mode") == "分散供养":
        jobs.append(ScanJob(base + "照料护理协议.pdf", "照料护理协议", None, y0, "pdf"))
    if rec.get("bank_account"):
        jobs.append(ScanJob(base + "银行卡.jpg", "银行卡", None, y0, "jpeg"))
    paid: dict[int, list] = {}
    for p in rec.get("payments") or []:
        paid.setdefault(int(p["month"][:4]), []).append(p)
    for y, rows in sorted(paid.items()):   # the household's page of each year's 发放花名册, signed for
        months = sorted({p["month"] for p in rows})
        total = sum(Decimal(p["amount"]) for p in rows)
        jobs.append(ScanJob(base + f"发放花名册_{y}.pdf", "发放花名册", None, y, "pdf",
                            f"{months[0][5:].lstrip('0')}—{months[-1][5:].lstrip('0')}月 共{len(months)}个月 合计{total:.2f}元"))
    return jobs


def signed_jobs(ws, rec: dict, profile: str, review_form: str, review_form_tekun: str) -> list[ScanJob]:
    """Signed scans of every form the household's file calls for.

    When the audit is installed, its own list of 待签字归档 forms (form, year, event, member)
    is used, so such a household is complete in the audit's eyes; otherwise a fixed list per
    profile.  The record must already be written (the audit reads it as a Household).
    """
    base = f"scans/{rec['case_no']}/"
    y0 = int(next(e for e in rec["events"] if e["type"] == "申请")["date"][:4])
    try:
        from archive.audit import audit_household, load_rules, rules_path_for
    except ImportError:
        form = review_form_tekun if rec["type"] == "特困" else review_form
        return _signed(rec, base, profile, form, y0)
    import datetime as dt

    from archive.records.model import Household

    key = (str(ws.root), "rules")
    if key not in _RULES:
        _RULES[key] = load_rules(rules_path_for(ws))
    hh = Household.model_validate(rec)
    result = audit_household(hh, ws.root, ws.config, _RULES[key], dt.date.today(), has_folder=False)
    jobs = []
    for g in result.gaps:
        if g.kind != "待签字归档" or not g.form:
            continue
        quals = [str(q) for q in (g.year, g.event, g.member) if q]
        name = "_".join(["签字表", g.form, *quals]) + ".jpg"
        jobs.append(ScanJob(base + name, "签字表", None, g.year or y0, "jpeg", _title(g.form)))
    return jobs


_RULES: dict = {}


def _title(form_id: str) -> str | None:
    try:
        from archive.forms.catalog import get

        return get(form_id).title
    except Exception:  # noqa: BLE001 - the title only decorates the synthetic page
        return FORM_TITLES.get(form_id)


def _signed(rec: dict, base: str, profile: str, form: str, y0: int) -> list[ScanJob]:
    reviews = [e for e in rec["events"] if e["type"] in ("年度审核", "定期核查")]
    out: list[tuple[str, int | None]] = []
    if profile == "fenxi":
        out = [("fenxi-01", None), ("fenxi-04", None), ("fenxi-09", None)]
        if reviews:
            out.append(("fenxi-12", None))
    else:
        out = [(form, e.get("year") or int(e["date"][:4])) for e in reviews]
        if profile == "ezhou":
            out += [("ezhou-01", e["id"]) for e in rec["events"] if e["type"] == "变更"]
    jobs = []
    for fid, q in out:
        year = q if isinstance(q, int) else y0
        suffix = f"_{q}" if q is not None else ""
        jobs.append(ScanJob(base + f"签字表_{fid}{suffix}.jpg", "签字表", None, year, "jpeg", FORM_TITLES.get(fid)))
    return jobs


def slim(rec: dict, county: str, province: str) -> dict:
    """What synth needs of a household (keeps the worker messages small)."""
    out = {k: v for k, v in rec.items() if k not in SLIM_DROP}
    out["county"] = county
    out["province"] = province
    return out


def scan_seed(seed: int, rel: str) -> int:
    return zlib.crc32(f"{seed}|{rel}".encode())


def _render(root: str, work: list[tuple[dict, list[ScanJob]]], seed: int, font_cache: str | None = None) -> int:
    """Draw the scans of a few households (one font subset for all their 核对报告)."""
    from archive.sample.synth import report_pdfs, scan_bytes

    base = Path(root)
    for folder in {(base / j.rel).parent for _, jobs in work for j in jobs}:
        ensure_dir(folder)
    reports = [(hh, j) for hh, jobs in work for j in jobs if j.kind == "核对报告" and j.fmt == "pdf"]
    if reports:
        data = report_pdfs([(hh, None, j.year, scan_seed(seed, j.rel)) for hh, j in reports],
                           Path(font_cache) if font_cache else None)
        for (_, j), pdf in zip(reports, data):
            write_quick(base / j.rel, pdf)
    drawn = {id(j) for _, j in reports}
    for hh, jobs in work:
        for j in jobs:
            if id(j) not in drawn:
                write_quick(base / j.rel, scan_bytes(j.kind, household=hh, member=j.member, year=j.year,
                                                     seed=scan_seed(seed, j.rel), fmt=j.fmt, title=j.title))
    return sum(len(jobs) for _, jobs in work)


def write_quick(path: Path, data: bytes) -> None:
    """Private file, never half-written under its name; no fsync (a fresh folder of generated data:
    thousands of fsyncs would dominate the demo's set-up; demo-planted.json, written last, is fsynced)."""
    tmp = path.with_name(f"{TMP_PREFIX}{path.name}")
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, path)
    except OSError as exc:
        raise output_error(exc, path) from exc


def render_all(root: Path, work: list[tuple[dict, list[ScanJob]]], seed: int, progress=None, workers: int | None = None,
               font_cache: Path | None = None) -> int:
    """Draw every planned scan; work is (slim household, jobs) per household. Returns the count.
    font_cache: the folder of the prepared CJK font (archive/pdffont.py), e.g. the workspace's."""
    total = sum(len(j) for _, j in work)
    workers = workers or min(os.cpu_count() or 1, 4)
    fc = str(font_cache) if font_cache else None
    done = 0
    bar = progress("生成扫描件", total) if progress else None
    try:
        if bar:
            bar.__enter__()
        work = [(hh, jobs) for hh, jobs in work if jobs]
        # a few households a task: one font subset for their reports, ~6 tasks per worker to balance
        size = max(1, min(CHUNK, math.ceil(len(work) / (6 * max(1, workers)))))
        chunks = [work[i:i + size] for i in range(0, len(work), size)]
        if workers <= 1 or len(chunks) <= 1:
            for chunk in chunks:
                k = _render(str(root), chunk, seed, fc)
                done += k
                if bar:
                    bar.update(k)
            return done
        with ProcessPoolExecutor(max_workers=workers) as pool:
            futs = [pool.submit(_render, str(root), chunk, seed, fc) for chunk in chunks]
            for f in as_completed(futs):
                k = f.result()
                done += k
                if bar:
                    bar.update(k)
        return done
    finally:
        if bar:
            bar.__exit__(None, None, None)


def apply_scan_gap(rng: random.Random, jobs: list[ScanJob], kind: str, d: Draft) -> dict:
    """Leave out planned scans for one planted gap; returns its description for demo-planted.json."""

    def drop(pred) -> None:
        jobs[:] = [j for j in jobs if not pred(j)]

    if kind == "missing_scan:户口簿":
        drop(lambda j: j.kind == "户口簿")
        return {"kind": "missing_scan", "what": "户口簿"}
    if kind == "missing_scan:身份证":
        p = rng.choice(d.people)
        drop(lambda j: j.kind == "身份证" and j.member["name"] == p.name)
        return {"kind": "missing_scan", "what": "身份证", "member": p.name}
    if kind == "missing_scan:expense":
        j0 = rng.choice([j for j in jobs if j.kind in ("疾病诊断证明", "学籍证明")])
        drop(lambda j: j is j0)
        return {"kind": "missing_scan", "what": j0.kind, "member": j0.member["name"], "year": j0.year}
    if kind == "missing_scan:照料护理协议":
        drop(lambda j: j.kind == "照料护理协议")
        return {"kind": "missing_scan", "what": "照料护理协议"}
    if kind == "missing_disability_certificate":
        p = rng.choice([p for p in d.people if p.disability])
        drop(lambda j: j.kind == "残疾证" and j.member["name"] == p.name)
        return {"kind": "missing_disability_certificate", "what": "残疾证", "member": p.name}
    if kind == "missing_photos":
        visits = visits_by_year(d.record)
        years = [y for y in d.active_years if len(visits.get(y, ())) == 1] or \
            [y for y in d.active_years if visits.get(y)]   # a year with a visit, whose photos the audit counts
        y = rng.choice(years)
        keep = rng.choice((0, 2))
        photos = [j for j in jobs if j.kind == "入户照片" and j.year == y]
        gone = set(id(j) for j in photos[keep:])
        drop(lambda j: id(j) in gone)
        return {"kind": "missing_photos", "what": "入户照片", "year": y, "present": keep, "required": 3}
    if kind == "missing_check_report":
        y = rng.choice(d.active_years)
        drop(lambda j: j.kind == "核对报告" and j.year == y)
        return {"kind": "missing_check_report", "what": "核对报告", "year": y}
    raise ValueError(kind)
