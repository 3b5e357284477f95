"""Sample data for `dibao demo`: one household's incomes, events and payments, 2021 to 2025.

A household follows the process of the seeds: 申请 (accepted) → 入户调查 (two
investigators) → 审核公示 (configured length) → [异议 → 再次调查] → 审核确认 (amount from
archive.records.calc.compute) → 确认公示; then one 年度审核 a year (定期核查 in the fenxi
profile), a 变更 whenever the monthly amount changes (effective from January of its
year, the difference paid as 提标补发), monthly payments, and for some an exit.
Refused applications end with 不予批准 and a written notice within 3 working days.

Amounts:
  城市/农村低保  per_person = compute(year).top_up_per_person, household = household_total
  特困           per month = basic living fee (1.3 × the monthly 低保 standard, rounded up to
                 the yuan) + care fee (全自理 100, 半护理 300, 全护理 600)
  低保边缘       income between 1 and 1.5 times the standard; approved with amount 0, no payments
"""

from __future__ import annotations

import datetime as dt
import math
import random
from dataclasses import dataclass, field
from decimal import Decimal

from archive.records.calc import compute
from archive.config import Config
from archive.sample.people import FamilyMaker, Locality, Person, housing, phone, property_
from archive.records.model import Household
from archive.workdays import add_workdays, is_workday

CARE_FEES = {"全自理": 100, "半护理": 300, "全护理": 600}
TEKUN_FACTOR = Decimal("1.3")
PROGRAMS = {"城市低保": "城市最低生活保障", "农村低保": "农村最低生活保障", "特困": "特困人员供养", "低保边缘": "低保边缘"}
REASONS = {"couple_ill": "因病", "disabled": "因残", "student": "因学", "elderly": "年老体弱",
           "single_parent": "缺劳力", "single": "无劳动能力、无生活来源、无法定赡养人"}


@dataclass
class Scenario:
    """What kind of household to draw (decided before drawing, so planted gaps can shape it)."""

    type: str
    family: str
    village: str
    urban: bool
    app_date: dt.date
    refused: str | None = None        # 收入超标 | 财产不符
    official: bool = False
    objection: bool = False
    exit: bool = False
    extended: bool = False
    care_mode: str | None = None      # 特困: 分散供养 | 集中供养
    late_review: bool = False         # planted: decision long after the 30 working days
    over_standard_year: int | None = None   # planted: income over the standard that year, still paid


@dataclass
class Draft:
    """A household record under construction plus what the scan plan and the gap planter need."""

    record: dict
    people: list[Person]
    active_years: list[int]          # years needing 入户照片 and 核对报告
    review_years: list[int]          # years needing an annual review (年度审核 / 定期核查)
    amounts: dict[int, Decimal] = field(default_factory=dict)   # monthly household amount by year
    facts: dict = field(default_factory=dict)


def _d(x) -> str:
    return f"{Decimal(x):.2f}"


def _workday_on_or_after(d: dt.date) -> dt.date:
    while not is_workday(d):
        d += dt.timedelta(days=1)
    return d


def _month(d: dt.date) -> str:
    return f"{d.year}-{d.month:02d}"


def _next_month(d: dt.date) -> tuple[int, int]:
    return (d.year + 1, 1) if d.month == 12 else (d.year, d.month + 1)


