"""List forms: 审核公示单 and 确认公示单 (one village), 在保对象汇总表 and 镇复核到村时间安排 (one town).

Public notices list adults only.  A household whose applicant is under 18 on the
notice date is left off the notice (001 §二(五): nothing about minors is published) and
reported back as a warning, so the office can publicise it in another lawful way.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from archive.records import calc as calcmod
from archive.errors import InputError
from archive.forms import shape
from archive.forms.context import age_of, amounts_on, calc_year_for, config_values, is_minor, money
from archive.forms.shape import fill



def _applicant(hh):
    app = hh.latest("申请")
    if app is not None:
        return next((m for m in hh.members if m.name == app.applicant), hh.head)
    return hh.head


def _base(config, town: str, village: str = "") -> dict:
    ctx = shape.defaults()
    loc = config.locality
    ctx["loc"] = fill(shape.LOC, province=loc.province, city=loc.city, county=loc.county,
                      town=town, village=village, service_center=loc.service_center, government=loc.government)
    ctx["cfg"] = config_values(config)
    return ctx


def _batch(households, village: str, ev_type: str, date: dt.date | None):
    in_village = [hh for hh in households if hh.village == village]
    if not in_village:
        raise InputError(f"工作区中没有“{village}”的家庭记录", field="--village", hint="检查村（社区）名称是否与记录中的 village 一致")
    pubs = [(hh, e) for hh in in_village for e in hh.events_of(ev_type)]
    if not pubs:
        raise InputError(f"“{village}”没有任何“{ev_type}”记录，无法生成公示单", field="events",
                         hint=f"在公示家庭的记录中加入 type 为“{ev_type}”的事件（date 为公示开始日期，end 为结束日期）")
    start = date or max(e.date for _hh, e in pubs)
    chosen = [(hh, e) for hh, e in pubs if e.date == start]
    if not chosen:
        dates = "、".join(sorted({e.date.isoformat() for _hh, e in pubs}))
        raise InputError(f"“{village}”没有在 {start.isoformat()} 开始的{ev_type}", field="--date", hint=f"可选的公示日期：{dates}")
    return in_village, chosen, start


def review_notice(config, households, village: str, date=None, confirm: bool = False, program: str | None = None):
    """fenxi-07 (审核公示单) or fenxi-10 (确认公示单) for one village; returns (context, warnings, households in scope).

    One notice per program: 最低生活保障 (城市/农村低保), 特困, 低保边缘 are announced on separate notices
    with their own title and wording (`program`: 低保 | 特困 | 低保边缘; default: 低保 when the batch has it,
    else the batch's only program); the other programs' households are reported back as warnings."""
    from archive.records.program import program_of

    ev_type = "确认公示" if confirm else "审核公示"
    in_village, chosen, start = _batch(households, village, ev_type, date)
    kinds = sorted({program_of(hh).kind for hh, _e in chosen}, key=("低保", "特困", "低保边缘").index)
    if program is not None and program not in ("低保", "特困", "低保边缘"):
        raise InputError(f"对象类别“{program}”无效", field="--program", hint="写 低保、特困 或 低保边缘")
    kind = program or kinds[0]
    town = chosen[0][0].town
    ctx = _base(config, town, village)
    warnings: list[str] = []
    others = [k for k in kinds if k != kind]
    if others:
        warnings.append(f"本批公示中还有{'、'.join(others)}家庭，不列入本公示单，请用 --program {others[0]} 另行生成")
    chosen = [(hh, e) for hh, e in chosen if program_of(hh).kind == kind]
    if not chosen:
        raise InputError(f"“{village}”{start.isoformat()} 的{ev_type}中没有{kind}家庭", field="--program",
                         hint=f"可选：{'、'.join(kinds)}")
    ctx["prog"] = _program_ctx(chosen[0][0].type)
    rows = []
    for hh, e in sorted(chosen, key=lambda p: p[0].case_no):
        applicant = _applicant(hh)
        if is_minor(applicant, start):
            warnings.append(f"对象编号 {hh.case_no} 的申请人未满18周岁，按规定未列入公示单，请另行依法公示")
            continue
        living = hh.living_members(start)
        covered = [m for m in living if m.covered]
        adults = [m.name for m in covered if not is_minor(m, start)]
        c = _calc(hh, config, e)
        if confirm and kind == "低保边缘":
            amount = "—"   # no 低保 payment
        elif confirm:
            dec = hh.latest("审核确认")
            amount = dec.household_amount if dec is not None and dec.household_amount is not None else (c.household_total if c else None)
        else:
            amount = None
        rows.append(fill(shape.ROW, no=str(len(rows) + 1), names="、".join(adults), applicant=applicant.name, village=hh.village,
                         family_size=str(len(living)), covered_count=str(len(covered)),
                         per_capita=money(c.per_capita_monthly) if c else "",
                         amount=amount if isinstance(amount, str) else money(amount)))
    ctx["rows"] = rows
    end = max((e.end for _hh, e in chosen), default=None)
    # the days the dates say (start and end both counted), not the setting: a 3-day notice prints 3
    days = str((end - start).days + 1) if end else ""
    want = config.confirm_publicity_days if confirm else config.review_publicity_days
    if end and (end - start).days + 1 < want:
        warnings.append(f"公示期 {start.isoformat()} 至 {end.isoformat()} 只有 {days} 天，少于规定的 {want} 天")
    if not str(config.archive.get("hotline", "") or "").strip():
        warnings.append("dibao.toml [archive] hotline（举报电话）未填写，公示单上举报电话为空")
    ctx["pub"] = fill(shape.PUB, start=start, end=end, date=start, days=days)
    return ctx, warnings, in_village, start


def _program_ctx(household_type: str) -> dict:
    from archive.forms.context import program_values

    return program_values(household_type)


def _calc(hh, config, ev):
    try:
        return calcmod.compute(hh, config, calc_year_for(hh, ev))
    except Exception:  # noqa: BLE001 - a household without incomes still appears, without the figure
        return None


def _month_bounds(month: str) -> tuple[dt.date, dt.date]:
    y, m = map(int, month.split("-"))
    first = dt.date(y, m, 1)
    nxt = dt.date(y + (m == 12), m % 12 + 1, 1)
    return first, nxt - dt.timedelta(days=1)


def in_care_on(hh, first: dt.date, last: dt.date) -> bool:
    """Paid in care during [first, last]: approved and not exited; 低保边缘 families are never on the
    在保对象汇总表 (no 低保 payment), and a household never approved is not in care whatever `since` says."""
    if hh.type == "低保边缘":
        return False
    decisions = hh.events_of("审核确认")
    if (decisions or hh.events_of("不予批准")) and not any(d.approved for d in decisions):
        return False
    start = None
    for d in hh.events_of("审核确认"):
        if d.approved:
            s = dt.date(*map(int, d.start_month.split("-")), 1) if d.start_month else d.date
            start = s if start is None else min(start, s)
    if start is None and hh.since is not None:
        start = hh.since
    if start is None or start > last:
        return False
    for x in hh.events_of("退出"):
        if x.date < first:
            return False
    for r in hh.events_of("年度审核"):
        if r.conclusion in ("停发", "取消") and r.date < first:
            return False
    return True


def monthly_roster(config, households, town: str, month: str | None):
    """fenxi-11: every household of the town in care during the month, with bank card and amount."""
    in_town = [hh for hh in households if hh.town == town]
    if not in_town:
        raise InputError(f"工作区中没有“{town}”的家庭记录", field="--town", hint="检查乡镇名称是否与记录中的 town 一致")
    if month is None:
        months = [p.month for hh in in_town for p in hh.payments]
        month = max(months) if months else dt.date.today().strftime("%Y-%m")
    first, last = _month_bounds(month)
    ctx = _base(config, town)
    rows = []
    total_cov, total_amt = 0, Decimal(0)
    for hh in sorted(in_town, key=lambda h: (h.village, h.case_no)):
        if not in_care_on(hh, first, last):
            continue
        paid = [p.amount for p in hh.payments if p.month == month]
        if paid:
            amount = sum(paid, Decimal(0))
        else:
            a = amounts_on(hh, last)
            amount = (a.basic + a.classified + a.fallback + a.other) if a else None
        covered = sum(1 for m in hh.living_members(last) if m.covered)
        total_cov += covered
        total_amt += amount or Decimal(0)
        rows.append(fill(shape.ROW, no=str(len(rows) + 1), village=hh.village, applicant=_applicant(hh).name,
                         covered_count=str(covered), type=hh.type,
                         card_number=hh.bank_account.card_number if hh.bank_account else "", amount=money(amount)))
    ctx["rows"] = rows
    y, m = month.split("-")
    ctx["pub"] = fill(shape.PUB, year=y, month=str(int(m)), total_covered=str(total_cov), total_amount=money(total_amt),
                      date=last)
    return ctx, [], in_town


def review_schedule(config, households, town: str, year: int | None):
    """yueyang-04 (001 附件5 镇复核到村时间安排): the town visits its villages two a working day, 上午 and
    下午, from [forms] review_schedule_start (else the first working day on or after the villages' last
    年度审核 of the year), in the order of [forms] review_villages, then by each village's first review."""
    from archive.workdays import add_workdays, is_workday

    in_town = [hh for hh in households if hh.town == town]
    if not in_town:
        raise InputError(f"工作区中没有“{town}”的家庭记录", field="--town", hint="检查乡镇名称是否与记录中的 town 一致")
    reviews = [(hh, r) for hh in in_town for r in hh.events_of("年度审核")]
    fc = config.forms
    if year is None:
        year = fc.review_schedule_start.year if fc.review_schedule_start else \
            max((r.year for _hh, r in reviews), default=dt.date.today().year)
    first_day: dict[str, dt.date | None] = {}
    for hh in in_town:
        first_day.setdefault(hh.village, None)
    for hh, r in reviews:
        if r.year == year:
            cur = first_day.get(hh.village)
            first_day[hh.village] = r.date if cur is None else min(cur, r.date)
    listed = [v for v in fc.review_villages if v in first_day]
    rest = sorted((v for v in first_day if v not in listed),
                  key=lambda v: (first_day[v] is None, first_day[v] or dt.date.max, v))
    order = listed + rest
    warnings: list[str] = []
    start = fc.review_schedule_start
    if start is None:
        done = [r.date for _hh, r in reviews if r.year == year]
        if done:
            start = max(done)
            warnings.append(f"dibao.toml [forms] 没有写 review_schedule_start（镇复核到村的开始日期），按各村{year}年"
                            f"年度审核的最后一天 {start.isoformat()} 起排：每个工作日上午、下午各一个村")
        else:
            warnings.append(f"{year}年没有年度审核记录，也没有写 [forms] review_schedule_start：时间一栏留空")
    slots: list[str] = []
    if start is not None:
        day = start if is_workday(start) else add_workdays(start, 1)
        for i in range(len(order)):
            if i and i % 2 == 0:
                day = add_workdays(day, 1)
            slots.append(f"{day.month}月{day.day}日{'上午' if i % 2 == 0 else '下午'}")
    ctx = _base(config, town)
    ctx["rows"] = [fill(shape.ROW, no=str(i + 1), village=v, time=slots[i] if slots else "", people=fc.review_team)
                   for i, v in enumerate(order)]
    ctx["sched"] = {"year": str(year)}
    return ctx, warnings, in_town


def minors_of(households, on: dt.date) -> list[str]:
    return [m.name for hh in households for m in hh.members if is_minor(m, on)]


__all__ = ["review_notice", "monthly_roster", "review_schedule", "minors_of", "age_of"]
