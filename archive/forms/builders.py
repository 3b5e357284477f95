"""Per-form context for household forms: which events a form is filled for, and the event's fields."""

from __future__ import annotations

from archive import profiles as county_profiles
from archive.errors import InputError
from archive.records.model import Household
from archive.forms import shape
from archive.forms.context import household_base, money, text
from archive.forms.shape import fill

CHECK_TYPES = ("定期核查", "年度审核")


def _profile_of(form_id: str) -> str:
    return form_id.split("-")[0]


def events_for(spec, hh: Household) -> list:
    """The events of hh this household form is filled for; [None] when the form is not tied to one event."""
    fid = spec.id
    if spec.is_list:
        return []
    if fid == "fenxi-12":
        return [None] if hh.events_of(*CHECK_TYPES) else []
    if fid == "fenxi-05":
        if not _official(hh):
            return []
        return hh.events_of("申请") or [None]
    if fid == "yueyang-02" and hh.type != "特困":
        return []
    if fid == "yueyang-01" and hh.type == "特困":
        return []
    if fid == "yueyang-03":
        if hh.type == "特困":
            return []
        return hh.events_of("年度审核") or hh.events_of("申请")
    if spec.event is None:
        return [None]
    return hh.events_of(spec.event)


# The application → review → confirmation chain (seed 002 附件1–11) and the change form (seed 000
# 附件1) are the only templates of those steps in the seeds, and every household needs them
# whatever its county: they apply in every profile.  Review forms stay with their own profile.
SHARED_FORMS = frozenset({f"fenxi-{n:02d}" for n in range(1, 12)} | {"ezhou-01"})


def applicable(spec, hh: Household, config) -> bool:
    """Does this household need this form at all (in the workspace's profile)?"""
    if spec.is_list:
        return False
    prof = config.profile if config is not None else "custom"
    if prof in county_profiles.names() and spec.id not in SHARED_FORMS and _profile_of(spec.id) != prof:
        return False
    fid = spec.id
    if fid == "fenxi-05":
        return _official(hh)
    if fid == "fenxi-06":
        return bool(hh.events_of("不予批准"))
    if fid == "fenxi-08":
        return bool(hh.events_of("再次调查"))
    if fid == "fenxi-09":
        return bool(hh.events_of("审核确认")) or not hh.events_of("不予批准")
    if fid == "fenxi-12":
        return _in_care(hh)
    if fid == "ezhou-01":
        return bool(hh.events_of("变更"))
    if fid == "yueyang-02":
        return hh.type == "特困"
    if fid in ("yueyang-01", "yueyang-03"):
        return hh.type != "特困"
    return True


def _official(hh: Household) -> bool:
    return hh.official_relative is not None or any(a.is_official_relative for a in hh.events_of("申请"))


def _in_care(hh: Household) -> bool:
    return hh.since is not None or any(d.approved for d in hh.events_of("审核确认")) or bool(hh.events_of(*CHECK_TYPES))


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
    fid = spec.id
    ctx = household_base(hh, config, ev, blank_calc=fid in ("fenxi-01", "fenxi-02", "fenxi-06", "fenxi-12"))
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
                 preliminary_opinion=text(ev.preliminary_opinion))
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
    if fid == "fenxi-05":
        ctx["rel"] = _relative(hh, ctx)
    if fid == "fenxi-12":
        ctx["checks"] = [_check(x) for x in hh.events_of(*CHECK_TYPES)]
    if fid == "yueyang-02" and hh.extreme_poverty is not None:
        tp = hh.extreme_poverty
        ctx["tk"] = fill(shape.TK, since=tp.since or hh.since, basic_living_fee=f"{money(tp.basic_living_fee)}元/月" if tp.basic_living_fee is not None else "",
                         care_fee=f"{money(tp.care_fee)}元/月" if tp.care_fee is not None else "",
                         full=tp.self_care == "全自理", half=tp.self_care == "半护理", total=tp.self_care == "全护理")
    if fid == "yueyang-03":
        from archive.forms.assess import y3_context

        ctx["y3"] = y3_context(hh, config, ev, ctx)
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


def _relative(hh: Household, ctx: dict) -> dict:
    r = hh.official_relative
    decided = any(d.approved for d in hh.events_of("审核确认"))
    vals = dict(applying_head="" if decided else hh.head.name, enjoying_head=hh.head.name if decided else "",
                monthly_amount=ctx["hh"]["amount"])
    if r is not None:
        vals.update(official_name=r.official_name, unit=r.unit, post=r.post, relation=r.relation,
                    filed_date=r.filed_date, county_check=text(r.county_check))
    return fill(shape.REL, **vals)


def _check(ev) -> dict:
    if ev.type == "年度审核":
        situation = text(ev.situation) or text(ev.village_opinion)
        conclusion = f"{ev.year}年度审核：{ev.conclusion}"
    else:
        situation, conclusion = ev.situation, ev.conclusion
    return fill(shape.CHECK, date=ev.date, investigators="、".join(ev.investigators), situation=situation, conclusion=conclusion)

