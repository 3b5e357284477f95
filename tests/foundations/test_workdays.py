"""Chinese working days across the Spring Festival, make-up working days and unknown years."""

import datetime as dt

import pytest

from archive import workdays

D = dt.date


def test_spring_festival_2024_holidays_and_makeup_days():
    # holiday 2024-02-10..17; make-up working days Sunday 02-04 and Sunday 02-18
    assert workdays.is_workday(D(2024, 2, 4))          # Sunday, make-up working day
    assert workdays.is_workday(D(2024, 2, 18))         # Sunday, make-up working day
    for day in range(10, 18):
        assert not workdays.is_workday(D(2024, 2, day))  # includes Mon-Fri 12..16
    assert not workdays.is_workday(D(2024, 2, 3))      # ordinary Saturday


def test_add_workdays_across_spring_festival_2024():
    # Thu 02-08 + 3 working days: Fri 02-09, Sun 02-18 (make-up), Mon 02-19
    assert workdays.add_workdays(D(2024, 2, 8), 3) == D(2024, 2, 19)
    # a refusal decided on Fri 02-09 must be notified by Tue 02-20, not Wed 02-14
    assert workdays.add_workdays(D(2024, 2, 9), 3) == D(2024, 2, 20)
    # Sat 02-03 + 1: the make-up Sunday 02-04 is the first working day
    assert workdays.add_workdays(D(2024, 2, 3), 1) == D(2024, 2, 4)
    assert workdays.add_workdays(D(2024, 2, 3), 0) == D(2024, 2, 3)


def test_thirty_working_days_2025_spring_festival():
    # holiday 2025-01-28..02-04; make-up Sunday 01-26 and Saturday 02-08
    assert workdays.is_workday(D(2025, 1, 26))
    assert workdays.is_workday(D(2025, 2, 8))
    assert not workdays.is_workday(D(2025, 2, 3))
    # accepted Wed 2025-01-15: weekends-only counting would say 2025-02-26
    deadline = workdays.add_workdays(D(2025, 1, 15), 30)
    assert deadline == D(2025, 3, 4)
    assert workdays.workdays_between(D(2025, 1, 15), deadline) == 30
    assert workdays.workdays_between(D(2025, 1, 15), D(2025, 2, 26)) == 26


def test_workdays_between_edges():
    assert workdays.workdays_between(D(2024, 2, 9), D(2024, 2, 9)) == 0
    assert workdays.workdays_between(D(2024, 2, 9), D(2024, 2, 1)) == 0
    assert workdays.workdays_between(D(2024, 2, 9), D(2024, 2, 17)) == 0   # all holiday
    assert workdays.workdays_between(D(2024, 2, 9), D(2024, 2, 18)) == 1
    with pytest.raises(ValueError):
        workdays.add_workdays(D(2024, 1, 1), -1)


def test_unknown_year_falls_back_to_weekdays_with_note():
    first, last = workdays.coverage()
    year = last + 3
    jan1 = D(year, 1, 1)
    # 1 January is a holiday in every known year; the fallback only knows weekends
    assert workdays.is_workday(jan1) == (jan1.weekday() < 5)
    assert year in workdays.unknown_years()
    note = workdays.coverage_note([year])
    assert str(year) in note and "周一至周五" in note
    assert workdays.coverage_note([]) is None
    assert first <= 2024 <= last
