"""Evaluate the rules of a RuleSet on one household: its gaps, as data.

Matching scans to requirements (the file naming of archive/records/attachments.py):
  * a scan *fits* a subject when none of its qualifiers (member, year, event) contradicts
    the subject's; it fits *exactly* when at least one of them agrees, *generically*
    when it carries none of the subject's kinds of qualifier;
  * forms: a signed scan (签字表 with that form id) is used once; exact fits first, then
    generic ones in subject order (签字表_fenxi-04.pdf covers one 入户调查表), but a
    generic one never stands for a year or event the record lacks;
  * other scans: an exact fit may serve several subjects (one 疾病诊断证明_李四 for two
    years of medical costs); a generic one serves one subject;
  * photos: the scans that fit each subject exactly are counted; generic ones count
    only where the rule has a single subject.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

from archive.audit import timing
from archive.audit.conditions import Facts, Subject
from archive.audit.gaps import REMINDER, Gap, pack, unpack  # noqa: F401 - unpack: part of the engine's interface
from archive.audit.rules import ANNUAL_PLACEHOLDER, Rule, RuleSet


def evaluate(hh, scans, ruleset: RuleSet, config, as_of: dt.date, facts: Facts | None = None) -> list[Gap]:
    rules = ruleset.rules
    return [unpack(rules, p) for p in evaluate_packed(hh, scans, ruleset, config, as_of, facts)]


def evaluate_packed(hh, scans, ruleset: RuleSet, config, as_of: dt.date, facts: Facts | None = None) -> list[tuple]:
    """The gaps as packed tuples (see `pack`); `unpack` turns one into its Gap."""
    facts = facts or Facts(hh, as_of, ruleset.annual_review_due)
    subject_cache: dict[tuple, list[Subject]] = {}
    filters: dict[str, bool] = {}
    gaps: list[tuple] = []
    for rule, rule_filters, ck, run, info, is_form in _plan(ruleset, hh.type, config):
        if rule_filters:
            skip = False
            for name, neg in rule_filters:
                value = filters.get(name)
                if value is None:
                    value = filters[name] = facts.filter(name)
                if value == neg:
                    skip = True
                    break
            if skip:
                continue
        subjects = subject_cache.get(ck)
        if subjects is None:
            subjects = subject_cache[ck] = facts.subjects(*ck)
        if subjects or is_form:   # a form rule may demand at least one event (min)
            run(rule, subjects, facts, scans, config, gaps, info)
    return gaps


def _plan(ruleset: RuleSet, hh_type: str, config) -> list[tuple]:
    """The rules for one household type, each as (rule, filters, subject key, evaluator, facts of the rule,
    is a form), worked out once per RuleSet, household type and settings (forms: their id, category,
    events and title; fields: the field's path)."""
    plans = ruleset.__dict__.get("_plans")
    if plans is None:
        plans = ruleset.__dict__["_plans"] = {}
    got = plans.get(hh_type)
    if got is not None and got[0] is config:
        return got[1]
    steps = []
    for rule in ruleset.rules:
        if hh_type not in rule.types:
            continue
        if rule.kind == "form":
            info = _form_info(rule, hh_type, config)
        elif rule.kind == "field":
            info = tuple(rule.what[0].split("."))
        else:
            info = None
        steps.append((rule, rule.filters, (rule.iterator, rule.iter_arg), _KINDS[rule.kind], info, rule.kind == "form"))
    plans[hh_type] = (config, steps)
    return steps


def _form_info(rule: Rule, hh_type: str, config) -> tuple:
    """(form id, category, event types, title or None, the event types as words, and the detail and fix
    prefix of a 缺表 gap) of a form rule; the texts are made once, shared by every household's gaps."""
    fid = rule.what[0]
    if fid == ANNUAL_PLACEHOLDER:
        fid = config.annual_review_form_tekun if hh_type == "特困" else config.annual_review_form
    category = config.category_of(fid, rule.category)
    event_types = rule.event
    title = None
    if rule.what[0] == ANNUAL_PLACEHOLDER:
        # the profile's annual review form is printed from a 年度审核 (fenxi-12 also from a 定期核查)
        event_types = _with_annual(event_types)
        if rule.title == ANNUAL_PLACEHOLDER:
            title = _form_title(fid)
    need = "、".join(event_types)
    return fid, category, event_types, title, need, f"记录中没有相应的{need}事件", f"记录中没有{need}事件：先补做或补录，再"


# ---------------------------------------------------------------- helpers


def _fit(scan, subj: Subject, event_ids: tuple[str, ...] = ()) -> str | None:
    """'exact', 'generic' or None (contradiction) for a scan against a subject."""
    agree = 0
    if subj.member is not None and scan.member is not None:
        if scan.member != subj.member:
            return None
        agree += 1
    if subj.year is not None and scan.year is not None:
        if scan.year != subj.year:
            return None
        agree += 1
    if scan.event is not None and event_ids:
        if scan.event not in event_ids:
            return None
        agree += 1
    ev = subj.event
    if ev is not None and scan.date is not None and scan.event is None and scan.type in DATED_PHOTOS:
        # a dated scan (入户照片_20240512_1.jpg, a village's 公示照片_2024-05-12) belongs to the event of that
        # day; a publicity runs from its date to its end
        if not (ev.date <= scan.date <= (getattr(ev, "end", None) or ev.date)):
            return None
        agree += 1
    return "exact" if agree else "generic"


DATED_PHOTOS = ("入户照片", "公示照片")   # taken on the day of the event (a signed form may be signed later)


def _year_only(scan, subj: Subject) -> bool:
    """The scan agrees with the subject by its year alone (no event, date or member of its own)."""
    return (scan.year is not None and scan.event is None and scan.date is None
            and (scan.member is None or subj.member is None))


def _event_ids(subj: Subject, linked) -> tuple[str, ...]:
    out = []
    for e in (subj.event, linked):
        if e is not None and e.id:
            out.append(e.id)
    return tuple(out)


@lru_cache(maxsize=64)
def _form_title(fid: str) -> str:
    try:
        from archive.forms.catalog import get

        return get(fid).title
    except Exception:  # noqa: BLE001 - a title is cosmetic; the id is shown instead
        return fid


# ---------------------------------------------------------------- kinds
# Each kind's evaluator: (rule, subjects, facts, scans, config, gaps, form facts or None).

def _form(rule: Rule, subjects: list[Subject], facts: Facts, scans, config, gaps: list, info: tuple) -> None:
    fid, category, event_types, title, need, no_event, no_event_fix = info
    if fid == "fenxi-09" and facts.hh.type in ("特困", "低保边缘"):
        from archive.records.program import program_of

        title = program_of(facts.hh).decision_form_title   # never 最低生活保障审核确认表 for 特困 / 低保边缘
    if rule.min and len(subjects) < rule.min:
        subj = Subject("", "", facts.hh)
        need = need or "相应"
        gaps.append(pack("缺表", rule, subj, category, f"记录中没有{need}事件", form=fid, title=title,
                         fix_prefix=f"记录中没有{need}事件：先补做或补录，再"))
        return
    index = rule.index
    signed = [s for s in scans if s.type == "签字表" and s.form == fid and not getattr(s, "copy", None)] if scans else ()
    if not signed:   # nothing signed yet: each subject's form is missing or ready to print
        for subj in subjects:
            linked = _linked(facts, subj, event_types) if event_types else None
            if event_types and linked is None:
                gaps.append(("缺表", index, title, subj.key, subj.label, subj.member, subj.year, category,
                             no_event, fid, None, no_event_fix))
            else:
                gaps.append(("待签字归档", index, title, subj.key, subj.label, subj.member, subj.year, category,
                             "已可打印预填表，缺签字盖章后的扫描件", fid,
                             linked.id if linked is not None and linked.id else None, ""))
        return
    links = [_linked(facts, subj, event_types) for subj in subjects]
    done = [False] * len(subjects)
    used: set[int] = set()
    for mode in ("exact", "generic"):
        for i, subj in enumerate(subjects):
            if done[i]:
                continue
            if mode == "generic" and event_types and links[i] is None:
                continue  # an unqualified signed scan cannot stand for an event the record lacks
            ids = _event_ids(subj, links[i])
            for j, s in enumerate(signed):
                if j not in used and (_fit(s, subj, ids) == mode or (mode == "exact" and not subj.label
                                                                      and _fit(s, subj, ids))):
                    used.add(j)
                    done[i] = True
                    break
    for i, subj in enumerate(subjects):
        linked = links[i]
        if done[i]:
            if event_types and linked is None:
                gaps.append(pack("缺数据", rule, subj, category, f"已有签字扫描件，但记录中没有相应的{need}事件",
                                 form=fid, title=title, fix_prefix=f"按签字表把{need}（{subj.label or '该次'}）录入记录；"))
            continue
        eid = linked.id if linked is not None and linked.id else None
        if event_types and linked is None:
            gaps.append(pack("缺表", rule, subj, category, f"记录中没有相应的{need}事件", form=fid, title=title,
                             fix_prefix=f"记录中没有{need}事件：先补做或补录，再"))
        else:
            gaps.append(pack("待签字归档", rule, subj, category, "已可打印预填表，缺签字盖章后的扫描件",
                             form=fid, title=title, event_id=eid))


@lru_cache(maxsize=64)
def _with_annual(event_types: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(event_types + ("年度审核",)))


def _linked(facts: Facts, subj: Subject, event_types: tuple[str, ...]):
    for t in event_types:
        e = facts.linked_event(subj, t)
        if e is not None:
            return e
    return None


def _scan(rule: Rule, subjects: list[Subject], facts: Facts, scans, config, gaps: list, info=None) -> None:
    what = rule.what
    cands = [s for s in scans if s.type in what] if scans else ()
    if not cands:   # no scan of the type: every subject lacks it
        index, category = rule.index, rule.category
        for subj in subjects:
            gaps.append(("缺扫描件", index, None, subj.key, subj.label, subj.member, subj.year, category, "",
                         None, None, ""))
        return
    single_member = len(facts.living) == 1
    used: set[int] = set()
    for subj in subjects:
        ids = _event_ids(subj, None)
        found = False
        for j, s in enumerate(cands):
            fit = _fit(s, subj, ids)
            if fit == "exact" or (fit and not subj.label):
                found = True
                break
        if not found:
            for j, s in enumerate(cands):
                if j in used or _fit(s, subj, ids) != "generic":
                    continue
                if subj.member is not None and not single_member and rule.iterator != "expense":
                    continue  # 身份证.jpg without a name cannot be told apart in a family
                used.add(j)
                found = True
                break
        if not found:
            gaps.append(pack("缺扫描件", rule, subj, rule.category))


def _photos(rule: Rule, subjects: list[Subject], facts: Facts, scans, config, gaps: list, info=None) -> None:
    what = rule.what
    cands = [s for s in scans if s.type in what] if scans else ()
    lo, hi = rule.min or 0, rule.max
    span = f"{lo}—{hi}" if hi else f"至少{lo}"
    # counted per subject (per visit, per publicity): photos named by the year alone count only for a
    # subject that is the only one of its year; with two visits in a year they cannot be told apart
    per_year: dict[int, int] = {}
    for subj in subjects:
        if subj.year is not None:
            per_year[subj.year] = per_year.get(subj.year, 0) + 1
    for subj in subjects:
        ambiguous = 0
        if cands:
            ids = _event_ids(subj, None)
            n = 0
            for s in cands:
                fit = _fit(s, subj, ids)
                if fit == "exact":
                    if subj.event is not None and per_year.get(subj.year, 0) > 1 and _year_only(s, subj):
                        ambiguous += 1
                        continue
                    n += 1
                elif fit == "generic" and len(subjects) == 1:
                    n += 1
        else:
            n = 0
        if n < lo:
            detail = f"现有 {n} 张，应 {span} 张"
            if ambiguous:
                detail += (f"；另有 {ambiguous} 张只写了年份，{subj.year}年有 {per_year[subj.year]} 次，"
                           "分不出是哪一次的（文件名写上日期，如 _20240512_1）")
            gaps.append(pack("缺照片", rule, subj, rule.category, detail,
                             event_id=subj.event.id if subj.event is not None else None))
        elif hi is not None and n > hi:
            gaps.append(pack(REMINDER, rule, subj, rule.category, f"现有 {n} 张，超过规定的 {span} 张"))


def _field(rule: Rule, subjects: list[Subject], facts: Facts, scans, config, gaps: list, path: tuple) -> None:
    for subj in subjects:
        value = subj.obj
        for part in path:
            value = getattr(value, part, None) if value is not None else None
        if isinstance(value, (list, tuple)):
            need = rule.min or 1
            if len(value) < need:
                gaps.append(pack("缺数据", rule, subj, rule.category, f"现有 {len(value)} 项，至少应有 {need} 项"))
        elif value is None or (isinstance(value, str) and not value.strip()):
            gaps.append(pack("缺数据", rule, subj, rule.category))


def _time(rule: Rule, subjects: list[Subject], facts: Facts, scans, config, gaps: list, info=None) -> None:
    for subj in subjects:
        problem = timing.check(rule, subj, facts, config)
        if problem:
            gaps.append(pack("超时限", rule, subj, rule.category, problem[0], event_id=problem[1]))


def _event(rule: Rule, subjects: list[Subject], facts: Facts, scans, config, gaps: list, info=None) -> None:
    """At least one recorded event of the rule's types (what) within each subject's period
    (a quarter, a half-year, or a year)."""
    evs = facts.of(*rule.what)
    apps = [a.date for a in facts.of("申请")]
    for subj in subjects:
        if subj.event is not None:
            # an event subject (an approval): the round of its application, from the latest 申请 on or
            # before it to the day before the next 申请 (or the audit date)
            day = subj.event.date
            begin = max((d for d in apps if d <= day), default=dt.date.min)
            end = min((d - dt.timedelta(days=1) for d in apps if d > day), default=facts.as_of)
            if not any(begin <= e.date <= end for e in evs):
                gaps.append(pack("缺数据", rule, subj, rule.category,
                                 f"本次申请（{begin.isoformat() if begin != dt.date.min else '记录中无申请'}起）没有"
                                 f"{'或'.join(rule.what)}记录"))
            continue
        if subj.period is not None:
            begin, end = subj.period
        elif subj.year is not None:
            begin, end = dt.date(subj.year, 1, 1), dt.date(subj.year, 12, 31)
        else:
            begin, end = dt.date.min, facts.as_of
        if not any(begin <= e.date <= end for e in evs):
            gaps.append(pack("缺数据", rule, subj, rule.category,
                             f"{begin.isoformat()} 至 {end.isoformat()} 没有{'或'.join(rule.what)}记录"))


def _payments(rule: Rule, subjects: list[Subject], facts: Facts, scans, config, gaps: list, info=None) -> None:
    """A payment record (发放记录) for every payable month (Facts.payable_months) of each subject year."""
    paid = {p.month for p in facts.hh.payments}
    by_year: dict[int, list[int]] = {}
    for y, m in facts.payable_months:
        if f"{y:04d}-{m:02d}" not in paid:
            by_year.setdefault(y, []).append(m)
    for subj in subjects:
        missing = by_year.get(subj.year or 0)
        if missing:
            gaps.append(pack("缺数据", rule, subj, rule.category,
                             f"{subj.year}年 {'、'.join(f'{m}月' for m in missing)} 没有发放记录（{len(missing)} 个月）"))


_KINDS = {"form": _form, "scan": _scan, "photos": _photos, "field": _field, "time": _time, "event": _event,
          "payments": _payments}
