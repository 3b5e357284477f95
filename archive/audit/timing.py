"""Time rules (003 §三(四); 000; 002), counted in Chinese working days where the seed says 工作日.

review_deadline   审核确认 (or 不予批准) within N working days of acceptance (申请.accepted, else the
                  application date); N = dibao.toml review_working_days, or
                  review_extended_working_days when the application is marked extended.
                  Still undecided after the deadline (at the audit date) is late too.
refusal_notice    written notice (不予批准.notified) within N working days of the decision;
                  not yet notified after the deadline is late too.
publicity_length  公示 from `date` to `end`, both days included, at least the profile's days
                  (审核公示: publicity.review_days, 确认公示: publicity.confirm_days), counted in
                  calendar days unless the rule says count = "workday".
"""

from __future__ import annotations

from functools import lru_cache

from archive import workdays

# Deadlines repeat across households (same dates, same limits): count each once per process.
# The calendar does not change while dibao runs; workdays notes uncovered years on first use.
_add_workdays = lru_cache(maxsize=65536)(workdays.add_workdays)
_workdays_between = lru_cache(maxsize=65536)(workdays.workdays_between)


def check(rule, subj, facts, config) -> tuple[str, str | None] | None:
    """(Chinese description of the breach, id of the late event), or None when the rule is met (or cannot be judged yet)."""
    name = rule.what[0]
    e = subj.event
    if name == "review_deadline":
        return _review(rule, e, facts, config)
    if name == "refusal_notice":
        limit = rule.days if rule.days is not None else config.refusal_notice_working_days
        deadline = _add_workdays(e.date, limit)
        if e.notified is None:
            if facts.as_of > deadline:
                return (f"{e.date.isoformat()} 作出不予批准决定，应在 {deadline.isoformat()} 前（{limit}个工作日内）"
                        "书面告知，记录中没有告知日期", e.id)
            return None
        used = _workdays_between(e.date, e.notified)
        if used > limit:
            return (f"{e.date.isoformat()} 决定，{e.notified.isoformat()} 才书面告知，用了 {used} 个工作日，"
                    f"规定 {limit} 个工作日内（截止 {deadline.isoformat()}）", e.id)
        return None
    if name == "publicity_length":
        need = rule.days if rule.days is not None else (
            config.review_publicity_days if e.type == "审核公示" else config.confirm_publicity_days)
        if rule.count == "workday":
            have = _workdays_between(e.date, e.end) + (1 if workdays.is_workday(e.date) else 0)
            unit = "个工作日"
        else:
            have = (e.end - e.date).days + 1
            unit = "天"
        if have < need:
            return f"{e.type} {e.date.isoformat()} 至 {e.end.isoformat()} 只有 {have}{unit}，规定 {need}{unit}", e.id
        return None
    raise KeyError(name)


def _review(rule, app, facts, config) -> tuple[str, str | None] | None:
    start = app.accepted or app.date
    limit = rule.days if rule.days is not None else (
        config.review_extended_working_days if app.extended else config.review_working_days)
    deadline = _add_workdays(start, limit)
    later_apps = [a for a in facts.of("申请") if a.date > app.date]
    until = later_apps[0].date if later_apps else None
    outcomes = [e for e in facts.of("审核确认", "不予批准") if e.date >= app.date and (until is None or e.date < until)]
    what = "受理" if app.accepted else "申请（未写受理日期，按申请日期计）"
    ext = "（已延长）" if app.extended else ""
    if not outcomes:
        if facts.as_of > deadline and until is None:
            used = _workdays_between(start, facts.as_of)
            return (f"{start.isoformat()} {what}，至今 {used} 个工作日仍未审核确认；"
                    f"规定 {limit} 个工作日内{ext}（截止 {deadline.isoformat()}）", app.id)
        return None
    done = outcomes[0].date
    if done > deadline:
        used = _workdays_between(start, done)
        return (f"{start.isoformat()} {what}，{done.isoformat()} {outcomes[0].type}，用了 {used} 个工作日；"
                f"规定 {limit} 个工作日内{ext}（截止 {deadline.isoformat()}）", outcomes[0].id)
    return None
