"""Household income assessment (岳阳县 收入计算评估表 附件4; 汾西 方案 §三).

    家庭月人均收入 = (工资性收入 + 经营净收入 + 财产净收入 + 转移净收入 + 其他收入)
                     ÷ 家庭人口 ÷ 12  −  可以认定扣减的月收入
    可扣减刚性支出: 重病 ≤ 50,000 元（每户每年）; 教育 按实际, ≤ 8,000 元/人/年;
                    就业 按家庭收入的 5%—10%
    月人均补差     = 低保标准(元/人/月) − 家庭月人均收入      (年标准 ÷ 12)
    家庭救助总额   = 月人均补差（已舍入到分）× 保障人口
    就业支出按户封顶：一户各项就业扣减合计不超过家庭收入的10%
    特困           = 基本生活费 + 照料护理费（按自理能力，县定）
    低保边缘       低保标准 ≤ 月人均收入 < 标准 × 倍数（县定，默认1.5），不发低保金

All arithmetic is Decimal and exact; the only rounding of a computed amount is the monthly
per-person amount, to the 分 (ROUND_HALF_UP), and the household amount is built from that
rounded figure (see compute's docstring).  Every line carries how it was computed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from archive.config import Config, Standard
from archive.records.model import INCOME_CATEGORIES, Household

MEDICAL_CAP = Decimal("50000")
EDUCATION_CAP_PER_PERSON = Decimal("8000")
EMPLOYMENT_MIN_RATE = Decimal("0.05")
EMPLOYMENT_MAX_RATE = Decimal("0.10")
CENT = Decimal("0.01")
TWELVE = Decimal(12)
SUPPORT_WORDS = ("赡养", "抚养", "扶养")


def yuan(x: Decimal) -> Decimal:
    """Round to the 分 for display."""
    return x.quantize(CENT, rounding=ROUND_HALF_UP)


def fmt(x: Decimal) -> str:
    return f"{yuan(x):,.2f}"


@dataclass
class Line:
    label: str
    amount: Decimal
    how: str

    def as_dict(self) -> dict:
        return {"label": self.label, "amount": str(yuan(self.amount)), "exact": str(self.amount), "how": self.how}


@dataclass
class Calculation:
    year: int
    area: str
    standard: Standard
    family_size: int
    covered_count: int
    income_by_category: dict[str, Decimal]
    income_lines: list[Line]
    total_income: Decimal
    deduction_lines: list[Line]
    total_deduction: Decimal
    per_capita_annual: Decimal          # (总收入 − 刚性支出) ÷ 家庭人口
    per_capita_monthly: Decimal         # per_capita_annual ÷ 12
    eligible: bool                      # under the standard of its year and area
    top_up_per_person: Decimal          # 月人均补差 (rounded to 分)
    household_total: Decimal            # 家庭救助总额 (元/月)
    steps: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)   # entries that need a clerk's look (double counts, missing members)
    program: str = ""                   # the household type (城市低保 | 农村低保 | 特困 | 低保边缘)
    edge_limit: Decimal | None = None   # 低保边缘: the upper bound, standard × multiple (元/人/月)
    tekun_basic: Decimal | None = None  # 特困: 基本生活费 (元/月)
    tekun_care: Decimal | None = None   # 特困: 照料护理费 (元/月)

    def as_dict(self) -> dict:
        return {
            "year": self.year, "area": self.area,
            "standard": {"amount": str(self.standard.amount), "unit": self.standard.unit,
                         "monthly": str(yuan(self.standard.monthly)), "note": self.standard.note},
            "family_size": self.family_size, "covered_count": self.covered_count,
            "income_by_category": {k: str(yuan(v)) for k, v in self.income_by_category.items()},
            "income_lines": [x.as_dict() for x in self.income_lines],
            "total_income": str(yuan(self.total_income)),
            "deductions": [x.as_dict() for x in self.deduction_lines],
            "total_deduction": str(yuan(self.total_deduction)),
            "per_capita_annual": str(yuan(self.per_capita_annual)),
            "per_capita_monthly": str(yuan(self.per_capita_monthly)),
            "per_capita_monthly_exact": str(self.per_capita_monthly),
            "eligible": self.eligible,
            "top_up_per_person": str(self.top_up_per_person),
            "household_total": str(self.household_total),
            "steps": self.steps,
            "warnings": self.warnings,
            "program": self.program,
            "edge_limit": None if self.edge_limit is None else str(yuan(self.edge_limit)),
            "tekun_basic": None if self.tekun_basic is None else str(self.tekun_basic),
            "tekun_care": None if self.tekun_care is None else str(self.tekun_care),
        }


def income_years(hh: Household) -> list[int]:
    return sorted({x.year for x in hh.incomes} | {x.year for x in hh.expenses})


def default_year(hh: Household) -> int | None:
    years = income_years(hh)
    return years[-1] if years else None


def calc_year_for(hh: Household, ev) -> int | None:
    """The income year an event's form shows: the event's year if it has incomes, else the latest before it."""
    years = income_years(hh)
    if not years:
        return None
    if ev is None:
        return years[-1]
    target = getattr(ev, "year", None) or ev.date.year
    before = [y for y in years if y <= target]
    return before[-1] if before else years[0]


def net_amount(item) -> Decimal:
    if item.amount is not None:
        return item.amount
    return (item.gross or Decimal(0)) - (item.cost or Decimal(0))


def compute(hh: Household, config: Config, year: int | None = None, *, on=None, explain: bool = True,
            record_fees: bool = True) -> Calculation:
    """The assessment of one household for one year of income (default: the latest year with incomes).

    on: the date whose standard applies (the standard in force that day, so a 年审 on 2024-11-05
    uses the standard of 2024-11-05 even after a mid-year 提标); default: the end of `year`.
    The program decides the amount: 低保 补差 (全额 for the county's full-amount categories),
    特困 基本生活费 + 照料护理费, 低保边缘 none (eligible when standard ≤ income < multiple × standard).

    Rounding rule (the only one, used by every form, notice and check): the monthly amount per person
    is rounded to the 分 (ROUND_HALF_UP) once, and the household amount is that rounded amount × 保障人口,
    so 人均 × 人数 = 总额 holds on every printed page.  Incomes and per-capita figures stay exact and
    are rounded only where shown.

    record_fees=False: for 特困, ignore the record's current 基本生活费/照料护理费 and use the county rule
    for the date `on` (to check a past decision, made before the current amounts were set).

    explain=False leaves out the explanations (each line's `how`, the `steps`), for callers that
    read only the figures (the audit, for 100,000 households); the figures are the same."""
    from archive.errors import InputError
    from archive.records.program import program_of, tekun_amounts

    if year is None:
        year = default_year(hh)
        if year is None:
            latest = hh.latest("年度审核", "审核确认", "申请")
            year = latest.date.year if latest else None
    if year is None:
        raise InputError("这一户没有任何收入记录，也没有申请或年审记录，无法确定核算年度",
                         field="incomes", hint="在 incomes 中录入该年收入（没有收入也可录一项 0 元），或用 --year 指定年度")
    prog = program_of(hh)
    area = hh.area
    standard = config.standard_on(on, area) if on is not None else config.standard(year, area)
    ref_date = _year_end(year)
    living = hh.living_members(ref_date)
    n = len(living)
    covered = sum(1 for m in living if m.covered)
    steps: list[str] = []
    warnings: list[str] = []

    by_cat = {c: Decimal(0) for c in INCOME_CATEGORIES}
    lines: list[Line] = []
    support_lines = []
    for x in hh.incomes:
        if x.year != year:
            continue
        amt = net_amount(x)
        by_cat[x.category] += amt
        if explain:
            how = f"{x.category}·{x.item}" + (f"（{x.member}）" if x.member else "")
            if x.amount is None:
                how += f"：收入 {fmt(x.gross or Decimal(0))} − 支出 {fmt(x.cost or Decimal(0))}"
        else:
            how = ""
        lines.append(Line(x.item, amt, how))
        if x.category == "转移净收入" and any(w in x.item for w in SUPPORT_WORDS):
            support_lines.append(x)
    for o in hh.obligors:
        if not o.support_per_year:
            continue
        if o.support_years and year not in o.support_years:
            continue
        if support_lines:
            # the dated income line wins; the obligor's yearly figure would count the same money twice
            warnings.append(f"赡（抚、扶）养费重复：{year}年收入中已有“{support_lines[0].item}”"
                            f"{fmt(net_amount(support_lines[0]))} 元，义务人{o.name}又填了每年 {fmt(o.support_per_year)} 元；"
                            "按收入项目计算，义务人的金额未再计入。请核对后只保留一处")
            continue
        if not o.support_years:
            warnings.append(f"义务人{o.name}的年赡养费未写适用年度（support_years），按每年 {fmt(o.support_per_year)} 元计入"
                            f"{year}年；只在某些年份支付的，请填写 support_years")
        by_cat["转移净收入"] += o.support_per_year
        lines.append(Line(f"赡（抚、扶）养收入（{o.name}）", o.support_per_year,
                          f"转移净收入·赡养费：{o.name}（{o.relation}）每年 {fmt(o.support_per_year)}" if explain else ""))
    total = sum(by_cat.values(), Decimal(0))
    if explain:
        steps.append("家庭年总收入 = " + " + ".join(f"{k} {fmt(v)}" for k, v in by_cat.items()) + f" = {fmt(total)} 元")

    deductions: list[Line] = []
    med = sum((x.amount for x in hh.expenses if x.year == year and x.kind == "重病"), Decimal(0))
    if med:
        d = min(med, MEDICAL_CAP)
        deductions.append(Line("重病支出", d, f"实际 {fmt(med)} 元，最高不超过 {fmt(MEDICAL_CAP)} 元，认定 {fmt(d)} 元"
                               if explain else ""))
    edu_by_person: dict[str, Decimal] = {}
    unnamed = 0
    for x in hh.expenses:
        if x.year == year and x.kind == "教育":
            if x.member:
                key = x.member
            else:
                unnamed += 1
                key = f"未写成员的第{unnamed}项"
            edu_by_person[key] = edu_by_person.get(key, Decimal(0)) + x.amount
    if unnamed:
        warnings.append(f"{year}年有 {unnamed} 项教育支出未写学生（member）；每项按一名学生、每人每年最高 "
                        f"{fmt(EDUCATION_CAP_PER_PERSON)} 元计算。请补写学生姓名，同一学生的多项支出合计封顶")
    for who, amt in edu_by_person.items():
        d = min(amt, EDUCATION_CAP_PER_PERSON)
        deductions.append(Line(f"教育支出（{who}）", d,
                               f"按实际支出 {fmt(amt)} 元核减，每人每年最高 {fmt(EDUCATION_CAP_PER_PERSON)} 元，认定 {fmt(d)} 元"
                               if explain else ""))
    jobs = [x for x in hh.expenses if x.year == year and x.kind == "就业"]
    if jobs:
        parts = []
        for x in jobs:
            if x.rate is not None:
                parts.append((total * x.rate, f"家庭收入的 {x.rate * 100:g}%"))
            else:
                parts.append((x.amount, f"实际支出 {fmt(x.amount)} 元"))
        asked = sum((a for a, _ in parts), Decimal(0))
        cap = total * EMPLOYMENT_MAX_RATE
        d = min(asked, cap)
        how = ""
        if explain:
            how = "；".join(w for _, w in parts) + f"，合计 {fmt(asked)} 元"
            how += f"，每户不超过家庭收入 {fmt(total)} 元的10%（{fmt(cap)} 元），认定 {fmt(d)} 元"
        if asked > cap and len(jobs) > 1:
            warnings.append(f"{year}年有 {len(jobs)} 项就业支出，合计 {fmt(asked)} 元超过家庭收入的10%，按每户上限 {fmt(cap)} 元扣减")
        members = "、".join(x.member for x in jobs if x.member)
        deductions.append(Line("就业支出" + (f"（{members}）" if members else ""), d, how))
    total_ded = sum((x.amount for x in deductions), Decimal(0))
    if total_ded > total:
        if explain:
            steps.append(f"刚性支出 {fmt(total_ded)} 元超过总收入，按总收入 {fmt(total)} 元扣减")
        total_ded = total
    if deductions and explain:
        steps.append("可扣减刚性支出 = " + " + ".join(fmt(x.amount) for x in deductions) + f" = {fmt(total_ded)} 元")

    if n == 0:
        raise InputError(f"{year}年末没有在世的家庭成员，无法计算人均收入", field="members",
                         hint="核对成员的死亡日期；整户已无成员应办理退出")
    per_year = (total - total_ded) / n
    per_month = per_year / TWELVE
    std_month = standard.monthly
    edge_limit = None
    if explain:
        steps.append(f"家庭年人均收入 = ({fmt(total)} − {fmt(total_ded)}) ÷ {n} 人 = {fmt(per_year)} 元/年")
        steps.append(f"家庭月人均收入 = {fmt(per_year)} ÷ 12 = {fmt(per_month)} 元/月")
    tekun_basic = tekun_care = None
    if prog.is_edge:
        multiple = config.programs.edge_multiple
        edge_limit = std_month * multiple
        eligible = std_month <= per_month < edge_limit
        top_up = Decimal("0.00")
        household_total = Decimal("0.00")
        if explain:
            verdict = ("在低保标准与其 {m} 倍之间，符合低保边缘家庭条件" if eligible else
                       "低于低保标准，应按最低生活保障审核" if per_month < std_month else
                       "不低于低保标准的 {m} 倍，不符合低保边缘家庭条件").format(m=f"{multiple:g}")
            steps.append(f"{standard.describe()}，折合 {fmt(std_month)} 元/人/月；低保边缘上限 = {fmt(std_month)} × "
                         f"{multiple:g} = {fmt(edge_limit)} 元/人/月；月人均收入{verdict}")
            steps.append("低保边缘家庭不发放最低生活保障金，可申请专项救助")
    elif prog.is_tekun:
        basic, care, how = tekun_amounts(hh, config, on or ref_date, use_record=record_fees)
        tekun_basic, tekun_care = basic, care
        eligible = True    # 特困 is decided on 无劳动能力、无生活来源、无赡养人, not on an income threshold
        top_up = yuan(basic + care)
        household_total = yuan(top_up * covered)
        if explain:
            steps.append(f"特困人员救助供养金 = {how} = {top_up} 元/人/月")
            steps.append(f"家庭救助总额 = {top_up} × 供养人数 {covered} 人 = {household_total} 元/月")
    else:
        eligible = per_month < std_month
        if explain:
            steps.append(f"{standard.describe()}，折合 {fmt(std_month)} 元/人/月；"
                         f"月人均收入{'低于' if eligible else '不低于'}标准，{'符合' if eligible else '不符合'}低保条件")
        if eligible:
            top_up = yuan((standard.yearly - per_year) / TWELVE)
            if explain:
                steps.append(f"月人均补差 = ({fmt(standard.yearly)} − {fmt(per_year)}) ÷ 12 = {top_up} 元/月")
        else:
            top_up = Decimal("0.00")
        full_cats = config.programs.full_amount_categories
        full = [m for m in living if m.covered and full_cats and m.personnel_category in full_cats] if eligible else []
        if full:
            full_amount = yuan(standard.monthly)
            household_total = yuan(top_up * (covered - len(full)) + full_amount * len(full))
            if explain:
                steps.append(f"家庭救助总额 = 差额 {top_up} × {covered - len(full)} 人 + 全额 {full_amount} × {len(full)} 人"
                             f"（{'、'.join(m.name for m in full)}）= {household_total} 元/月")
        else:
            household_total = yuan(top_up * covered)
            if explain:
                steps.append(f"家庭救助总额 = {top_up} × 保障人口 {covered} 人 = {household_total} 元/月")
    return Calculation(year, area, standard, n, covered, by_cat, lines, total, deductions, total_ded,
                       per_year, per_month, eligible, top_up, household_total, steps, warnings=warnings,
                       program=prog.type, edge_limit=edge_limit, tekun_basic=tekun_basic, tekun_care=tekun_care)


def _year_end(year: int):
    import datetime as dt

    return dt.date(year, 12, 31)


def render_text(hh: Household, c: Calculation) -> str:
    """The plain-Chinese report `dibao calc` prints."""
    out = [f"{hh.case_no} {hh.head.name}户（{hh.village}，{hh.type}） {c.year}年收入核算", ""]
    out.append(f"家庭人口 {c.family_size} 人，保障人口 {c.covered_count} 人")
    out.append("收入（元/年）：")
    for cat, v in c.income_by_category.items():
        out.append(f"  {cat:<6} {fmt(v):>12}")
    for ln in c.income_lines:
        out.append(f"    · {ln.how}：{fmt(ln.amount)}")
    out.append(f"  合计      {fmt(c.total_income):>12}")
    if c.deduction_lines:
        out.append("可扣减刚性支出（元/年）：")
        for ln in c.deduction_lines:
            out.append(f"  · {ln.label}：{fmt(ln.amount)}（{ln.how}）")
    out.append("")
    out.append("计算过程：")
    out.extend(f"  {i}. {s}" for i, s in enumerate(c.steps, 1))
    out.append("")
    out.append(f"家庭月人均收入：{fmt(c.per_capita_monthly)} 元/月")
    if c.program == "低保边缘":
        out.append(f"是否符合低保边缘家庭条件：{'是' if c.eligible else '否'}（标准 {fmt(c.standard.monthly)} 元/人/月，"
                   f"上限 {fmt(c.edge_limit)} 元/人/月）")
        out.append("低保边缘家庭不发放最低生活保障金")
    elif c.program == "特困":
        out.append(f"特困人员救助供养金：基本生活费 {c.tekun_basic} 元 + 照料护理费 {c.tekun_care} 元 = "
                   f"{c.top_up_per_person} 元/人/月")
        out.append(f"家庭救助总额：{c.household_total} 元/月")
    else:
        out.append(f"是否低于标准：{'是，符合' if c.eligible else '否，不符合'}（标准 {fmt(c.standard.monthly)} 元/人/月）")
        out.append(f"月人均补差：{c.top_up_per_person} 元/月")
        out.append(f"家庭救助总额：{c.household_total} 元/月")
    if c.warnings:
        out.append("")
        out.append("请注意：")
        out.extend(f"  ! {w}" for w in c.warnings)
    return "\n".join(out)
