"""Working-day deadlines: weekends and England & Wales bank holidays excluded.

Bank holidays come from the maintained ``holidays`` library. A deadline of *n* working days
is the close of business (17:00, Europe/London) on the *n*-th working day after the start;
0 days is the close of business today, or of the next working day when today is not one
or business has already closed.
"""

from __future__ import annotations

import datetime as dt
import functools
from zoneinfo import ZoneInfo

import holidays

LONDON = ZoneInfo("Europe/London")
CLOSE_OF_BUSINESS = dt.time(17, 0)


@functools.lru_cache(maxsize=64)
def _bank_holidays(year: int) -> holidays.HolidayBase:
    return holidays.country_holidays("GB", subdiv="ENG", years=year)


def is_working_day(day: dt.date) -> bool:
    return day.weekday() < 5 and day not in _bank_holidays(day.year)


def next_working_day(day: dt.date) -> dt.date:
    day += dt.timedelta(days=1)
    while not is_working_day(day):
        day += dt.timedelta(days=1)
    return day


def add_working_days(start: dt.date, days: int) -> dt.date:
    """The date ``days`` working days after ``start`` (``start`` itself need not be one)."""
    day = start
    for _ in range(days):
        day = next_working_day(day)
    if days == 0 and not is_working_day(day):
        day = next_working_day(day)
    return day


def working_days_between(start: dt.date, end: dt.date) -> int:
    """Working days after ``start`` up to and including ``end``."""
    count, day = 0, start
    while day < end:
        day += dt.timedelta(days=1)
        count += is_working_day(day)
    return count


def london_today(now: dt.datetime | None = None) -> dt.date:
    """Today's date in London (now, or at ``now``): an officer's today, whatever the server's
    clock zone (between midnight and 01:00 in summer, UTC's date is still yesterday)."""
    return (now or dt.datetime.now(dt.UTC)).astimezone(LONDON).date()


def london_time(day: dt.date, time: dt.time) -> dt.datetime:
    """``time`` in London on ``day``, in UTC."""
    return dt.datetime.combine(day, time, tzinfo=LONDON).astimezone(dt.UTC)


def deadline(start: dt.datetime, days: int) -> dt.datetime:
    """Close of business on the ``days``-th working day after ``start``, in UTC."""
    local = start.astimezone(LONDON)
    day = local.date()
    if days == 0 and (not is_working_day(day) or local.time() >= CLOSE_OF_BUSINESS):
        day = next_working_day(day)
    else:
        day = add_working_days(day, days)
    return london_time(day, CLOSE_OF_BUSINESS)