class HistoryMaker:
    def __init__(self, rng: random.Random, loc: Locality, config: Config, ids, end_year: int):
        self.rng = rng
        self.loc = loc
        self.config = config
        self.ids = ids
        self.end_year = end_year
        self.fenxi = config.annual_review_form.startswith("fenxi")

    # ------------------------------------------------------------ helpers
    def pair(self) -> list[str]:
        return self.rng.sample(self.loc.staff, 2)

    def area(self, sc: Scenario) -> str:
        if sc.type == "城市低保":
            return "城市"
        if sc.type == "农村低保":
            return "农村"
        return "城市" if sc.urban else "农村"

    def std_year(self, year: int, area: str) -> Decimal:
        return self.config.standard(year, area).yearly

    def tekun_amount(self, year: int, area: str, self_care: str) -> tuple[Decimal, Decimal]:
        basic = Decimal(math.ceil(self.config.standard(year, area).monthly * TEKUN_FACTOR))
        return basic, Decimal(CARE_FEES[self_care])

    # ------------------------------------------------------------ the household
    def build(self, sc: Scenario, case_no: str) -> Draft:
        rng = self.rng
        fm = FamilyMaker(rng, self.loc, self.ids, sc.app_date)
        people = fm.family(sc.family)
        head = people[0]
        elderly_head = head.age(sc.app_date) >= 60
        obligors = []
        if sc.type == "特困":
            if rng.random() < 0.3:
                obligors = fm.obligors(people, able=False)
        elif elderly_head and sc.family in ("elderly",):
            obligors = fm.obligors(people, able=True)
        if sc.type != "特困" and sc.family not in ("single",) and len(people) > 3 and rng.random() < 0.15:
            worker = next((p for p in people[1:] if p.labor_capable and p.relation in ("子", "女")), None)
            if worker:
                worker.covered = False     # an earning adult child is counted but not covered
        group = None if sc.urban else f"{rng.randint(1, 12)}组"
        street = rng.choice(("建设路", "人民路", "新华街", "解放路", "团结巷", "光明街"))
        registered = f"{self.loc.city_prefix}{self.loc.town}{sc.village}" + (group or f"{street}{rng.randint(1, 180)}号")
        residence = registered + (f"{rng.randint(1, 60)}号" if group else "")
        if sc.care_mode == "集中供养":
            residence = f"{self.loc.city_prefix}{self.loc.care_home}"
        area = self.area(sc)
        rec: dict = {
            "schema_version": 1, "case_no": case_no, "town": self.loc.town, "village": sc.village}
        if group:
            rec["group"] = group
        rec.update({"type": sc.type, "hukou_type": "非农业" if sc.urban else "农业", "reason": REASONS[sc.family]})
        rec["poverty_registered"] = (not sc.urban) and rng.random() < 0.3
        rec["phone"] = phone(rng)
        rec["address"] = {"registered": registered, "residence": residence}
        rec["members"] = [p.member_dict() for p in people]
        rec["obligors"] = obligors
        rec["housing"] = housing(rng, sc.urban)
        rec["property"] = property_(rng, sc.urban, registered, head.name, self.loc.plate, car=sc.refused == "财产不符")
        for h in rec["property"]["houses"]:
            if h["address"] in (registered, residence) and rec["housing"].get("category") == "自有住房":
                h["area"] = rec["housing"]["area"]    # the family's own house: one area on every form
        if sc.refused == "财产不符":
            rec["property"]["deposits"] = _d(rng.randrange(60000, 150000, 1000))
        rec["labor_count"] = sum(1 for p in people if p.labor_capable)

        app_year = sc.app_date.year
        if sc.refused:
            last_year = app_year
        else:
            last_year = self.end_year
        years = list(range(app_year, last_year + 1))
        support = sum(Decimal(o["support_per_year"]) for o in obligors)
        expenses = self._expenses(people, years)
        factors = self._factors(sc, years, area, len(people), support, expenses)
        incomes = []
        for y in years:
            incomes.extend(self._incomes(sc, people, y, factors[y], area, support, expenses))
        rec["incomes"] = incomes
        rec["expenses"] = expenses

        draft = Draft(rec, people, [app_year], [])
        calc_hh = self.calc_household(rec)
        calcs = {y: compute(calc_hh, self.config, y) for y in years}
        self._fix_monotone(sc, rec, calcs, years, people)
        if sc.type == "特困":
            self_care = rng.choice(("全自理", "全自理", "半护理", "全护理"))
            basic, care = self.tekun_amount(last_year, area, self_care)
            ep = {"care_mode": sc.care_mode, "self_care": self_care, "basic_living_fee": _d(basic), "care_fee": _d(care)}
            draft.facts["self_care"] = self_care
            rec["extreme_poverty"] = ep
        if sc.official:
            rec["official_relative"] = self._official(sc, head)
        rec["events"] = []
        rec["payments"] = []
        self._events(sc, draft, calcs, area)
        approved = any(e["type"] == "审核确认" and e.get("approved") for e in rec["events"])
        if rec.get("payments") or (approved and sc.type != "低保边缘"):   # approved in December: paid from January
            rec["bank_account"] = {"bank": self.loc.bank, "card_number": self.loc.card_bin + "".join(
                str(rng.randrange(10)) for _ in range(13)), "holder": head.name}
        if not rec.get("payments"):
            rec.pop("payments")
        rec["attachments"] = []
        return draft

    # ------------------------------------------------------------ money
    def _expenses(self, people: list[Person], years: list[int]) -> list[dict]:
        rng = self.rng
        out = []
        for p in people:
            for y in years:
                age = y - p.birth.year
                if p.health == "重病":
                    out.append({"year": y, "kind": "重病", "member": p.name,
                                "amount": _d(rng.randrange(3000, 16000, 10)), "note": f"{p.illness}治疗自付费用"})
                elif p.occupation == "在校学生" and p.education in ("高中", "大学") and 15 <= age <= 22:
                    cap = 6000 if p.education == "大学" else 3000
                    out.append({"year": y, "kind": "教育", "member": p.name,
                                "amount": _d(rng.randrange(1500, cap, 10)),
                                "note": "学费、住宿费" if p.education == "大学" else "学杂费、住宿费"})
        return out

    def _deduction(self, expenses: list[dict], year: int) -> Decimal:
        med = sum((Decimal(x["amount"]) for x in expenses if x["year"] == year and x["kind"] == "重病"), Decimal(0))
        edu = sum((min(Decimal(x["amount"]), Decimal(8000)) for x in expenses if x["year"] == year and x["kind"] == "教育"),
                  Decimal(0))
        return min(med, Decimal(50000)) + edu

    def _factors(self, sc: Scenario, years: list[int], area: str, n: int, support: Decimal, expenses) -> dict[int, float]:
        """Per-capita net income as a share of the yearly standard, year by year.

        For covered households the monthly amount never falls: std_y·(1−f_y) ≥ std_{y−1}·(1−f_{y−1}).
        """
        rng = self.rng
        if sc.refused == "收入超标":
            lo, hi = 1.2, 1.7
        elif sc.type == "低保边缘":
            lo, hi = 1.08, 1.38
        elif sc.type == "特困":
            lo, hi = 0.12, 0.45
        else:
            lo, hi = 0.3, 0.82
        out: dict[int, float] = {}
        prev = None
        for y in years:
            if prev is None:
                f = rng.uniform(lo, hi)
            else:
                f = prev + rng.uniform(-0.05, 0.05)
                f = min(max(f, lo), hi)
                if sc.type in ("城市低保", "农村低保") or sc.type == "特困":
                    s0, s1 = float(self.std_year(y - 1, area)), float(self.std_year(y, area))
                    f = min(f, 1 - s0 * (1 - prev) / s1)
            if sc.over_standard_year == y:
                f = rng.uniform(1.12, 1.3)
            # the obligors' support alone must fit under the target
            floor = float(support) / (n * float(self.std_year(y, area))) + 0.02
            if sc.over_standard_year != y and sc.type in ("城市低保", "农村低保", "特困"):
                f = max(f, min(floor, hi))
            out[y] = f
            if sc.over_standard_year != y:
                prev = f
        return out

    def _incomes(self, sc: Scenario, people: list[Person], y: int, f: float, area: str, support: Decimal,
                 expenses: list[dict]) -> list[dict]:
        rng = self.rng
        n = len(people)
        std = self.std_year(y, area)
        target = int(Decimal(f) * std * n) + int(self._deduction(expenses, y))
        budget = max(target - int(support), 0)
        items: list[dict] = []
        for p in people:
            if y - p.birth.year >= 60 and budget > 0:
                pension = min(rng.randrange(1500, 2200, 12), budget)
                items.append({"year": y, "category": "转移净收入", "item": "城乡居民基本养老保险金", "member": p.name,
                              "amount": _d(pension)})
                budget -= pension
        if not sc.urban and budget > 0:
            sub = min(rng.randrange(200, 700, 10), budget)
            items.append({"year": y, "category": "转移净收入", "item": "惠农政策补贴", "amount": _d(sub)})
            budget -= sub
        if not sc.urban and budget > 0 and rng.random() < 0.4:
            rent = min(rng.randrange(300, 1200, 50), budget)
            items.append({"year": y, "category": "财产净收入", "item": "土地流转收入", "amount": _d(rent)})
            budget -= rent
        workers = [p for p in people if p.labor_capable]
        if budget > 0:
            if workers:
                w = rng.choice(workers)
                share = budget if sc.urban or sc.type == "特困" else int(budget * rng.uniform(0.45, 0.75))
                fixed = sc.refused == "收入超标" and rng.random() < 0.5
                items.append({"year": y, "category": "工资性收入", "item": "固定务工工资" if fixed else (
                    "灵活就业收入" if sc.urban else "打零工工资"), "member": w.name,
                    "wage_kind": "固定务工" if fixed else "打零工", "amount": _d(share)})
                budget -= share
            if budget > 0 and not sc.urban:
                cost = int(budget * rng.uniform(0.25, 0.45))
                kind = rng.choice(("农业种植", "农业种植", "养殖业"))
                items.append({"year": y, "category": "经营净收入", "item": kind,
                              "gross": _d(budget + cost), "cost": _d(cost), "note": "水稻、油菜" if kind == "农业种植" else "生猪、家禽"})
                budget = 0
            if budget > 0:
                items.append({"year": y, "category": "其他收入", "item": "亲友资助", "amount": _d(budget)})
        if not items:
            items.append({"year": y, "category": "其他收入", "item": "无收入", "amount": "0.00"})
        return items

    @staticmethod
    def calc_household(rec: dict) -> Household:
        """The fields compute() reads, validated as a Household."""
        keep = ("case_no", "town", "village", "type", "hukou_type", "incomes", "expenses")
        d = {k: rec[k] for k in keep}
        d["members"] = [{"name": m["name"], "sex": m["sex"], "relation": m["relation"], "covered": m["covered"],
                         "birth_date": m["birth_date"]} for m in rec["members"]]
        d["obligors"] = [{"name": o["name"], "relation": o["relation"], "support_per_year": o["support_per_year"]}
                         for o in rec["obligors"]]
        return Household.model_validate(d)

    def _fix_monotone(self, sc: Scenario, rec: dict, calcs: dict, years: list[int], people) -> None:
        """Rounding to the yuan can make a 低保 amount fall a cent: trim that year's largest income."""
        if sc.type not in ("城市低保", "农村低保") or sc.refused:
            return
        for _ in range(20):
            bad = [y for y in years[1:] if y != sc.over_standard_year and y - 1 != sc.over_standard_year
                   and calcs[y].household_total < calcs[y - 1].household_total]
            if not bad:
                return
            y = bad[0]
            mine = [x for x in rec["incomes"] if x["year"] == y and "amount" in x and Decimal(x["amount"]) >= 24]
            if not mine:
                return
            big = max(mine, key=lambda x: Decimal(x["amount"]))
            big["amount"] = _d(Decimal(big["amount"]) - 12 * len(people))
            hh = self.calc_household(rec)
            calcs[y] = compute(hh, self.config, y)

    # ------------------------------------------------------------ people around the case
    def _official(self, sc: Scenario, head: Person) -> dict:
        rng = self.rng
        unit = f"{sc.village}{'居民' if sc.urban else '村民'}委员会"
        post, rel = rng.choice((("村委会委员", "兄弟"), ("村党支部委员", "兄妹"), ("村会计", "姐弟"), ("低保经办人员", "兄弟")))
        if post == "低保经办人员":
            unit = f"{self.loc.town}民政办"
        filed = add_workdays(_workday_on_or_after(sc.app_date), rng.randint(1, 3))
        name = head.name[0] + rng.choice(("国华", "志勇", "建新", "红英", "立平", "卫红"))
        return {"official_name": name, "unit": unit, "post": post, "relation": rel,
                "guarantor": rng.choice(self.loc.leaders), "filed_date": filed.isoformat(),
                "county_check": f"经{self.loc.county}民政局调查核实，该户家庭经济状况与申报一致，同意备案。"}

    # ------------------------------------------------------------ the process
    def _events(self, sc: Scenario, draft: Draft, calcs: dict, area: str) -> None:
        rng = self.rng
        rec = draft.record
        head = draft.people[0]
        ev: list[dict] = rec["events"]
        difficulty = self._difficulty(sc, draft.people)
        d0 = sc.app_date
        accepted = add_workdays(_workday_on_or_after(d0), rng.randint(0, 2))
        app = {"type": "申请", "date": d0.isoformat(), "applicant": head.name, "scope": "家庭",
               "program": PROGRAMS[sc.type], "reason": difficulty, "accepted": accepted.isoformat(),
               "main_expenses": self._main_expenses(sc, draft.people)}
        if sc.extended:
            app["extended"] = True
        app["is_official_relative"] = sc.official
        ev.append(app)
        visit_d = add_workdays(accepted, rng.randint(2, 6))
        ev.append({"type": "入户调查", "date": visit_d.isoformat(), "investigators": self.pair(),
                   "household_rep": head.name, "difficulty": difficulty, "consistent": True,
                   "explanation": "经入户查看住房、家电和生活状况，申报的家庭成员、收入和财产与实际一致。",
                   "preliminary_opinion": "情况属实，提交审核。" if not sc.refused else "收入财产情况待核对。"})
        calc0 = calcs[d0.year]
        if sc.refused:
            dec_d = add_workdays(visit_d, rng.randint(4, 9))
            ref = {"type": "不予批准", "date": dec_d.isoformat(), "reason_kind": sc.refused}
            if sc.refused == "收入超标":
                ref.update({"per_capita_income": _d(calc0.per_capita_monthly.quantize(Decimal("0.01"))),
                            "standard": _d(calc0.standard.monthly.quantize(Decimal("0.01"))), "unit": "月"})
            else:
                car = rec["property"]["vehicles"][0]
                ref["property_detail"] = (f"家庭拥有机动车一辆（{car['model']}，购买价格 {car['price']} 元），"
                                          f"银行存款 {rec['property']['deposits']} 元，超过规定的家庭财产限额。")
            ref["notified"] = add_workdays(dec_d, rng.randint(0, 2)).isoformat()
            ref["recipient"] = head.name
            ev.append(ref)
            draft.facts["refusal"] = True
            return
        delay = rng.randint(1, 3)
        if sc.late_review:
            delay += 32
        elif sc.extended:
            delay += 25
        pub_d = add_workdays(visit_d, delay)
        pub_end = pub_d + dt.timedelta(days=self.config.review_publicity_days)
        pub = {"type": "审核公示", "date": pub_d.isoformat(), "end": pub_end.isoformat(), "objection": sc.objection}
        after = pub_end
        ev.append(pub)
        if sc.objection:
            pub["objection_content"] = rng.choice(("群众反映该户家中有一辆小轿车。", "群众反映该户子女在外务工收入较高。",
                                                   "群众反映该户在县城购有商品房。"))
            re_d = add_workdays(pub_end, rng.randint(1, 2))
            ev.append({"type": "再次调查", "date": re_d.isoformat(), "investigators": self.pair(),
                       "reported_content": pub["objection_content"], "confirmed": False,
                       "explanation": "经再次入户调查并查询车辆、不动产登记信息，所反映情况不属实。", "household_rep": head.name})
            after = re_d
        dec_d = add_workdays(_workday_on_or_after(after), rng.randint(1, 3))
        review_d = add_workdays(_workday_on_or_after(pub_end), 1)
        if review_d > dec_d:
            review_d = dec_d
        y0 = d0.year
        start_y, start_m = _next_month(dec_d)
        amount0, per_person0 = self._amount(sc, calc0, area, draft, y0)
        covered = calc0.covered_count
        dec = {"type": "审核确认", "date": dec_d.isoformat(), "review_date": review_d.isoformat(), "approved": True,
               "doc_no": f"{self.loc.county[0]}民审〔{dec_d.year}〕{dec_d.timetuple().tm_yday}号",
               "start_month": f"{start_y}-{start_m:02d}", "per_person": _d(per_person0),
               "household_amount": _d(amount0), "covered_count": covered,
               "handler": self.loc.staff[0], "leader": self.loc.leaders[0],
               "economic_summary": (f"家庭人口 {calc0.family_size} 人，{y0}年家庭月人均收入 "
                                    f"{calc0.per_capita_monthly.quantize(Decimal('0.01'))} 元，"
                                    f"{'低于' if calc0.eligible else '高于'}当年{area}低保标准 "
                                    f"{calc0.standard.monthly.quantize(Decimal('0.01'))} 元/月。")}
        ev.append(dec)
        conf_d = add_workdays(dec_d, rng.randint(1, 3))
        ev.append({"type": "确认公示", "date": conf_d.isoformat(),
                   "end": (conf_d + dt.timedelta(days=self.config.confirm_publicity_days)).isoformat(), "objection": False})
        rec["since"] = dec_d.isoformat()
        if sc.type == "特困":
            rec["extreme_poverty"]["since"] = dec_d.isoformat()
            if sc.care_mode == "分散供养":
                rec["extreme_poverty"]["caregiver"] = self._caregiver(draft)
        draft.amounts[y0] = amount0

        # yearly reviews, changes, exit
        exit_year = self.end_year - rng.randint(0, 1) if sc.exit else None
        last = exit_year or self.end_year
        draft.active_years = list(range(y0, last + 1))
        draft.review_years = list(range(y0 + 1, last + 1))
        prev = amount0
        change_month: dict[int, int] = {}
        exit_d = None
        for y in draft.review_years:
            amount, per_person = self._amount(sc, calcs[y], area, draft, y)
            if sc.over_standard_year == y:
                amount, per_person = prev, None
            draft.amounts[y] = amount
            if amount != prev and sc.type != "低保边缘":
                m = rng.randint(4, 7)
                change_month[y] = m
                ch_d = _workday_on_or_after(dt.date(y, m, rng.randint(8, 20)))
                ev.append(self._change(sc, draft, calcs, y, prev, amount, ch_d, area))
            is_exit = y == exit_year
            rev_month = rng.randint(8, 9) if is_exit else rng.randint(3, 9)
            rev_d = _workday_on_or_after(dt.date(y, rev_month, rng.randint(1, 28)))
            ev.append(self._review(sc, draft, y, rev_d, increased=amount > prev, exit=is_exit))
            if is_exit:
                exit_d = _workday_on_or_after(rev_d + dt.timedelta(days=rng.randint(20, 40)))
                ny, nm = _next_month(exit_d)
                ev.append({"type": "退出", "date": exit_d.isoformat(),
                           "reason": f"全家于{y}年随子女迁往外地居住，户籍已迁出本{self.loc.town[-2:]}，"
                                     f"不再符合在本地享受条件，自{ny}年{nm}月起停止保障。"})
            prev = amount
        if sc.type in ("城市低保", "农村低保"):
            self._half_yearly(draft, dec_d, exit_d)
            if self.config.profile == "ezhou":
                self._renewals(draft, dec_d, exit_d)
        ev.sort(key=lambda e: e["date"])
        if sc.type in ("城市低保", "农村低保", "特困"):
            self._payments(rec, draft, (start_y, start_m), change_month, exit_d)
        if sc.type == "特困":
            basic, care = self.tekun_amount(last, area, draft.facts["self_care"])
            rec["extreme_poverty"]["basic_living_fee"] = _d(basic)

    def _half_yearly(self, draft: Draft, approved: dt.date, exit_d: dt.date | None) -> None:
        """003 §三(三): a household with unstable income and members able to work is re-checked every half
        year; add a 定期核查 to each half-year after the approval's that has no home visit (the audit's rule)."""
        from archive.audit.conditions import HOME_VISITS, unstable_income

        rec = draft.record
        if not unstable_income([(x["year"], x.get("wage_kind"), x["item"]) for x in rec["incomes"]],
                               [m.get("labor_capable") for m in rec["members"] if not m.get("death_date")],
                               rec.get("labor_count")):
            return
        y, h = (approved.year, 2) if approved.month <= 6 else (approved.year + 1, 1)
        while True:
            end = dt.date(y, 6, 30) if h == 1 else dt.date(y, 12, 31)
            if y > self.end_year or (exit_d is not None and exit_d < end):
                break
            months = (4, 6) if h == 1 else (10, 12)
            visited = any(e["type"] in HOME_VISITS and months[0] - 3 <= int(e["date"][5:7]) <= months[1]
                          and int(e["date"][:4]) == y for e in rec["events"])
            if not visited:
                d = _workday_on_or_after(dt.date(y, self.rng.randint(*months), self.rng.randint(1, 20)))
                rec["events"].append({"type": "定期核查", "date": d.isoformat(), "investigators": self.pair(),
                                      "situation": "收入来源不固定，家庭成员有劳动能力，按规定半年入户复核一次；"
                                                   "家庭成员、收入和住房情况无明显变化。",
                                      "conclusion": "家庭经济状况符合保障条件，继续保障。"})
            y, h = (y, 2) if h == 1 else (y + 1, 1)

    def _renewals(self, draft: Draft, approved: dt.date, exit_d: dt.date | None) -> None:
        """000 二(二): 每季度末对在册低保对象进行续保登记 — one 续保登记 in the last weeks of each quarter
        the household is on the register at its end."""
        rec = draft.record
        y, q = approved.year, (approved.month - 1) // 3 + 1
        while y <= self.end_year:
            last_month = q * 3
            end = dt.date(y + (q == 4), (last_month % 12) + 1, 1) - dt.timedelta(days=1)
            if exit_d is not None and exit_d < end:
                break
            d = dt.date(y, last_month, self.rng.randint(15, 25))
            if d < approved:
                d = min(end, approved + dt.timedelta(days=1))
            rec["events"].append({"type": "续保登记", "date": d.isoformat(), "registrar": self.loc.staff[0],
                                  "phone": rec.get("phone"), "changed": False,
                                  "situation": "家庭人口、收入和联系方式无变化。"})
            y, q = (y, q + 1) if q < 4 else (y + 1, 1)

    def _amount(self, sc: Scenario, calc, area: str, draft: Draft, year: int) -> tuple[Decimal, Decimal]:
        if sc.type == "特困":
            basic, care = self.tekun_amount(year, area, draft.facts.get("self_care") or
                                            draft.record["extreme_poverty"]["self_care"])
            return basic + care, basic + care
        if sc.type == "低保边缘":
            return Decimal("0.00"), Decimal("0.00")
        return calc.household_total, calc.top_up_per_person

    def _change(self, sc, draft: Draft, calcs, y: int, old: Decimal, new: Decimal, d: dt.date, area: str) -> dict:
        head = draft.people[0].name
        covered = calcs[y].covered_count

        def sit(year, amt):
            inc = calcs[year].total_income / 12
            if sc.type == "特困":
                basic, care = self.tekun_amount(year, area, draft.facts["self_care"])
                amounts = {"basic": _d(basic), "classified": "0.00", "fallback": "0.00", "other": _d(care)}
            else:
                amounts = {"basic": _d(amt), "classified": "0.00", "fallback": "0.00", "other": "0.00"}
            return {"head": head, "covered_count": covered, "monthly_income": _d(inc.quantize(Decimal("0.01"))),
                    "amounts": amounts, "type": sc.type}

        std = self.config.standard(y, area)
        what = "特困人员基本生活标准" if sc.type == "特困" else f"{area}低保标准"
        return {"type": "变更", "date": d.isoformat(),
                "reason": f"{y}年{what}提高（{area}低保标准 {std.amount} 元/人/{std.unit}），按新标准和{y}年家庭收入重新核定，"
                          f"自{y}年1月起执行，"
                          f"1月至{d.month}月差额提标补发。",
                "before": sit(y - 1, old), "after": sit(y, new)}

    def _review(self, sc: Scenario, draft: Draft, y: int, d: dt.date, increased: bool, exit: bool) -> dict:
        rng = self.rng
        if exit:
            situation = f"经入户核查，该户全家已搬迁外地随子女生活，{y}年起不在本地居住。"
        else:
            situation = rng.choice(("家庭成员、收入和住房情况无明显变化。", "家庭情况基本稳定，主要收入仍为务农和零星务工。",
                                    "家庭成员患病情况未好转，仍需救助。", "家庭人口无变化，收入略有增长但仍低于标准。"))
        if self.fenxi:
            return {"type": "定期核查", "date": d.isoformat(), "investigators": self.pair(), "situation": situation,
                    "conclusion": "不再符合保障条件，办理退出。" if exit else "家庭经济状况符合保障条件，继续保障。"}
        conclusion = "取消" if exit else ("增加保障金" if increased else "维持")
        out = {"type": "年度审核", "date": d.isoformat(), "year": y, "investigators": self.pair(),
               "improved": False, "over_standard": False, "still_needs": not exit, "conclusion": conclusion,
                "village_opinion": "情况属实，建议取消保障。" if exit else "经入户调查，情况属实，建议继续保障。",
               "town_opinion": "同意取消。" if exit else "同意继续保障。", "situation": situation}
        if sc.type == "低保边缘":
            del out["over_standard"]   # the 1.5× band applies, not the 低保 standard
        return out

    def _payments(self, rec: dict, draft: Draft, start: tuple[int, int], change_month: dict[int, int],
                  exit_d: dt.date | None) -> None:
        pays = rec["payments"]
        y, m = start
        end = (exit_d.year, exit_d.month) if exit_d else (self.end_year, 12)
        while (y, m) <= end:
            amt = draft.amounts.get(y)
            cm = change_month.get(y)
            if cm is not None and m <= cm:
                amt = draft.amounts[y - 1]
            pays.append({"month": f"{y}-{m:02d}", "amount": _d(amt), "kind": "正常发放"})
            if cm is not None and m == cm + 1:
                # review years start after the decision year, so January to cm were all paid at the old amount
                diff = (draft.amounts[y] - draft.amounts[y - 1]) * cm
                months = f"{y}年1—{cm}月"
                pays.append({"month": f"{y}-{m:02d}", "amount": _d(diff), "kind": "提标补发" if diff >= 0 else "扣减",
                             "note": f"{months}{'提标补发' if diff >= 0 else '多发扣回'}"})
            y, m = (y + 1, 1) if m == 12 else (y, m + 1)

    # ------------------------------------------------------------ texts
    def _difficulty(self, sc: Scenario, people: list[Person]) -> str:
        head = people[0]
        ill = next((p for p in people if p.health == "重病"), None)
        dis = next((p for p in people if p.disability), None)
        stu = next((p for p in people if p.occupation == "在校学生" and p.education in ("高中", "大学")), None)
        if sc.type == "特困":
            return f"{head.name}年老体弱，无劳动能力、无生活来源，无法定赡养、抚养、扶养义务人或其无履行义务能力。"
        if ill:
            return f"{ill.relation if ill is not head else '户主'}{ill.name}患{ill.illness}，长期治疗，医疗费用负担重，家庭收入低。"
        if dis:
            return f"{'户主' if dis is head else dis.relation}{dis.name}{dis.disability['category']}残疾{dis.disability['grade']}，生活需要照顾，家庭收入低。"
        if stu:
            return f"子女{stu.name}就读{stu.education}，教育支出大，家庭收入仅靠{'务农' if not sc.urban else '零工'}。"
        if sc.family == "elderly":
            return "夫妻二人年老多病，无稳定收入，子女分户且收入有限。"
        return "单亲家庭，缺少劳动力，收入不能维持基本生活。"

    def _main_expenses(self, sc: Scenario, people: list[Person]) -> str:
        if any(p.health == "重病" for p in people):
            return "医疗费用"
        if any(p.occupation == "在校学生" and p.education in ("高中", "大学") for p in people):
            return "子女教育费用"
        return "日常生活费用"

    def _caregiver(self, draft: Draft) -> str:
        from archive.sample.people import SURNAMES, _given

        rng = self.rng
        used = {p.name for p in draft.people}
        for _ in range(20):
            n = rng.choice(SURNAMES) + _given(rng, rng.random() < 0.4, 1965)
            if n not in used:
                return n
        return "王桂香"
