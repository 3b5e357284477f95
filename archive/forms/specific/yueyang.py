"""岳阳县 (seed 001): annual review forms split by household type, the income assessment, the schedule."""

from __future__ import annotations

from archive.forms import shape
from archive.forms.context import money
from archive.forms.shape import fill
from archive.forms.specific import register


def _tekun(ctx: dict, hh, config, ev) -> None:
    tp = hh.extreme_poverty
    if tp is None:
        return
    ctx["tk"] = fill(shape.TK, since=tp.since or hh.since,
                     basic_living_fee=f"{money(tp.basic_living_fee)}元/月" if tp.basic_living_fee is not None else "",
                     care_fee=f"{money(tp.care_fee)}元/月" if tp.care_fee is not None else "",
                     full=tp.self_care == "全自理", half=tp.self_care == "半护理", total=tp.self_care == "全护理")


def _assessment(ctx: dict, hh, config, ev) -> None:
    from archive.forms.assess import y3_context

    ctx["y3"] = y3_context(hh, config, ev, ctx)


not_tekun = lambda hh: hh.type != "特困"   # noqa: E731 - a predicate shared by two registrations

register("yueyang-01", events=lambda spec, hh: [] if hh.type == "特困" else None, applicable=not_tekun)
register("yueyang-02", events=lambda spec, hh: [] if hh.type != "特困" else None,
         applicable=lambda hh: hh.type == "特困", context=_tekun)
register("yueyang-03", events=lambda spec, hh: [] if hh.type == "特困" else (hh.events_of("年度审核") or hh.events_of("申请")),
         applicable=not_tekun, context=_assessment)
register("yueyang-04", list_kind="review_schedule")
