"""汾西县 (seed 002): the application → review → confirmation chain and the periodic check record."""

from __future__ import annotations

from archive.forms import shape
from archive.forms.context import text
from archive.forms.shape import fill
from archive.forms.specific import register
from archive.records.model import Household
from archive.records.program import program_of

CHECK_TYPES = ("定期核查", "年度审核")


def official(hh: Household) -> bool:
    """An official's close relative applies (附件5 备案表)."""
    return hh.official_relative is not None or any(a.is_official_relative for a in hh.events_of("申请"))


def in_care(hh: Household) -> bool:
    return hh.since is not None or any(d.approved for d in hh.events_of("审核确认")) or bool(hh.events_of(*CHECK_TYPES))


def _relative(hh: Household, ctx: dict, ev) -> dict:
    """The 备案表 as of its own date (备案日期, else the application's): an applicant not yet approved then is
    正在申请 with no amount; one already approved is 已享受 with the amount in force that day."""
    from archive.forms.context import amounts_on, money

    r = hh.official_relative
    on = (r.filed_date if r is not None and r.filed_date else None) or (ev.date if ev is not None else None)
    decided = [d for d in hh.events_of("审核确认") if d.approved and (on is None or d.date <= on)]
    amounts = amounts_on(hh, on) if on is not None and decided else None
    amount = money(amounts.basic + amounts.classified + amounts.fallback + amounts.other) if amounts else ""
    vals = dict(applying_head="" if decided else hh.head.name, enjoying_head=hh.head.name if decided else "",
                monthly_amount=amount)
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
    return fill(shape.CHECK, date=ev.date, investigators="、".join(ev.investigators), situation=situation,
                conclusion=conclusion)


# The application → review → confirmation chain (seed 002 附件1–11) is the only template of those
# steps in the seeds, and every household needs it whatever its county: shared=True.
register("fenxi-01", blank_calc=True, shared=True)
register("fenxi-02", blank_calc=True, shared=True)
register("fenxi-03", shared=True)
register("fenxi-04", shared=True)
register("fenxi-05", shared=True, events=lambda spec, hh: (hh.events_of("申请") or [None]) if official(hh) else [],
         applicable=official, context=lambda ctx, hh, config, ev: ctx.update(rel=_relative(hh, ctx, ev)))
register("fenxi-06", applicable=lambda hh: bool(hh.events_of("不予批准")), blank_calc=True, shared=True)
register("fenxi-07", list_kind="review_notice", shared=True)
register("fenxi-08", applicable=lambda hh: bool(hh.events_of("再次调查")), shared=True)
register("fenxi-09", applicable=lambda hh: bool(hh.events_of("审核确认")) or not hh.events_of("不予批准"), shared=True,
         # 特困人员救助供养审核确认表, not 最低生活保障…, for a 特困 household
         title=lambda hh: program_of(hh).decision_form_title)
register("fenxi-10", list_kind="confirm_notice", shared=True)
register("fenxi-11", list_kind="roster", shared=True)
register("fenxi-12", events=lambda spec, hh: [None] if hh.events_of(*CHECK_TYPES) else [],
         applicable=in_care, blank_calc=True,
         context=lambda ctx, hh, config, ev: ctx.update(checks=[_check(x) for x in hh.events_of(*CHECK_TYPES)]))
