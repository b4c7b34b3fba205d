"""Working-day deadlines: weekends and England & Wales bank holidays excluded."""

import datetime as dt

import pytest

from casework.workdays import LONDON, add_working_days, deadline, is_working_day, london_today, working_days_between


def local(y, m, d, h=10, minute=0):
    return dt.datetime(y, m, d, h, minute, tzinfo=LONDON)


@pytest.mark.parametrize("day, working", [
    (dt.date(2026, 12, 25), False),  # Christmas Day
    (dt.date(2026, 12, 28), False),  # Boxing Day substitute (26th is a Saturday)
    (dt.date(2026, 8, 31), False),   # summer bank holiday (England & Wales)
    (dt.date(2026, 8, 3), True),     # Scotland's summer holiday is not ours
    (dt.date(2026, 11, 21), False),  # Saturday
    (dt.date(2026, 11, 23), True),
])
def test_working_days(day, working):
    assert is_working_day(day) is working


@pytest.mark.parametrize("start, days, expected", [
    (dt.date(2026, 11, 20), 1, dt.date(2026, 11, 23)),   # Friday + 1 → Monday
    (dt.date(2026, 12, 24), 1, dt.date(2026, 12, 29)),   # over Christmas and the Boxing Day substitute
    (dt.date(2026, 4, 2), 1, dt.date(2026, 4, 7)),       # Thursday before Good Friday → Tuesday after Easter Monday
    (dt.date(2026, 11, 23), 10, dt.date(2026, 12, 7)),
])
def test_adding_working_days(start, days, expected):
    assert add_working_days(start, days) == expected


def test_deadline_is_close_of_business_in_london_given_in_utc():
    due = deadline(local(2026, 7, 1), 2)  # BST: 17:00 London is 16:00 UTC
    assert due == dt.datetime(2026, 7, 3, 16, 0, tzinfo=dt.UTC)


@pytest.mark.parametrize("start, expected_day", [
    (local(2026, 11, 23, 9), dt.date(2026, 11, 23)),    # same day, before close
    (local(2026, 11, 23, 18), dt.date(2026, 11, 24)),   # after close: next working day
    (local(2026, 11, 21, 9), dt.date(2026, 11, 23)),    # Saturday: Monday
])
def test_same_day_deadlines(start, expected_day):
    assert deadline(start, 0).astimezone(LONDON).date() == expected_day


def test_working_days_between_counts_only_working_days():
    assert working_days_between(dt.date(2026, 12, 24), dt.date(2027, 1, 4)) == 4  # 29, 30, 31 Dec, 4 Jan


@pytest.mark.parametrize(("now", "today"), [
    (dt.datetime(2026, 7, 1, 23, 30, tzinfo=dt.UTC), dt.date(2026, 7, 2)),  # 00:30 in London (BST)
    (dt.datetime(2026, 12, 1, 23, 30, tzinfo=dt.UTC), dt.date(2026, 12, 1)),  # GMT: the same day
    (dt.datetime(2026, 7, 2, 0, 30, tzinfo=LONDON), dt.date(2026, 7, 2)),
])
def test_today_is_londons_whatever_the_servers_zone(now, today):
    assert london_today(now) == today


def test_today_without_an_instant_is_now_in_london():
    assert london_today() == dt.datetime.now(LONDON).date()
