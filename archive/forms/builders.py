"""Per-form context for household forms: which events a form is filled for, and the event's fields.

What is special about one form (its events, who needs it, its own data) is not here but in its
profile's module under archive/forms/specific/, looked up by form id.
"""

from __future__ import annotations

from archive import profiles as county_profiles
from archive.errors import InputError
from archive.records.model import Household
from archive.forms import shape
from archive.forms.context import household_base, money, text
from archive.forms.shape import fill
from archive.forms.specific import rules_for


def _profile_of(form_id: str) -> str:
    return form_id.split("-")[0]


def events_for(spec, hh: Household) -> list:
    """The events of hh this household form is filled for; [None] when the form is not tied to one event."""
    if spec.is_list:
        return []
    special = rules_for(spec.id).events
    chosen = special(spec, hh) if special is not None else None
    if chosen is not None:
        return chosen
    if spec.event is None:
        return [None]
    return hh.events_of(spec.event)


def applicable(spec, hh: Household, config) -> bool:
    """Does this household need this form at all (in the workspace's profile)?"""
    if spec.is_list:
        return False
    prof = config.profile if config is not None else "custom"
    special = rules_for(spec.id)
    if prof in county_profiles.names() and not special.shared and _profile_of(spec.id) != prof:
        return False   # another county's own form (shared forms apply in every profile)
    return True if special.applicable is None else bool(special.applicable(hh))


def pick_event(spec, hh: Household, key, path=None):
    """The event chosen with --event (id, date YYYY-MM-DD or year), default the newest one."""
    choices = events_for(spec, hh)
    if not choices:
        what = spec.event or "相关"
        raise InputError(f"这一户没有表单 {spec.id}（{spec.title}）需要的“{what}”记录", path=path,
                         field="events", hint=f"在记录的 events 中加入 type 为“{what}”的事件，或换一张表")
    if key is None or key == "":
        return choices[-1]
    if not isinstance(key, str):
        if key in choices:
            return key
        raise InputError("指定的事件不属于这张表", path=path, hint="用 --event 写事件编号或日期")
    for ev in choices:
        if ev is None:
            continue
        if ev.id == key or ev.date.isoformat() == key or str(getattr(ev, "year", "")) == key:
            return ev
    listed = "、".join(e.id or e.date.isoformat() for e in choices if e is not None)
    raise InputError(f"这一户没有编号或日期为“{key}”的{spec.event or ''}事件", path=path, field="--event",
                     hint=f"可选：{listed or '（无）'}")


# ------------------------------------------------------------------ event fields

def build(spec, hh: Household, config, ev) -> dict:
    """The full context of one household form."""
    special = rules_for(spec.id)
    ctx = household_base(hh, config, ev, blank_calc=special.blank_calc)
    app = hh.latest("申请")
    e = dict(shape.EV)
    if ev is not None:
        e["date"] = ev.date
    if app is not None:
        e.update(scope_family=app.scope == "家庭", scope_personal=app.scope == "个人",
                 p_urban=app.program == "城市最低生活保障", p_rural=app.program == "农村最低生活保障",
                 p_tekun=app.program == "特困人员供养", reason=app.reason, main_expenses=text(app.main_expenses),
                 app_date=app.date)
    t = getattr(ev, "type", None)
    if t == "入户调查" or t == "再次调查":
        e.update(explanation=text(ev.explanation), opinion_date=None)
    if t == "入户调查":
        e.update(difficulty=text(ev.difficulty), consistent=ev.consistent is True, inconsistent=ev.consistent is False,
                 preliminary_opinion=text(ev.preliminary_opinion),
                 opinion_date=ev.preliminary_date or (ev.date if ev.preliminary_opinion else None))
    elif t == "再次调查":
        e.update(reported_content=ev.reported_content, confirmed=ev.confirmed is True, not_confirmed=ev.confirmed is False)
    elif t == "审核确认":
        c = ctx["_calc"]
        start = ev.start_month.split("-") if ev.start_month else ["", ""]
        e.update(economic_summary=text(ev.economic_summary) or (ctx["calc"]["summary"] if c else ""),
                 covered_count=text(ev.covered_count if ev.covered_count is not None else ctx["hh"]["covered_count"]),
                 per_person=money(ev.per_person if ev.per_person is not None else (c.top_up_per_person if c else None)),
                 household_amount=money(ev.household_amount if ev.household_amount is not None else (c.household_total if c else None)),
                 review_date=ev.review_date, approved=ev.approved is True, rejected=ev.approved is False,
                 start_year=start[0], start_month=str(int(start[1])) if start[1] else "")
        if hh.type == "低保边缘":   # no 低保 payment: never 0.00 on the 审核确认表
            e.update(per_person="—", household_amount="—")
    elif t == "不予批准":
        e.update(income_exceeds=ev.reason_kind == "收入超标", property_mismatch=ev.reason_kind == "财产不符",
                 per_capita_income=money(ev.per_capita_income), standard=money(ev.standard),
                 property_detail=text(ev.property_detail))
    elif t == "年度审核":
        _annual(e, ev, hh, ctx)
    elif t == "变更":
        e.update(reason=ev.reason)
        ctx["ch"] = {"before": _situation(ev.before), "after": _situation(ev.after)}
    ctx["ev"] = e
    if special.context is not None:
        special.context(ctx, hh, config, ev)
    ctx.pop("_calc", None)
    return ctx


def _annual(e: dict, ev, hh: Household, ctx: dict) -> None:
    keep = ev.conclusion not in ("停发", "取消")
    flags = " ".join(ev.flags)
    low = hh.type == "低保边缘"
    e.update(
        improved=ev.improved is True, not_improved=ev.improved is False,
        over=ev.over_standard is True, not_over=ev.over_standard is False,
        needs=ev.still_needs is True, not_needs=ev.still_needs is False,
        qualifies=keep, not_qualifies=not keep, keep=keep, cancel=not keep,
        village_opinion=text(ev.village_opinion), town_opinion=text(ev.town_opinion), situation=text(ev.situation),
        covered_count=ctx["hh"]["covered_count"],
        review_items=f"{ev.year}年度复核：入户调查（调查人：{'、'.join(ev.investigators)}）",
        c_keep=ev.conclusion == "维持" and not low, c_increase=ev.conclusion == "增加保障金",
        c_decrease=ev.conclusion == "减少保障金", c_stop=ev.conclusion == "停发", c_cancel=ev.conclusion == "取消" and not low,
        c_change=ev.conclusion == "变更", c_low_keep=low and ev.conclusion == "维持", c_low_cancel=low and ev.conclusion == "取消",
        f_school="自费" in flags or "留学" in flags, f_pets="宠物" in flags, f_gamble="赌博" in flags or "吸毒" in flags,
        f_appliance="高档家用电器" in flags or "电器" in flags, f_unclaimed="不按时领取" in flags or "未领取" in flags,
        f_idle="不就业" in flags, f_income="不如实申报" in flags, f_docs="不提供资料" in flags, f_refuse="不配合" in flags,
    )


def _situation(s) -> dict:
    a = s.amounts
    total = a.basic + a.classified + a.fallback + a.other
    return fill(shape.SITUATION, head=text(s.head), covered_count=text(s.covered_count), monthly_income=money(s.monthly_income),
                basic=money(a.basic), classified=money(a.classified), fallback=money(a.fallback), other=money(a.other),
                total=money(total), type=text(s.type))
