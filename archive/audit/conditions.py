"""The condition vocabulary of the rules files, evaluated on one household.

A rule's `when` is one condition or a list of them.  At most one is an
*iterator*: it says for what each requirement holds (the household once, each
member, each covered year, each event of a kind ...), and each item it yields is
a `Subject`.  The others are *filters*: true or false for the whole household;
write "not:名字" to negate one.  A rule without an iterator holds once per
household ("always").

Coverage starts with `since` (else the first approved 审核确认, else the first
payment, else the first 年审/变更) and ends with the year of 退出 (an exit followed
by a new approval does not count), else runs to the audit date.

Review years (each_review_year): every year after the first covered year up to the
exit year, or up to the audit year once the audit date has passed the rules'
`annual_review_due` day of that year (else up to the year before); plus any year
with a recorded 年度审核 or 定期核查 after the first covered year.

Covered years (each_covered_year, for 核对报告 and the monthly payment records): the year of
each application (a refused application was visited and checked too), the first covered
year, and every review year.

Home visits (each_home_visit, for 入户照片 counted per visit, 000 二(三)): every 入户调查,
再次调查, 年度审核 and 定期核查; the subject's year is the year of the visit's date.

Periods in care (each_covered_quarter for 续保登记 at each quarter's end, 000 二(二);
each_covered_half for the half-yearly re-check of households with unstable income, 003 §三(三)):
a quarter counts when the household was in care at its end (start on or before it, no exit
before it) and the audit date is past it; a half-year counts from the one after the half of
the first covered day (that half had the approval's own visit), on the same terms.  As with
review years, the periods of the audit's own year count only once that year's
`annual_review_due` day has passed (default 12-31: finished years only).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache
from operator import attrgetter

from archive.records.model import (AnnualReview, Application, Change, Decision, Expense, Household, Member,
                           PeriodicCheck, Publicity, Refusal, Reinvestigation, Visit)


@dataclass(slots=True)
class Subject:
    key: str                    # identity within a rule: "" | member name | "2024" | event key
    label: str                  # Chinese, shown in the 缺件清单: "李四", "2024年度", "入户调查 2024-03-05"
    obj: object                 # where `field` rules read from
    year: int | None = None
    member: str | None = None
    event: object | None = None  # the event the subject is (event iterators)
    period: tuple | None = None  # (first day, last day) of a quarter or half-year subject


# name -> (Chinese description, model class whose fields `field` rules may name)
ITERATORS: dict[str, tuple[str, type]] = {
    "always": ("每户一份", Household),
    "each_member": ("每位在世的家庭成员", Member),
    "member_disabled": ("每位有残疾的成员（有残疾类别等级，或健康状况为“残疾”）", Member),
    "expense": ("每项可扣减刚性支出，写作 expense:重病 / expense:教育 / expense:就业", Expense),
    "each_application": ("每次申请", Application),
    "each_visit": ("每次入户调查", Visit),
    "each_publicity": ("每次公示（审核公示、确认公示）", Publicity),
    "objection": ("每次公示期内有异议的审核公示", Publicity),
    "each_reinvestigation": ("每次再次调查", Reinvestigation),
    "each_decision": ("每次审核确认", Decision),
    "approved": ("每次同意纳入的审核确认", Decision),
    "refused": ("每次不予批准", Refusal),
    "each_annual_review": ("每次年度审核（已录入的）", AnnualReview),
    "each_change": ("每次变更", Change),
    "each_periodic_check": ("每次定期核查", PeriodicCheck),
    "each_covered_year": ("每个在保年度（含纳入当年）", Household),
    "each_review_year": ("每个应年审的年度（纳入之后、已到年审截止日的在保年度）", Household),
    "each_home_visit": ("每次入户（入户调查、再次调查、年度审核、定期核查）", Visit),
    "each_covered_quarter": ("每个在保季度（季度末在册、审计日期已过季度末）", Household),
    "each_covered_half": ("每个在保半年（纳入的那半年之后、审计日期已过的半年）", Household),
    "each_paid_year": ("每个应发放的年度（批准次月起至退出当月，已到年审截止日的年度）", Household),
}

FILTERS: dict[str, str] = {
    "official_relative": "村（社区）两委干部或低保经办人员的近亲属（记录有近亲属备案信息，或申请时声明有）",
    "tekun_dispersed": "分散供养的特困人员",
    "ever_covered": "曾经纳入保障（有享受时间、同意纳入的审核确认、年审、变更或发放记录）",
    "covered_now": "目前在保（曾纳入保障且没有退出）",
    "has_payments": "有发放记录",
    "has_application": "记录中有申请事件",
    "unstable_income": "收入来源不固定（最近核算年度有打零工、灵活就业收入）且有劳动能力的家庭成员（003 §三(三)）",
}

EXPENSE_KINDS = ("重病", "教育", "就业")
HOME_VISITS = ("入户调查", "再次调查", "年度审核", "定期核查")
# 收入来源不固定: a wage paid by the day or a job without a fixed employer (003 §三(三))
UNSTABLE_WORDS = ("零工", "灵活就业", "临时工", "打短工")

EVENT_ITERATORS = {
    "each_application": ("申请",), "each_visit": ("入户调查",), "each_publicity": ("审核公示", "确认公示"),
    "objection": ("审核公示",), "each_reinvestigation": ("再次调查",), "each_decision": ("审核确认",),
    "approved": ("审核确认",), "refused": ("不予批准",), "each_annual_review": ("年度审核",),
    "each_change": ("变更",), "each_periodic_check": ("定期核查",),
    "each_home_visit": HOME_VISITS,
}


def parse_due(text: str) -> tuple[int, int]:
    """'05-31' -> (5, 31); raises ValueError."""
    m, d = text.split("-")
    dt.date(2024, int(m), int(d))  # validates (2024 is a leap year, so 02-29 passes)
    return int(m), int(d)


_BY_DATE = attrgetter("date")


class lazy:
    """A cached attribute without functools.cached_property's lock (Python 3.11), for per-household facts."""

    def __init__(self, fn):
        self.fn = fn
        self.name = fn.__name__
        self.__doc__ = fn.__doc__

    def __get__(self, obj, cls=None):
        if obj is None:
            return self
        value = obj.__dict__[self.name] = self.fn(obj)
        return value


