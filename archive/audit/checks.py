"""Checks for inspectors, reported apart from missing papers.

应退尽退     a household in care (城市/农村低保, not exited) whose per-capita income, computed
             by archive.records.calc for its latest income year, is not below that year's standard.
死亡未减员   a member who died on or before the audit date is still marked 保障人口, or the
             amount in force after the death still counts more covered people than are alive.
发放金额不符 a 正常发放 payment differing from the amount in force that month: the latest
             approved 审核确认 (household_amount, else per_person × covered_count) from its
             start_month, replaced by each 变更's after.amounts total from the month after the
             change (the months before it are settled by 提标补发 / 扣减, not compared).
身份证重复   one ID number in two households (or twice in one): see `duplicate_ids`.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from operator import attrgetter

from archive import ids
from archive.audit.conditions import Facts, event_key
from archive.audit.gaps import Flag, HouseholdAudit
from archive.errors import DibaoError


def household_flags(hh, facts: Facts, config) -> list[Flag]:
    out: list[Flag] = []
    _over_standard(hh, facts, config, out)
    _deceased(hh, facts, out)
    _payments(hh, facts, out)
    _decided_amount(hh, facts, config, out)
    _payment_dates(hh, facts, out)
    _investigators(hh, facts, out)
    return out


def _over_standard(hh, facts: Facts, config, out: list[Flag]) -> None:
    """低保: income not below the standard; 低保边缘: not below standard × the county multiple.
    特困 is not income-tested (无劳动能力、无生活来源、无赡养人), so it is not checked here."""
    if hh.type == "特困" or facts.start is None or facts.exit_date is not None:
        return
    if not hh.incomes:
        return
    from archive.records.calc import compute, fmt

    year = max(x.year for x in hh.incomes)
    # the 年审 of that income (the latest review on or after its year) judged it by the standard in force that
    # day, after any mid-year 提标; without such a review, the income year's standard
    reviews = [e for e in facts.of("年度审核", "定期核查") if e.date.year >= year and e.date <= facts.as_of]
    c = None
    if reviews:
        try:
            c = compute(hh, config, year, on=reviews[-1].date, explain=False)
        except DibaoError:
            c = None
    try:
        c = c or compute(hh, config, year, explain=False)
    except DibaoError:
        return  # no standard for that year, or nobody alive: nothing to judge
    if hh.type == "低保边缘":
        if c.per_capita_monthly >= c.edge_limit:
            out.append(Flag("应退尽退",
                            f"{year}年家庭月人均收入 {fmt(c.per_capita_monthly)} 元，不低于低保边缘上限 {fmt(c.edge_limit)} 元"
                            f"（{c.standard.describe()} × {config.programs.edge_multiple:g}），仍按低保边缘家庭管理",
                            "入户核实收入；确属超出的按程序退出低保边缘家庭，或补录漏记的刚性支出",
                            year=year, subject=str(year),
                            source="民发〔2021〕57号 低保边缘家庭认定（收入低于低保标准的县定倍数，本县设为 "
                                   f"{config.programs.edge_multiple:g} 倍，见 dibao.toml [programs]）；003 §三(五)（应退尽退）"))
        return
    if not c.eligible:
        out.append(Flag("应退尽退",
                        f"{year}年家庭月人均收入 {fmt(c.per_capita_monthly)} 元，不低于{c.standard.describe()}"
                        f"（折合 {fmt(c.standard.monthly)} 元/人/月），仍在保",
                        "入户核实收入；确属超标的按程序办理退出（变更或退出），或补录漏记的刚性支出",
                        year=year, subject=str(year)))


def _decided_amount(hh, facts: Facts, config, out: list[Flag]) -> None:
    """An approved 审核确认 whose amount differs from the one computed from the record (by more than 0.01 元/月)."""
    if hh.type == "低保边缘" or not hh.incomes:
        return
    from archive.records.calc import calc_year_for, compute

    for e in facts.of("审核确认"):
        if not e.approved or (e.household_amount is None and e.per_person is None):
            continue
        try:
            c = compute(hh, config, calc_year_for(hh, e), on=e.date, explain=False, record_fees=False)
        except DibaoError:
            continue
        # members' `covered` is today's state; the decision's own covered_count says how many it was for
        count = e.covered_count if e.covered_count is not None else c.covered_count
        got = e.household_amount if e.household_amount is not None else e.per_person * count
        expected = c.household_total if config.programs.full_amount_categories else c.top_up_per_person * count
        if abs(got - expected) > Decimal("0.01"):
            what = "特困人员救助供养金" if hh.type == "特困" else "家庭补助金额"
            out.append(Flag("补差金额不符",
                            f"审核确认（{e.date.isoformat()}）的{what} {got} 元/月，按{c.year}年收入和{c.standard.describe()}"
                            f"核算应为 {expected} 元/月（{c.top_up_per_person} × {count} 人）",
                            "用 dibao calc 核对收入、刚性支出和保障人口；确认金额有误的办理变更并补发或追回",
                            year=e.date.year, subject=event_key(e)))


def _first_of_next_month(d: dt.date) -> str:
    return _month(dt.date(d.year + (d.month == 12), d.month % 12 + 1, 1))


def _payment_dates(hh, facts: Facts, out: list[Flag]) -> None:
    """Payments before the approval, in the approval month (003: 审批后次月开始享受) or after the exit month."""
    paid = sorted((p for p in hh.payments if p.kind in ("正常发放", "补发", "提标补发") and p.amount > 0), key=_MONTH)
    if not paid:
        return
    approvals = [e for e in facts.of("审核确认") if e.approved]
    if not approvals and not hh.since:
        out.append(Flag("发放时间不符", f"记录中没有同意纳入的审核确认，却有 {len(paid)} 笔发放（{paid[0].month} 起）",
                        "补录审核确认（同意纳入）事件，或核实并追回无依据的发放", subject="no-approval"))
        return
    if approvals:
        first = approvals[0]
        allowed = _first_of_next_month(first.date)
        early = [p for p in paid if p.month < allowed and p.kind == "正常发放"]
        if early:
            months = "、".join(sorted({p.month for p in early}))
            out.append(Flag("发放时间不符",
                            f"{months} 已发放，而审核确认日期为 {first.date.isoformat()}，应自 {allowed} 起享受（审批后次月）",
                            "核对审核确认日期与发放花名册；批准前或批准当月的发放按规定处理",
                            year=int(early[0].month[:4]), subject="before-approval"))
    if facts.exit_date is not None:
        stop = _first_of_next_month(facts.exit_date)
        late = [p for p in paid if p.month >= stop]
        if late:
            months = "、".join(sorted({p.month for p in late}))
            out.append(Flag("发放时间不符", f"已于 {facts.exit_date.isoformat()} 退出，{months} 仍有发放",
                            "停止发放并追回退出后的资金", year=int(late[0].month[:4]), subject="after-exit"))


def _investigators(hh, facts: Facts, out: list[Flag]) -> None:
    for e in facts.of("年度审核", "定期核查", "入户调查", "再次调查"):
        if e.date <= facts.as_of and len(set(e.investigators)) < 2:
            out.append(Flag("调查人数不足", f"{e.type}（{e.date.isoformat()}）只有 {len(set(e.investigators))} 名调查人员"
                            + (f"（{'、'.join(e.investigators)}）" if e.investigators else ""),
                            "由两名以上工作人员重新入户核查并签字，补录调查人员",
                            year=e.date.year, subject=event_key(e)))


def _deceased(hh, facts: Facts, out: list[Flag]) -> None:
    as_of = facts.as_of
    if facts.start is None or facts.exit_date is not None:
        return
    dead = [m for m in hh.members if m.death_date is not None and m.death_date <= as_of]
    if not dead:
        return
    for m in dead:
        if m.covered:
            out.append(Flag("死亡未减员", f"{m.name} 已于 {m.death_date.isoformat()} 死亡，记录中仍为保障人口",
                            "办理减员：把该成员的“是否保障人口”改为 false，录入变更事件并重新核定金额",
                            member=m.name, subject=m.name))
    if any(f.kind == "死亡未减员" for f in out):
        return
    decided = [e for e in facts.of("审核确认", "变更") if e.date <= as_of and (e.type == "变更" or e.approved)]
    if not decided:
        return
    last = decided[-1]
    count = last.covered_count if last.type == "审核确认" else last.after.covered_count
    alive = len(facts.living)
    if count is not None and count > alive:
        names = "、".join(f"{m.name}（{m.death_date.isoformat()} 死亡）" for m in dead)
        out.append(Flag("死亡未减员",
                        f"{names}；{last.type}（{last.date.isoformat()}）按保障人口 {count} 人核定，在世成员 {alive} 人",
                        "办理减员变更，按在世人数重新核定金额；多发的资金按规定追回", member=dead[-1].name,
                        subject=dead[-1].name))


def _month(d: dt.date) -> str:
    return f"{d.year:04d}-{d.month:02d}"


def amount_timeline(facts: Facts) -> list[tuple[str, Decimal, str]]:
    """(from month, confirmed household amount per month, where it comes from), in time order."""
    steps: list[tuple[str, Decimal, str]] = []
    for e in facts.of("审核确认", "变更"):
        if e.type == "审核确认":
            if not e.approved:
                continue
            amount = e.household_amount
            if amount is None and e.per_person is not None and e.covered_count is not None:
                amount = e.per_person * e.covered_count
            if amount is None:
                continue
            steps.append((e.start_month or _month(e.date), amount, f"审核确认（{e.date.isoformat()}）"))
        else:
            a = e.after.amounts
            total = a.basic + a.classified + a.fallback + a.other
            if total == 0 and e.after.covered_count is None:
                continue
            # monthly payments switch the month after the change; earlier months are settled by 补发/扣减
            nxt = dt.date(e.date.year + (e.date.month == 12), e.date.month % 12 + 1, 1)
            steps.append((_month(nxt), total, f"变更（{e.date.isoformat()}）"))
    steps.sort(key=lambda s: s[0])
    return steps


_MONTH = attrgetter("month")


def _payments(hh, facts: Facts, out: list[Flag]) -> None:
    if not hh.payments:
        return
    steps = amount_timeline(facts)
    if not steps:
        return
    runs: list[list] = []   # [first month, last month, paid, confirmed, source, count]
    j = 0                   # steps[:j] start on or before the payment's month (both in month order)
    for p in sorted(hh.payments, key=_MONTH):
        if p.kind != "正常发放":
            continue
        while j < len(steps) and steps[j][0] <= p.month:
            j += 1
        if not j:
            continue
        current = steps[j - 1][1:]
        if p.amount == current[0]:
            continue
        if runs and runs[-1][2] == p.amount and runs[-1][3] == current[0] and runs[-1][4] == current[1]:
            runs[-1][1] = p.month
            runs[-1][5] += 1
        else:
            runs.append([p.month, p.month, p.amount, current[0], current[1], 1])
    for first, last, paid, confirmed, src, n in runs:
        span = first if first == last else f"{first} 至 {last}（{n} 个月）"
        out.append(Flag("发放金额不符", f"{span} 发放 {paid} 元/月，{src}确认的金额为 {confirmed} 元/月",
                        "核对发放花名册与审核确认表；多发的追回，少发的补发，并在发放记录中写明类别",
                        year=int(first[:4]), subject=first if first == last else f"{first}..{last}"))


def duplicate_ids(households: list[HouseholdAudit]) -> None:
    """Add a 身份证重复 flag to every household that shares a living member's ID number."""
    first: dict[str, tuple[HouseholdAudit, str]] = {}
    dups: dict[str, list[tuple[HouseholdAudit, str]]] = {}
    for h in households:
        for key, name in h.ids:
            if key in first:
                dups.setdefault(key, [first[key]]).append((h, name))
            else:
                first[key] = (h, name)
    for key, where in dups.items():
        for h, name in where:
            others = [o for o, _ in where if o is not h]
            if others:
                names = "、".join(f"{o.case_no}（{o.village} {o.head}户）" for o in others)
                detail = f"{name} 的身份证号 {ids.mask(key)} 也出现在 {names}"
            else:
                detail = f"{name} 的身份证号 {ids.mask(key)} 在本户出现两次"
            flag = Flag("身份证重复", detail, "一人只能在一户享受：核对身份证原件，确定该成员属于哪一户，从另一户删除或改正",
                        member=name, subject=name, others=[o.case_no for o in others])
            if not any(f.kind == flag.kind and f.detail == flag.detail for f in h.flags):
                h.flags.append(flag)
