"""Compare an audit with the gaps a demo workspace planted (demo-planted.json, archive/sample/demo.py).

The demo plants gaps of these kinds and leaves every other household complete by the
yardstick written in its "rules" entry.  It does not give every household signed scans
of every form (about a third get some), so 待签字归档 is not planted: that kind, and the
提醒 reminders, are left out of the comparison (PLANTED_GAP_KINDS below).  A demo made
without scans is compared on the record kinds only (compared_kinds).

Planted entry kind            audit finding that answers it
    missing_annual_review     缺表 of the annual-review form rule, same year (and 缺数据 of a half-yearly
                              re-check rule for a half of that year left without a visit)
    missing_field             缺数据 of a field rule naming that field (same member / event)
    late_review               超时限 review_deadline
    late_refusal_notice       超时限 refusal_notice, same event
    short_publicity           超时限 publicity_length, same event
    missing_scan / missing_disability_certificate / missing_check_report
                              缺扫描件 of a rule whose `what` holds that scan type (same member / year)
    missing_photos            缺照片 of the visits of that year
    over_standard             flag 应退尽退, same year
    payment_mismatch          flag 发放金额不符 covering that month
"""

from __future__ import annotations

from dataclasses import dataclass, field

from archive.audit.gaps import FLAG_KINDS, Flag, Gap

PLANTED_GAP_KINDS = ("缺表", "缺扫描件", "缺照片", "缺数据", "超时限")
SCAN_GAP_KINDS = ("缺扫描件", "缺照片")
PLANTED_FLAG_KINDS = FLAG_KINDS


@dataclass
class Comparison:
    not_found: list[dict] = field(default_factory=list)                 # planted, not reported
    unplanted: list[tuple[str, object]] = field(default_factory=list)   # (case_no, Gap | Flag) reported, not planted

    @property
    def ok(self) -> bool:
        return not self.not_found and not self.unplanted


def _month_in(month: str, span: str) -> bool:
    first, _, last = span.partition("..")
    return first <= month <= (last or first)


def answers(entry: dict, item, rules) -> bool:
    """Does a gap or flag answer a planted entry (same household assumed)?"""
    kind = entry["kind"]
    if isinstance(item, Flag):
        if kind == "over_standard":
            return item.kind == "应退尽退" and item.year == entry["year"]
        if kind == "payment_mismatch":
            return item.kind == "发放金额不符" and _month_in(entry["month"], item.subject)
        return False
    g: Gap = item
    rule = rules.by_id(g.rule)
    if kind == "missing_annual_review":
        # every form printed from the missing review (yueyang-01 and yueyang-03 alike) is missing with it,
        # and a half-year it leaves without a re-check (003 §三(三)) too
        if rule.kind == "event":
            return g.kind == "缺数据" and g.year == entry["year"] and entry.get("event_type") in rule.what
        return g.kind == "缺表" and g.year == entry["year"] and (
            g.form == entry["form"] or entry.get("event_type") in rule.event)
    if kind == "missing_field":
        name = entry["field"].rsplit(".", 1)[-1]
        if g.kind != "缺数据" or rule.what[0].rsplit(".", 1)[-1] != name:
            return False
        if entry.get("member") and g.member != entry["member"]:
            return False
        return not entry.get("event") or g.subject == entry["event"]
    if kind == "late_review":
        return g.kind == "超时限" and rule.what[0] == "review_deadline"
    if kind == "late_refusal_notice":
        return g.kind == "超时限" and rule.what[0] == "refusal_notice" and g.subject == entry["event"]
    if kind == "short_publicity":
        return g.kind == "超时限" and rule.what[0] == "publicity_length" and g.subject == entry["event"]
    if kind in ("missing_scan", "missing_disability_certificate", "missing_check_report"):
        if g.kind != "缺扫描件" or entry["what"] not in rule.what:
            return False
        if entry.get("member") and g.member != entry["member"]:
            return False
        return not entry.get("year") or g.year == entry["year"]
    if kind == "missing_photos":
        return g.kind == "缺照片" and g.year == entry["year"]
    return False


def compared_kinds(planted: dict) -> tuple[str, ...]:
    """Gap kinds a demo can be held to: without scans (demo --no-scans) every scan is missing, so
    缺扫描件 and 缺照片 are left out too."""
    if planted.get("scans", True):
        return PLANTED_GAP_KINDS
    return tuple(k for k in PLANTED_GAP_KINDS if k not in SCAN_GAP_KINDS)


def compare(result, planted: dict) -> Comparison:
    """Every planted gap must be reported; every reported gap of a compared kind must be planted."""
    kinds = compared_kinds(planted)
    by_case = {h.case_no: h for h in result.households}
    out = Comparison()
    entries: dict[str, list[dict]] = {}
    for e in planted["gaps"]:
        entries.setdefault(e["case_no"], []).append(e)
    for case_no, mine in entries.items():
        h = by_case.get(case_no)
        items = ([g for g in h.gaps if g.kind in kinds] + list(h.flags)) if h else []
        for e in mine:
            if not any(answers(e, it, result.rules) for it in items):
                out.not_found.append(e)
    for h in result.households:
        mine = entries.get(h.case_no, [])
        for it in [g for g in h.gaps if g.kind in kinds] + list(h.flags):
            if not any(answers(e, it, result.rules) for e in mine):
                out.unplanted.append((h.case_no, it))
    for h in result.unreadable:
        out.unplanted.append((h.case_no, h.flags[0]))
    return out