def event_key(e) -> str:
    return e.id or f"{e.type}{e.date.isoformat()}"


def event_label(e) -> str:
    return f"{e.type} {e.date.isoformat()}"


class Facts:
    """What the conditions need to know about one household, computed lazily once."""

    def __init__(self, hh: Household, as_of: dt.date, review_due: tuple[int, int] = (12, 31)):
        self.hh = hh
        self.as_of = as_of
        self.review_due = review_due
        self._of: dict[tuple[str, ...], list] = {}
        self._last_by_year: dict[str, dict[int, object]] = {}   # event type -> year -> its last event

    @lazy
    def events(self) -> dict[str, list]:
        out: dict[str, list] = {}
        for e in sorted(self.hh.events, key=_BY_DATE):
            out.setdefault(e.type, []).append(e)
        return out

    def of(self, *types: str) -> list:
        if len(types) == 1:
            return self.events.get(types[0], [])
        got = self._of.get(types)
        if got is None:
            events = self.events
            got = self._of[types] = sorted((e for t in types for e in events.get(t, ())), key=_BY_DATE)
        return got

    @lazy
    def living(self) -> list[Member]:
        return [m for m in self.hh.members if m.death_date is None or m.death_date > self.as_of]

    @lazy
    def start(self) -> dt.date | None:
        ok = [e.date for e in self.of("审核确认") if e.approved]
        if not ok and (self.of("审核确认") or self.of("不予批准")):
            return None     # decided and never approved (refused): never in care, whatever `since` says
        if self.hh.since:
            return self.hh.since
        if ok:
            return ok[0]
        if self.hh.payments:
            y, m = map(int, min(p.month for p in self.hh.payments).split("-"))
            return dt.date(y, m, 1)
        reviews = self.of("年度审核", "变更")
        return reviews[0].date if reviews else None

    @lazy
    def exit_date(self) -> dt.date | None:
        exits = self.of("退出")
        if not exits:
            return None
        last = exits[-1].date
        later_ok = [e for e in self.of("审核确认") if e.approved and e.date > last]
        return None if later_ok else last

    @lazy
    def review_years(self) -> list[int]:
        """Years after the first covered one that need an annual review (see the module docstring)."""
        years = {e.year for e in self.of("年度审核")} | {e.date.year for e in self.of("定期核查")}
        start = self.start
        if start is not None:
            if self.exit_date is not None:
                last = self.exit_date.year
            else:
                m, d = self.review_due
                last = self.as_of.year if self.as_of >= _day_of(self.as_of.year, m, d) else self.as_of.year - 1
            years.update(range(start.year + 1, last + 1))
        return sorted(y for y in years if start is None or y > start.year)

    @lazy
    def covered_years(self) -> list[int]:
        """Years with a file to keep: each application's year, the first covered year, each review year."""
        years = set(self.review_years)
        if self.start is not None and self.start <= self.as_of:
            years.add(self.start.year)
        years.update(a.date.year for a in self.of("申请") if a.date <= self.as_of)
        return sorted(years)

    # ------------------------------------------------------------ filters
    def filter(self, name: str) -> bool:
        hh = self.hh
        if name == "official_relative":
            return hh.official_relative is not None or any(a.is_official_relative for a in self.of("申请"))
        if name == "tekun_dispersed":
            return hh.type == "特困" and hh.extreme_poverty is not None and hh.extreme_poverty.care_mode == "分散供养"
        if name == "ever_covered":
            return self.start is not None
        if name == "covered_now":
            return self.start is not None and self.exit_date is None
        if name == "has_payments":
            return bool(hh.payments)
        if name == "has_application":
            return bool(self.of("申请"))
        if name == "unstable_income":
            return self.unstable_income
        raise KeyError(name)

    @lazy
    def unstable_income(self) -> bool:
        hh = self.hh
        return unstable_income([(x.year, x.wage_kind, x.item) for x in hh.incomes],
                               [m.labor_capable for m in self.living], hh.labor_count)

    @lazy
    def payable_months(self) -> list[tuple[int, int]]:
        """(year, month) of every month the household is to be paid (003 §三(四) 审批后次月开始享受; §三(五)
        下月起停发): from the first approval's start_month (else the month after it, else after `since`) to
        the exit month or the month before the audit, within the years whose review is due."""
        start = self.start
        if start is None:
            return []
        approvals = [e for e in self.of("审核确认") if e.approved]
        first = approvals[0] if approvals else None
        if first is not None and first.start_month:
            y, m = map(int, first.start_month.split("-"))
        else:
            d = first.date if first is not None else start
            y, m = (d.year + 1, 1) if d.month == 12 else (d.year, d.month + 1)
        as_of = self.as_of
        last = (as_of.year, as_of.month - 1) if as_of.month > 1 else (as_of.year - 1, 12)
        if self.exit_date is not None:
            last = min(last, (self.exit_date.year, self.exit_date.month))
        due_m, due_d = self.review_due
        if as_of < _day_of(as_of.year, due_m, due_d):   # the audit's own year is not due yet
            last = min(last, (as_of.year - 1, 12))
        out = []
        while (y, m) <= last:
            out.append((y, m))
            y, m = (y + 1, 1) if m == 12 else (y, m + 1)
        return out

    def periods(self, months: int) -> list[tuple[str, str, dt.date, dt.date]]:
        """(key, label, first day, last day) of the quarters (months=3) or halves (6) in care, see the docstring."""
        start = self.start
        if start is None:
            return []
        stop = self.exit_date
        # like the annual review, a period is checked once its year's review is due (annual_review_due):
        # an audit in the middle of a year asks for nothing of that year before its due day
        m, d = self.review_due
        horizon = self.as_of if self.as_of >= _day_of(self.as_of.year, m, d) else dt.date(self.as_of.year, 1, 1)
        out = []
        y, first = start.year, (start.month - 1) // months * months + 1
        if months == 6:   # the half of the approval had its own visit: from the next half
            y, first = (y + 1, 1) if first == 7 else (y, 7)
        while True:
            begin = dt.date(y, first, 1)
            ny, nm = (y + 1, 1) if first + months > 12 else (y, first + months)
            end = dt.date(ny, nm, 1) - dt.timedelta(days=1)
            if end >= horizon or (stop is not None and stop < end):
                break
            if months == 3:
                out.append((f"{y}Q{(first - 1) // 3 + 1}", f"{y}年第{(first - 1) // 3 + 1}季度", begin, end))
            else:
                out.append((f"{y}H{1 if first == 1 else 2}", f"{y}年{'上' if first == 1 else '下'}半年", begin, end))
            y, first = ny, nm
        return out

    # ------------------------------------------------------------ iterators
    def subjects(self, name: str, arg: str | None = None) -> list[Subject]:
        hh = self.hh
        types = EVENT_ITERATORS.get(name)
        if types is not None:   # about half of the iterators a household meets
            evs = self.of(*types)
            if name == "objection":
                evs = [e for e in evs if e.objection]
            elif name == "approved":
                evs = [e for e in evs if e.approved]
            out = []
            by_date = name == "each_home_visit"   # a visit's photos carry the year it was made
            for e in evs:   # event_key, event_label and _event_year, inline
                day = e.date.isoformat()
                out.append(Subject(e.id or f"{e.type}{day}", f"{e.type} {day}", e,
                                   e.date.year if by_date else (e.__dict__.get("year") or e.date.year), None, e))
            return _dedupe(out)
        if name == "always":
            return [Subject("", "", hh)]
        if name == "each_member":
            return [Subject(m.name, m.name, m, None, m.name) for m in self.living]
        if name == "member_disabled":
            return [Subject(m.name, m.name, m, None, m.name) for m in self.living
                    if m.disability is not None or m.health == "残疾"]
        if name == "expense":
            out = []
            for x in hh.expenses:
                if x.kind == arg:
                    who = x.member or ""
                    out.append(Subject(f"{x.year}{who}", f"{x.year}年{arg}支出" + (f"（{who}）" if who else ""),
                                       x, year=x.year, member=x.member))
            return _dedupe(out)
        if name == "each_covered_year":
            return [Subject(*_year_texts(y), hh, y) for y in self.covered_years]
        if name == "each_review_year":
            return [Subject(*_year_texts(y), hh, y) for y in self.review_years]
        if name == "each_paid_year":
            return [Subject(*_year_texts(y), hh, y) for y in sorted({y for y, _ in self.payable_months})]
        if name in ("each_covered_quarter", "each_covered_half"):
            return [Subject(key, label, hh, begin.year, period=(begin, end))
                    for key, label, begin, end in self.periods(3 if name == "each_covered_quarter" else 6)]
        raise KeyError(name)

    def linked_event(self, subject: Subject, event_type: str):
        """The event a form of `event_type` is printed from, for this subject (None: not recorded)."""
        if subject.event is not None:
            if subject.event.type == event_type:
                return subject.event
            later = [e for e in self.of(event_type) if e.date >= subject.event.date]
            return later[0] if later else None
        if subject.year is None:
            evs = self.of(event_type)
            return evs[-1] if evs else None
        by_year = self._last_by_year.get(event_type)
        if by_year is None:
            by_year = self._last_by_year[event_type] = {_event_year(e): e for e in self.of(event_type)}
        return by_year.get(subject.year)


