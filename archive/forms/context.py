"""Building a form's context from one household record (and its calculation).

Everything is formatted here, once: money to the 分 ("1234.50"), ages from the ID
number on the form's date, 是/否 answers, booleans for checkboxes.  The keys come from
shape.py; list forms (公示单, 汇总表, 时间安排) are built in lists.py.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from archive.records import calc as calcmod
from archive.records.calc import calc_year_for  # noqa: F401 - forms import it from here
from archive.errors import DibaoError
from archive.ids import age_on
from archive.ids import birth_date as id_birth
from archive.records.model import Household, Member, area_text
from archive.forms import shape
from archive.forms.shape import fill

CENT = Decimal("0.01")


def money(x) -> str:
    if x is None:
        return ""
    return f"{Decimal(x).quantize(CENT, rounding='ROUND_HALF_UP'):.2f}"


def yn(v, yes="是", no="否") -> str:
    return "" if v is None else (yes if v else no)


def text(v) -> str:
    return "" if v is None else str(v)


def birth_of(p) -> dt.date | None:
    if getattr(p, "birth_date", None):
        return p.birth_date
    if p.id_number:
        return id_birth(p.id_number)
    return None


def age_of(p, on: dt.date) -> int | None:
    if p.id_number:
        a = age_on(p.id_number, on)
        if a is not None:
            return a
    b = birth_of(p)
    if b is None:
        return None
    return on.year - b.year - ((on.month, on.day) < (b.month, b.day))


def is_minor(p, on: dt.date) -> bool:
    a = age_of(p, on)
    return a is not None and a < 18


def health_text(m) -> str:
    if isinstance(m, Member):
        if m.disability:
            return f"残疾（{m.disability.category}{m.disability.grade}）"
        if m.illness and m.health in ("慢性病", "重病"):
            return f"{m.health}（{m.illness}）"
        return m.health or ""
    return text(m.health)


def person(p, on: dt.date) -> dict:
    b = birth_of(p)
    a = age_of(p, on)
    base = dict(name=p.name, sex=text(p.sex), id_number=text(p.id_number), age="" if a is None else str(a),
                birth=b, birth_ym=f"{b.year}.{b.month:02d}" if b else "", relation=p.relation, marital=text(p.marital),
                health=health_text(p), occupation=text(p.occupation), employer=text(p.employer),
                occupation7=occupation7(p.occupation, a) if isinstance(p, Member) else text(p.occupation))
    if isinstance(p, Member):
        base.update(
            ethnicity=p.ethnicity, disability=f"{p.disability.category}{p.disability.grade}" if p.disability else "",
            education=text(p.education), income=f"{money(p.monthly_income)}元/月" if p.monthly_income is not None else "",
            phone=text(p.phone), category=text(p.personnel_category), covered=yn(p.covered),
        )
    else:
        monthly = (p.annual_income / 12) if p.annual_income is not None else None
        base.update(
            income=f"{money(p.annual_income)}元/年" if p.annual_income is not None else "",
            support=money(p.support_per_year) if p.support_per_year else "",
            able=yn(p.able_to_support, "有", "无"), hardship_type=text(p.hardship_type),
            adult="" if a is None else yn(a >= 18), disabled=_obligor_disabled(p.health), covered="否",
            category="赡养义务人",
            # an obligor's yearly income per month, in the column of its kind (income_kind, else read from
            # the occupation: wages, a business, rent, a pension; 其他收入项目 only when none fits)
            **{INCOME_COLUMNS[obligor_income_kind(p)]: money(monthly) if monthly is not None else ""},
        )
    return fill(shape.PERSON, **base)


# fenxi-09 填报说明1: the form's own seven 职业状况 categories (002 附件9)
OCCUPATION7 = ("老年人", "在职职工", "灵活就业人员", "登记失业人员", "未登记失业人员", "在校成年子女", "其他人员")
_FLEXIBLE = ("个体", "经营", "务工", "打工", "零工", "务农", "农民", "灵活")


def occupation7(occupation: str | None, age: int | None) -> str:
    """One of the seven categories of fenxi-09: 老年人 (60+), 在职职工, 灵活就业人员, 登记失业人员, 未登记失业人员,
    已成年但不能独立生活的子女 (incl. adult students), 其他人员 (under 18)."""
    occ = occupation or ""
    if age is not None and age >= 60:
        return "老年人"
    if age is not None and age < 18:
        return "其他人员"
    for name in ("在职职工", "灵活就业人员", "登记失业人员", "未登记失业人员"):
        if name in occ:
            return name
    if "学生" in occ or "在校" in occ or "不能独立生活" in occ:
        return "在校成年子女"
    if "职工" in occ or "上班" in occ:
        return "在职职工"
    if any(w in occ for w in _FLEXIBLE):
        return "灵活就业人员"
    if "失业" in occ or "无业" in occ:
        return "未登记失业人员"
    return occ


INCOME_COLUMNS = {"工资性收入": "wage_m", "经营净收入": "business_m", "财产净收入": "property_m",
                  "转移净收入": "transfer_m", "其他收入": "other_m"}
_KIND_WORDS = (   # first match wins: 个体经营 is a business even though 经营 people also work
    ("经营净收入", ("个体", "经营", "开店", "商户", "养殖", "种植", "运输", "做生意")),
    ("转移净收入", ("退休", "养老金", "离休")),
    ("财产净收入", ("出租", "租金", "房租")),
    ("工资性收入", ("职工", "务工", "就业", "打工", "上班", "公务员", "教师", "工人", "员工")),
)


def obligor_income_kind(o) -> str:
    """The 收入类型 column of an obligor's income on fenxi-04: the record's income_kind, else from the occupation."""
    if getattr(o, "income_kind", None):
        return o.income_kind
    occ = o.occupation or ""
    for kind, words in _KIND_WORDS:
        if any(w in occ for w in words):
            return kind
    return "其他收入"


def _obligor_disabled(health: str | None) -> str:
    if not health:
        return ""
    return f"是（{health}）" if "残" in health else "否"


def ref_date(ev, hh: Household) -> dt.date:
    if ev is not None:
        return ev.date
    dates = [e.date for e in hh.events]
    return max(dates) if dates else dt.date.today()


def safe_calc(hh: Household, config, year: int | None, ev=None):
    try:
        return calc_for_event(hh, config, year, ev)
    except DibaoError:
        return None


def calc_for_event(hh: Household, config, year: int | None, ev=None):
    """compute() with the standard in force on the event's day for 年度审核 and 审核确认 (a review after a
    mid-year 提标 uses the new standard); the income year's standard when that day's year has none."""
    from archive.errors import ConfigError

    if ev is not None and ev.type in ("年度审核", "审核确认", "变更", "定期核查"):
        try:
            return calcmod.compute(hh, config, year, on=ev.date)
        except ConfigError:
            pass
    return calcmod.compute(hh, config, year)


def income_texts(hh: Household, c) -> dict:
    """Per category: each income item with its member and amount, then the category total (元/年)."""
    if c is None:
        return {}
    keys = {"工资性收入": "wage", "经营净收入": "business", "财产净收入": "property", "转移净收入": "transfer", "其他收入": "other"}
    out = {}
    for cat, key in keys.items():
        parts = [f"{x.item}{'（' + x.member + '）' if x.member else ''} {money(calcmod.net_amount(x))}元"
                 for x in hh.incomes if x.year == c.year and x.category == cat]
        if cat == "转移净收入":
            parts += [f"赡养费（{o.name}） {money(o.support_per_year)}元" for o in hh.obligors if o.support_per_year]
        total = f"{c.year}年合计 {money(c.income_by_category[cat])} 元"
        out[f"{key}_text"] = "；".join(parts + [total])
    return out


def household_base(hh: Household, config, ev, *, blank_calc: bool = False) -> dict:
    """Context every household form shares: loc, cfg, hh, applicant/head, members, obligors, property, calc."""
    ctx = shape.defaults()
    on = ref_date(ev, hh)
    loc = config.locality
    living = hh.living_members(on)
    head = hh.head
    ctx["loc"] = fill(shape.LOC, province=loc.province, city=loc.city, county=loc.county,
                      town=hh.town or loc.town, village=hh.village, group=text(hh.group),
                      service_center=loc.service_center, government=loc.government)
    ctx["cfg"] = config_values(config)
    ctx["prog"] = program_values(hh.type)
    applicant = head
    app = hh.latest("申请")
    if app is not None:
        applicant = next((m for m in hh.members if m.name == app.applicant), head)
    ctx["head"] = person(head, on)
    ctx["applicant"] = person(applicant, on)
    ctx["members"] = [person(m, on) for m in living]
    ctx["obligors"] = [person(o, on) for o in hh.obligors]
    ctx["people"] = ctx["members"] + ctx["obligors"]
    n = max(len(ctx["members"]), len(ctx["obligors"]))
    blank = dict(shape.PERSON)
    ctx["pairs"] = [{"m": ctx["members"][i] if i < len(ctx["members"]) else blank,
                     "o": ctx["obligors"][i] if i < len(ctx["obligors"]) else blank} for i in range(n)]
    pr = hh.property
    ctx["houses"] = [fill(shape.HOUSE, address=h.address, area=area_text(h.area), nature=text(h.nature), source=text(h.source),
                          acquired=f"{h.acquired.year}年{h.acquired.month}月" if h.acquired else "") for h in pr.houses]
    ctx["vehicles"] = [fill(shape.VEHICLE, owner=v.owner, model=text(v.model), plate=text(v.plate),
                            displacement=text(v.displacement),
                            purchased=f"{v.purchased.year}年{v.purchased.month}月" if v.purchased else "",
                            price=money(v.price)) for v in pr.vehicles]
    c = None if blank_calc else safe_calc(hh, config, calc_year_for(hh, ev), ev)
    ctx["_calc"] = c
    hs = hh.housing
    disabled = [f"{m.name}：{m.disability.category}{m.disability.grade}" for m in living if m.disability]
    cars = [v for v in pr.vehicles if not (v.model and "摩托" in v.model)]
    motos = [v for v in pr.vehicles if v.model and "摩托" in v.model]
    official = hh.official_relative is not None or any(a.is_official_relative for a in hh.events_of("申请"))
    amounts = amounts_on(hh, on)
    ctx["hh"] = fill(
        shape.HH, case_no=hh.case_no, type=hh.type, village=hh.village, group=text(hh.group),
        group_no=text(hh.group).removesuffix("组"),   # "12组" on a form that prints its own 组
        family_size=str(len(living)),
        covered_count=str(sum(1 for m in living if m.covered)), labor_count=text(hh.labor_count),
        income_text=(f"{money(c.total_income / 12)}（月）/{money(c.total_income)}（年）" if c else ""),
        residence=text(hh.address.residence), registered=text(hh.address.registered),
        official_relative="有" if official else "无", official_relative_yn="是" if official else "否",
        deposits=money(pr.deposits), securities=money(pr.securities), claims=money(pr.claims), other_property=text(pr.other),
        is_urban=hh.type == "城市低保", is_rural=hh.type == "农村低保", is_tekun=hh.type == "特困",
        is_edge=hh.type == "低保边缘",
        housing_category=text(hs.category), housing_nature=text(hs.nature),
        housing_area=area_text(housing_area(hh)), housing_decoration=text(hs.decoration),
        housing_built=text(hs.built_year), housing_rooms=text(hs.rooms), housing_floors=text(hs.floors),
        housing_structure=text(hs.structure), housing_dangerous=yn(hs.dangerous),
        house_count=str(len(pr.houses)) if pr.houses else ("1" if hs.category == "自有住房" else "0"),
        house_address=pr.houses[0].address if pr.houses else text(hh.address.residence),
        poverty_registered=yn(hh.poverty_registered), phone=text(hh.phone or head.phone), expiry=None,
        head_name=head.name, monthly_income=money(c.total_income / 12) if c else "",
        basic=money(amounts.basic) if amounts else "", classified=money(amounts.classified) if amounts else "",
        other_amount=money(amounts.other + amounts.fallback) if amounts else "",
        amount=money(amounts.basic + amounts.classified + amounts.fallback + amounts.other) if amounts else "",
        category=_category(hh, living, on), tracking="", term="",
        hukou_type=text(hh.hukou_type), reason=text(hh.reason), since=hh.since, disabilities="；".join(disabled),
        cars="、".join(f"{v.model or '汽车'}{v.plate or ''}" for v in cars) or "无",
        motorcycles="、".join(f"{v.plate or v.model}" for v in motos) or "无", appliances=text(pr.appliances),
    )
    if c is not None:
        # members without a recorded 月收入: their own income lines of the calculation year, per year
        own: dict[str, Decimal] = {}
        for x in hh.incomes:
            if x.year == c.year and x.member:
                own[x.member] = own.get(x.member, Decimal(0)) + calcmod.net_amount(x)
        for m in ctx["members"]:
            if not m["income"] and m["name"] in own:
                m["income"] = f"{money(own[m['name']])}元/年"
    calc_vals = income_texts(hh, c)
    if c:
        calc_vals.update(total_income=money(c.total_income), per_capita_annual=money(c.per_capita_annual),
                         per_capita_monthly=money(c.per_capita_monthly),
                         summary=(f"{c.year}年家庭总收入{money(c.total_income)}元，可扣减刚性支出{money(c.total_deduction)}元，"
                                  f"月人均收入{money(c.per_capita_monthly)}元，{c.standard.area}低保标准"
                                  f"{money(c.standard.monthly)}元/人/月。" + _property_text(pr)))
    ctx["calc"] = fill(shape.CALC, **calc_vals)
    return ctx


def _property_text(pr) -> str:
    """The property half of 家庭经济状况 (fenxi-09 填报说明2: 收入、财产和支出)."""
    parts = [f"银行存款{money(pr.deposits)}元"]
    if pr.securities:
        parts.append(f"有价证券{money(pr.securities)}元")
    if pr.claims:
        parts.append(f"债权{money(pr.claims)}元")
    parts.append(f"房产{len(pr.houses)}处" + ("（" + "、".join(area_text(h.area) for h in pr.houses if h.area is not None) + "）"
                                             if any(h.area is not None for h in pr.houses) else ""))
    parts.append(f"机动车（船）{len(pr.vehicles)}辆")
    return "家庭财产：" + "，".join(parts) + "。"


def program_values(household_type: str | None) -> dict:
    """The `prog` wording of a household type (None: the 最低生活保障 wording, for blank forms)."""
    from archive.records.program import program_of

    p = program_of(household_type or "农村低保")
    return fill(shape.PROG, name=p.name, subject=p.subject, applied=p.applied, admitted=p.admitted,
                review_title=f"{p.subject}审核公示单", confirm_title=f"{p.subject}确认公示单",
                decision_title=p.decision_form_title)


def config_values(config) -> dict:
    return fill(shape.CFG, review_days=str(config.review_publicity_days), confirm_days=str(config.confirm_publicity_days),
                hotline=config.archive.hotline)


def _category(hh, living, on) -> str:
    cats = []
    if any(m.disability and m.disability.grade in ("一级", "二级") for m in living):
        cats.append("重残")
    if any(m.health == "重病" for m in living):
        cats.append("重病")
    if any((age_of(m, on) or 0) >= 60 for m in living):
        cats.append("老年人")
    return "、".join(cats)


def amounts_on(hh: Household, on: dt.date):
    """Monthly amounts in force on a date: the latest approved 审核确认 or 变更 on or before it (a form dated
    at an application prints none, not today's amount)."""
    from archive.records.model import Amounts

    last = None
    for e in hh.events_of("审核确认", "变更"):
        if e.date > on:
            break
        if e.type == "变更":
            last = e.after.amounts
        elif e.approved:
            amount = e.household_amount
            if amount is None and e.per_person is not None and e.covered_count is not None:
                amount = e.per_person * e.covered_count
            if amount is not None:
                last = Amounts(basic=amount)
    return last


def housing_area(hh: Household):
    """住房面积: the record's housing.area, else the 建筑面积 of the house at the family's address."""
    if hh.housing.area is not None:
        return hh.housing.area
    home = home_house(hh)
    return home.area if home is not None else None


def home_house(hh: Household):
    """The house the family lives in among property.houses (at the residence or registered address; the only one)."""
    houses = hh.property.houses
    for addr in (hh.address.residence, hh.address.registered):
        for h in houses:
            if addr and h.address == addr:
                return h
    return houses[0] if len(houses) == 1 else None


