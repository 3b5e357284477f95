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
    return "exact" if agree else "generic"


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
    for subj in subjects:
        if cands:
            ids = _event_ids(subj, None)
            n = sum(1 for s in cands if _fit(s, subj, ids) == "exact"
                    or (len(subjects) == 1 and _fit(s, subj, ids) == "generic"))
        else:
            n = 0
        if n < lo:
            gaps.append(pack("缺照片", rule, subj, rule.category, f"现有 {n} 张，应 {span} 张"))
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


_KINDS = {"form": _form, "scan": _scan, "photos": _photos, "field": _field, "time": _time}