def unstable_income(incomes, labor_flags, labor_count) -> bool:
    """003 §三(三) 收入来源不固定、家庭成员有劳动能力和劳动条件: in the latest income year a wage paid
    by the day (wage_kind 打零工, or an item naming 零工 / 灵活就业), and a living member able to work
    (labor_capable; when no member says, labor_count > 0).  incomes: (year, wage_kind, item) tuples."""
    if not incomes:
        return False
    year = max(y for y, _, _ in incomes)
    if not any(y == year and (kind == "打零工" or any(w in item for w in UNSTABLE_WORDS)) for y, kind, item in incomes):
        return False
    said = [f for f in labor_flags if f is not None]
    return any(said) if said else bool(labor_count)


@lru_cache(maxsize=512)
def _year_texts(year: int) -> tuple[str, str]:
    """A year subject's key and label: "2024", "2024年度"."""
    return str(year), f"{year}年度"


def _event_year(e) -> int:
    # a 年度审核 names its year; read the instance dict: a missing attribute costs pydantic's __getattr__
    return e.__dict__.get("year") or e.date.year


def _day_of(year: int, month: int, day: int) -> dt.date:
    try:
        return dt.date(year, month, day)
    except ValueError:  # 02-29 in a common year
        return dt.date(year, month, day - 1)


def _dedupe(subjects: list[Subject]) -> list[Subject]:
    """Make keys unique (two events of one day without ids, two expenses of one member and year)."""
    seen: dict[str, int] = {}
    for s in subjects:
        n = seen.get(s.key, 0)
        seen[s.key] = n + 1
        if n:
            s.key = f"{s.key}#{n + 1}"
    return subjects
