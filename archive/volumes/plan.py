"""What goes into each category volume of a household, in which order.

Rules (domain.md "Paper, signatures and scans" and "Scanned attachments"):

* Forms: every household-scope form of the catalog that applies to the household,
  once per event it belongs to (forms.events_for), in process order (catalog
  `order`), instances of one form in date order.  A form is the signed scan when
  the workspace has one (attachment type 签字表 with `form` = form id and a
  matching event id / year), otherwise the generated form marked 未签字.
* Supporting scans follow the form they support: identity papers and cost
  evidence after the application forms, home-visit photos after the visit form of
  their year (the annual review form of year Y, or the application's 入户调查表),
  check reports after the year's review, bank papers after the payment sheet.
  A scan with nothing to follow goes to the end of its category.
* 财务类 also holds a payment record sheet generated from the record's payments.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from archive.records.attachments import Scan
from archive.config import CATEGORIES
from archive.records.model import Household
from archive.forms.specific import rules_for
from archive.records.program import program_of

APPLICATION_PAPERS = ("户口簿", "身份证", "残疾证", "疾病诊断证明", "医疗费用票据", "学籍证明", "学费证明",
                      "就业培训证明", "租房合同")
REVIEW_EVENTS = ("年度审核", "定期核查", "变更")

# attachment type -> (default category, event types of the forms it follows, in order of preference)
ANCHORS: dict[str, tuple[str, tuple[str, ...]]] = {
    **{t: ("审批类", ("申请",)) for t in APPLICATION_PAPERS},
    "民主评议记录": ("审批类", ("入户调查", "申请")),
    "公示照片": ("审批类", ("审核公示", "确认公示", "审核确认", "入户调查", "申请")),
    "核对报告": ("日常管理类", REVIEW_EVENTS),
    "照料护理协议": ("日常管理类", REVIEW_EVENTS),
    "银行卡": ("财务类", ("payments",)),
    "发放花名册": ("财务类", ("payments",)),
}
TYPE_ORDER = {t: i for i, t in enumerate((*APPLICATION_PAPERS, "民主评议记录", "入户照片", "公示照片", "核对报告",
                                           "照料护理协议", "银行卡", "发放花名册", "签字表", "其他"))}


@dataclass
class Entry:
    """One document (件) of a volume before its PDF exists."""

    kind: str                     # form | signed_scan | scan | payments
    category: str
    title: str
    date: dt.date | None = None
    form_id: str | None = None
    event: object = None          # the record event, or None
    event_type: str | None = None
    year: int | None = None
    order: int = 0
    scans: list[Scan] = field(default_factory=list)   # signed_scan: the files of the signed form; scan: one file
    attachment_type: str | None = None
    followers: list["Entry"] = field(default_factory=list)  # supporting scans placed right after this entry

    @property
    def event_id(self) -> str | None:
        return getattr(self.event, "id", None)


@dataclass
class Plan:
    volumes: dict[str, list[Entry]]
    forms_used: list[str]
    notes: list[str]               # Chinese remarks (unmatched signed scans …)


def event_year(ev) -> int | None:
    if ev is None:
        return None
    return getattr(ev, "year", None) or ev.date.year


def _base_date(hh: Household) -> dt.date | None:
    app = hh.latest("申请")
    return app.date if app else hh.since


def _scan_key(s: Scan):
    return (TYPE_ORDER.get(s.type, 99), s.year or 0, s.member or "", s.seq or 0, s.rel)


def never_approved(hh: Household) -> bool:
    """True when the record has decisions (审核确认 / 不予批准) and none approved, or only an application;
    False when approved, or a legacy record with `since` or payments and no decision events."""
    decisions = hh.events_of("审核确认")
    if any(d.approved for d in decisions):
        return False
    if decisions or hh.events_of("不予批准"):
        return True
    if hh.since or hh.payments or hh.events_of("年度审核", "变更", "定期核查"):
        return False
    return bool(hh.events_of("申请"))


def form_entries(hh: Household, config, forms) -> list[Entry]:
    """Household-scope forms that apply, one entry per instance."""
    out: list[Entry] = []
    for spec in forms.catalog.load_catalog():
        if spec.scope != "household" or not forms.applicable(spec.id, hh, config):
            continue
        instances = list(forms.events_for(spec.id, hh))  # [None]: one form not tied to an event; []: none
        cat = spec.category_for(config)
        for ev in instances:
            if ev is not None:
                date = ev.date
            else:  # one sheet for all events of its type (e.g. 定期核查记录表): dated by the first of them
                first = hh.events_of(spec.event) if spec.event else []
                date = first[0].date if first else _base_date(hh)
            title = spec.title
            special = rules_for(spec.id)
            if special.title is not None:
                title = special.title(hh)
            if ev is not None and ev.type in REVIEW_EVENTS:
                title += f"（{event_year(ev)}年）" if ev.type == "年度审核" else f"（{ev.date.isoformat()}）"
            elif len(instances) > 1 and ev is not None:
                title += f"（{ev.date.isoformat()}）"
            out.append(Entry(kind="form", category=cat, title=title, date=date, form_id=spec.id, event=ev,
                             event_type=ev.type if ev is not None else spec.event, year=event_year(ev),
                             order=spec.order))
    return out


def _match_signed(entries: list[Entry], signed: list[Scan]) -> list[Scan]:
    """Give each form instance its signed scan files; returns the files matching no instance."""
    left = []
    by_form: dict[str, list[Entry]] = {}
    for e in entries:
        by_form.setdefault(e.form_id, []).append(e)
    for s in sorted(signed, key=_scan_key):
        cands = by_form.get(s.form or "", [])
        chosen = None
        if s.event:
            chosen = next((e for e in cands if e.event_id == s.event), None)
        elif s.year:
            same = [e for e in cands if e.year == s.year]
            chosen = same[0] if len(same) == 1 else None
        elif len(cands) == 1:
            chosen = cands[0]
        if chosen is None:
            left.append(s)
        else:
            chosen.scans.append(s)
    for e in entries:
        if e.scans:
            e.kind = "signed_scan"
            e.title = e.title  # the title of the form; the volume notes it is the signed original
    return left


def _anchor_for(s: Scan, cat: str, pool: list[Entry], types: tuple[str, ...]) -> Entry | None:
    """The form entry a scan follows: the last form of the first event type present, of the scan's
    event or year when it names one (a scan of a year with no such form follows nothing)."""
    for t in types:
        group = [e for e in pool if e.category == cat and (e.event_type == t or (t == "payments" and e.kind == "payments"))]
        if s.event:
            group = [e for e in group if e.event_id == s.event] or group
        if s.year and t != "申请":
            group = [e for e in group if e.year is None or e.year == s.year]
        if group:
            return group[-1]
    return None


def _place_scan(s: Scan, hh: Household, config, pool: list[Entry]) -> tuple[str, Entry | None]:
    """(category, entry to follow) of a supporting scan."""
    override = config.categories.get(s.type) if config is not None else None
    if s.type == "签字表":
        return default_category(s.type, s.form, config), None
    if s.event:  # an explicit event wins: follow that event's form
        owner = [e for e in pool if e.event_id == s.event]
        if owner:
            cat = override or owner[-1].category
            return cat, owner[-1] if owner[-1].category == cat else None
    if s.type in ANCHORS:
        cat, types = ANCHORS[s.type]
        cat = override or cat
        return cat, _anchor_for(s, cat, pool, types)
    if s.type == "入户照片":
        app = hh.latest("申请")
        app_year = app.date.year if app else None
        if s.year and s.year != app_year:
            reviews = [e for e in pool if e.event_type in REVIEW_EVENTS and e.year == s.year]
            if not reviews:  # one review sheet for all years (定期核查记录表)
                reviews = [e for e in pool if e.event_type in REVIEW_EVENTS and e.year is None and e.kind != "scan"]
            reviews.sort(key=lambda e: e.category == "日常管理类")  # the review form itself, not its 财务类 companion
            if reviews:
                cat = override or reviews[-1].category
                return cat, reviews[-1] if reviews[-1].category == cat else None
            if app_year is not None and s.year > app_year:
                return override or "日常管理类", None
        cat = override or "审批类"
        return cat, _anchor_for(s, cat, pool, ("入户调查", "申请"))
    return override or "日常管理类", None


def default_category(kind: str, form_id: str | None, config) -> str:
    """The category a scan of this type is filed under (before looking at its event or year)."""
    override = config.categories.get(kind) if config is not None else None
    if override:
        return override
    if kind == "签字表" and form_id:
        from archive import forms

        try:
            return forms.catalog.get(form_id).category_for(config)
        except Exception:  # noqa: BLE001 - unknown form id
            return "审批类"
    if kind in ANCHORS:
        return ANCHORS[kind][0]
    return "日常管理类" if kind in ("其他",) else "审批类"


def plan_household(hh: Household, config, scans: list[Scan], forms=None) -> Plan:
    if forms is None:
        from archive import forms
    notes: list[str] = []
    entries = form_entries(hh, config, forms)
    signed = [s for s in scans if s.type == "签字表" and not s.copy]   # a 副本 is kept, filed after the original
    unmatched = set(id(s) for s in _match_signed(entries, signed))
    prog = program_of(hh)
    approved = never_approved(hh) is False
    pool = list(entries)
    if hh.payments or (prog.pays and approved):
        pool.append(Entry(kind="payments", category="财务类",
                          title=prog.payment_record_title or "发放记录表",
                          date=min((dt.date(int(p.month[:4]), int(p.month[5:]), 1) for p in hh.payments), default=None),
                          order=10**6))
    if not approved:
        # a refused applicant (or one not yet decided) has only approval papers: no 日常管理类 or 财务类 volume
        for e in pool:
            e.category = "审批类"
    volumes: dict[str, list[Entry]] = {c: [] for c in CATEGORIES}
    # 日常管理类 in date order (年审, 变更 and 核查 as they happened), the other volumes in form order
    for e in sorted(pool, key=lambda e: (e.category, e.date or dt.date.min, e.order, e.title) if e.category == "日常管理类"
                    else (e.category, e.order, e.date or dt.date.min, e.title)):
        volumes.setdefault(e.category, []).append(e)
    tail: dict[str, list[Entry]] = {c: [] for c in volumes}
    for s in sorted((s for s in scans if s.type != "签字表" or s.copy or id(s) in unmatched), key=_scan_key):
        cat, anchor = _place_scan(s, hh, config, pool)
        if not approved:
            cat = "审批类"
        item = Entry(kind="scan", category=cat, title=s.display_title(), date=s.date, year=s.year,
                     scans=[s], attachment_type=s.type, event_type=None)
        item.event = next((e.event for e in pool if s.event and e.event_id == s.event), None)
        if s.type == "签字表" and not s.copy:
            notes.append(f"{s.rel}：签字表没有对应到本户的表单（编号 {s.form or '未写'}、年度或事件不符），按普通扫描件归档")
        if anchor is not None:
            anchor.followers.append(item)
        else:
            tail.setdefault(cat, []).append(item)
    out: dict[str, list[Entry]] = {}
    for cat, vol in volumes.items():
        groups: list[list[Entry]] = []
        for e in vol:
            if e.event_type in REVIEW_EVENTS and e.year is None:  # a sheet for all years: its papers year by year
                e.followers.sort(key=lambda f: (f.year or 0, _scan_key(f.scans[0])))
            groups.append([e, *e.followers])
        rest = tail.get(cat, [])
        if cat == "日常管理类":
            # a dated paper that follows no form (the application year's 核对报告) takes its place in time,
            # not the end of the volume: before the first form of a later date
            undated = [t for t in rest if not (t.date or t.year)]
            for t in (t for t in rest if t.date or t.year):
                when = t.date or dt.date(t.year, 12, 31)
                at = next((i for i, g in enumerate(groups) if g[0].date is not None and g[0].date > when), len(groups))
                groups.insert(at, [t])
            rest = undated
        out[cat] = [x for g in groups for x in g] + rest
    used = sorted({e.form_id for e in entries if e.form_id})
    return Plan(volumes=out, forms_used=used, notes=notes)
