"""Chinese working days: statutory holidays and make-up working days (调休) included.

The calendar comes from the maintained `chinese_calendar` package, which knows
the State Council's holiday arrangements year by year (2004 to its release year).
For a year it does not know, working days fall back to Monday–Friday and the
year is remembered in `unknown_years()`, so a report can say that its deadline
figures for that year ignore holidays ("按周一至周五计算").

Counting convention (003 §三(四) "自受理之日起30个工作日内完成"): the start day
itself is day 0; the deadline is the n-th working day after it.  A weekend or a
holiday start day changes nothing: counting still starts on the next day.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from functools import lru_cache

import chinese_calendar

log = logging.getLogger("dibao.workdays")

_unknown: set[int] = set()
_lock = threading.Lock()
ONE_DAY = dt.timedelta(days=1)


def _known_range() -> tuple[int, int]:
    holidays = chinese_calendar.holidays
    years = {d.year for d in holidays}
    return min(years), max(years)


@lru_cache(maxsize=8192)
def is_workday(day: dt.date) -> bool:
    """True when `day` is a working day in mainland China (make-up Saturdays/Sundays count)."""
    try:
        return chinese_calendar.is_workday(day)
    except NotImplementedError:
        with _lock:
            if day.year not in _unknown:
                _unknown.add(day.year)
                log.warning("工作日历没有 %s 年的法定节假日安排，该年按周一至周五计算工作日", day.year)
        return day.weekday() < 5


def is_holiday(day: dt.date) -> bool:
    return not is_workday(day)


def add_workdays(start: dt.date, n: int) -> dt.date:
    """The n-th working day after `start` (n >= 0; n == 0 returns start)."""
    if n < 0:
        raise ValueError("n must be >= 0")
    day = start
    left = n
    while left:
        day += ONE_DAY
        if is_workday(day):
            left -= 1
    return day


def workdays_between(start: dt.date, end: dt.date) -> int:
    """Working days after `start` up to and including `end` (0 when end <= start)."""
    if end <= start:
        return 0
    count = 0
    day = start
    while day < end:
        day += ONE_DAY
        if is_workday(day):
            count += 1
    return count


def unknown_years() -> list[int]:
    """Years met so far that the calendar package does not cover (weekends-only fallback used)."""
    with _lock:
        return sorted(_unknown)


def coverage() -> tuple[int, int]:
    """First and last year the installed calendar knows."""
    return _known_range()


def coverage_note(years: list[int] | None = None) -> str | None:
    """A Chinese note for reports when some dates fell outside the calendar, else None."""
    years = unknown_years() if years is None else years
    if not years:
        return None
    first, last = coverage()
    ys = "、".join(str(y) for y in years)
    return (f"工作日历（chinese_calendar）只包含 {first}—{last} 年的法定节假日和调休安排；"
            f"{ys} 年按周一至周五计算工作日，节假日前后的时限请人工核对。"
            "更新日历：.venv/bin/pip install -U chinese-calendar")
