"""Counts kept by the month and by the day for the reports: a report over years sums months, and
the part months at its range's ends sum days, never rows.

A report that counted every row in its range on each request grew with the council: five years
of a large council's closures took seconds to count (bench/NOTES.md, "A large council: the
reports"), and the part months at a range's ends, still counted from the rows, some 35,000 of a
year's referrals (bench/NOTES.md, "Day tallies and the team queue"). Instead a service keeps a
figure's counts per key twice, per London month (``monthly_tallies``, ``kernel_schema.v5``) and
per London day (``daily_tallies``, ``kernel_schema.v6``), in its own database (:func:`tables`
declares both in the service's models), and:

- changes them in the same transaction as the use case that changes what is counted
  (:func:`add`: one more at a closure, one fewer at a reopening, in the day's and the month's
  counts alike), or rebuilds them from a count from scratch (:func:`rebuild`: the migrations that
  fill them, the seeders, a repair, the tests that check the two agree);
- a report reads its range's counts by month (:func:`counted`; :func:`middles` for a median, found
  by the database): the whole months from the months' counts, the part months at its ends summed
  from the days' (:func:`whole_months` splits a range so).

A key is a tuple of text (a figure's dimensions: case type, outcome, days, …), kept as one text
column; a count may fall to nought and stays, read as nothing.
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_right
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import accumulate, groupby
from operator import itemgetter

from sqlalchemy import (
    Column,
    Connection,
    Integer,
    MetaData,
    Select,
    String,
    Table,
    cast,
    delete,
    func,
    literal,
    select,
    union_all,
)
from sqlalchemy.orm import Session

from casework.portable import upsert
from casework.reports import DateRange, months

__all__ = ["Key", "Tallies", "add", "counted", "counted_each", "middles", "number", "rebuild", "spanning", "tables", "whole_months"]

#: A figure's dimensions, as text (``("onboarding", "sustained", "42")``).
Key = tuple[str, ...]

#: Between a key's parts: a character no dimension's value holds.
_SEPARATOR = "\x1f"


@dataclass(frozen=True)
class Tallies:
    """A service's counts: by London month (``2026-03``) and by London day (``2026-03-15``)."""

    months: Table
    days: Table


def tables(metadata: MetaData) -> Tallies:
    """Declare ``monthly_tallies`` and ``daily_tallies`` in a service's ``metadata`` (a service that
    keeps tallies)."""
    return Tallies(
        Table("monthly_tallies", metadata,
              Column("figure", String(60), primary_key=True),
              Column("month", String(7), primary_key=True),  # 2026-03: the London month
              Column("key", String(400), primary_key=True),
              Column("count", Integer, nullable=False)),
        Table("daily_tallies", metadata,
              Column("figure", String(60), primary_key=True),
              Column("day", String(10), primary_key=True),  # 2026-03-15: the London day
              Column("key", String(400), primary_key=True),
              Column("count", Integer, nullable=False)))


def _key(parts: Key) -> str:
    return _SEPARATOR.join(parts)


def add(session: Session, tallies: Tallies, counts: Iterable[tuple[str, dt.date, Key, int]]) -> None:
    """Count more (or fewer) of each (figure, London day, key, by) in ``counts``, in the day's and
    the month's counts: a statement each, safe beside others adding to the same counts
    (``INSERT … ON CONFLICT DO UPDATE``, PostgreSQL and SQLite)."""
    by_day: Counter = Counter()
    for figure, day, key, by in counts:
        by_day[(figure, day.isoformat(), _key(key))] += by
    if not by_day:
        return
    by_month: Counter = Counter()
    for (figure, day, key), n in by_day.items():
        by_month[(figure, day[:7], key)] += n
    for table, found in ((tallies.days, by_day), (tallies.months, by_month)):
        period = table.c.day if table is tallies.days else table.c.month
        # In the one order (the days', then the months'; each sorted): two use cases counting the
        # same rows lock them in the same order, so neither waits on the other for ever.
        stmt = upsert(session, table).values([{"figure": f, period.name: p, "key": k, "count": n}
                                     for (f, p, k), n in sorted(found.items())])
        session.execute(stmt.on_conflict_do_update(index_elements=[table.c.figure, period, table.c.key],
                                                   set_={"count": table.c.count + stmt.excluded.count}))


def rebuild(session: Session | Connection, tallies: Tallies, figure: str, rows: Iterable[tuple[dt.date, Key, int]]) -> int:
    """Replace the figure's counts, by day and by month, by ``rows`` (London day, key, count: a
    count from scratch; the same day and key may come more than once). Returns the number of the
    days' counts written. (A migration filling them passes its connection.)"""
    by_day: Counter = Counter()
    for day, key, n in rows:
        by_day[(day.isoformat(), _key(key))] += n
    by_month: Counter = Counter()
    for (day, key), n in by_day.items():
        by_month[(day[:7], key)] += n
    for table, period, found in ((tallies.days, "day", by_day), (tallies.months, "month", by_month)):
        session.execute(delete(table).where(table.c.figure == figure))
        values = [{"figure": figure, period: p, "key": k, "count": n} for (p, k), n in found.items() if n]
        if values:
            session.execute(table.insert(), values)
    return sum(1 for n in by_day.values() if n)


def number(value: int) -> str:
    """A whole number (nought or more) as a key's part that sorts as the number does (``000042``):
    the key of a figure whose :func:`middles` are wanted, so the database walks its counts in the
    order of the primary key's index instead of sorting them."""
    return f"{value:06d}"


def _parts(tallies: Tallies, figures: Sequence[str], span: DateRange | None) -> list[Select]:
    """(figure, month, key, count) of ``figures`` in ``span`` (all when None), counts of nought
    left out: the whole months' counts as kept (one statement), each part month's the sum of its
    days' (one statement each, a row a figure and key)."""
    m, d = tallies.months.c, tallies.days.c
    if span is None:
        return [select(m.figure, m.month, m.key, m.count).where(m.figure.in_(figures), m.count != 0)]
    whole, ends = whole_months(span)
    parts = [select(m.figure, m.month, m.key, m.count)
             .where(m.figure.in_(figures), m.month >= whole[0], m.month <= whole[-1], m.count != 0)] if whole else []
    for end in ends:  # within one month, so the month is a constant
        count = cast(func.sum(d.count), Integer)  # as the months' (whole division finds a median's places)
        parts.append(select(d.figure, literal(f"{end.start:%Y-%m}").label("month"), d.key, count.label("count"))
                     .where(d.figure.in_(figures), d.day >= end.start.isoformat(), d.day <= end.end.isoformat())
                     .group_by(d.figure, d.key).having(count != 0))
    return parts


def counted(session: Session, tallies: Tallies, figure: str, span: DateRange | None = None) -> list[tuple[str, Key, int]]:
    """The figure's counts (month, key, count) of the London days ``span`` (both ends included;
    None: every month kept), by month, in no order; counts of nought left out. A part month of
    ``span`` counts only its days in ``span``."""
    return counted_each(session, tallies, [figure], span)[figure]


def counted_each(session: Session, tallies: Tallies, figures: Sequence[str], span: DateRange | None = None, *,
                 totalled: Sequence[str] = ()) -> dict[str, list[tuple[str | None, Key, int]]]:
    """:func:`counted` for several figures in one statement, as {figure: its counts} (every figure
    asked has its list): a report of several figures pays one round trip to the database, not one
    a figure (bench/NOTES.md, "intake's performance report (intx)"). The figures also in
    ``totalled`` come summed over the whole of ``span`` by the database, a count a key with the
    month None (a report wanting a figure's totals only reads a row a key, not one a key a month)."""
    monthly = [figure for figure in figures if figure not in totalled]
    parts = _parts(tallies, monthly, span) if monthly else []
    if summed := [figure for figure in figures if figure in totalled]:
        each = _parts(tallies, summed, span)
        t = (each[0] if len(each) == 1 else union_all(*each)).subquery()
        total = cast(func.sum(t.c.count), Integer)
        parts.append(select(t.c.figure, literal(None, String).label("month"), t.c.key, total.label("count"))
                     .group_by(t.c.figure, t.c.key).having(total != 0))
    found: dict[str, list[tuple[str | None, Key, int]]] = {figure: [] for figure in figures}
    for figure, month, key, n in session.execute(parts[0] if len(parts) == 1 else union_all(*parts)).all():
        found[figure].append((month, tuple(key.split(_SEPARATOR)), int(n)))
    return found


def middles(session: Session, tallies: Tallies, figures: Sequence[str],
            span: DateRange) -> dict[tuple[str, str], tuple[int, int, int]]:
    """For figures whose key is one whole number written by :func:`number` (days open, say): for
    each figure and month of ``span`` (its part months only their days in it), the values counted
    at the middle (the lower and the upper middle: the same when the count is odd) and the count,
    as {(figure, month): (lower, upper, count)}: a median without reading every count on
    PostgreSQL (the database walks them; two rows a month come back; SQLite: :func:`_walked`).

    The whole months in one statement (in the index's order: five years of closures by days open
    are 12,000 counts, which a union with the part months had PostgreSQL sort), the part months at
    the ends together in another; a month's keys are one partition, each key once in it, so the
    running sum is over ``ROWS`` (``RANGE``, the default, looks for equal keys: the same sums with
    more work; bench/NOTES.md, "The team's caseload and the reports (team)")."""
    found: dict[tuple[str, str], list] = {}
    parts = _parts(tallies, figures, span) if figures else []
    ends = parts[1:] if whole_months(span)[0] else parts  # the whole months' statement comes first
    statements = parts[:len(parts) - len(ends)] + ([ends[0] if len(ends) == 1 else union_all(*ends)] if ends else [])
    if session.get_bind().dialect.name == "sqlite":
        return _walked(session, statements)
    for part in statements:
        t = part.subquery()
        month = (t.c.figure, t.c.month)
        each = select(t.c.figure, t.c.month, t.c.key, t.c.count,
                      func.sum(t.c.count).over(partition_by=month, order_by=t.c.key, rows=(None, 0)).label("upto"),
                      func.sum(t.c.count).over(partition_by=month).label("whole")).subquery()
        lower, upper = (each.c.whole - 1) // 2, each.c.whole // 2  # the middle positions, from 0
        for figure, month, key, count, upto, whole in session.execute(
                select(each.c.figure, each.c.month, each.c.key, each.c.count, each.c.upto, each.c.whole)
                .where(each.c.upto - each.c.count <= upper, each.c.upto - 1 >= lower)):
            middle = found.setdefault((figure, month), [None, None, int(whole)])
            if upto - count <= (whole - 1) // 2 <= upto - 1:
                middle[0] = int(key)
            if upto - count <= whole // 2 <= upto - 1:
                middle[1] = int(key)
    return {key: (low, high, whole) for key, (low, high, whole) in found.items()}


def _walked(session: Session, statements: list[Select]) -> dict[tuple[str, str], tuple[int, int, int]]:
    """:func:`middles` on SQLite: each month's counts read in the key's order (the primary key's,
    no sort for whole months) and walked here. SQLite's window functions took twice as long as
    reading the counts and summing them in Python (five years of closures by days open, 12,220
    counts: 44 ms against 21 ms of CPU; bench/NOTES.md, "SQLite at full size (lite)"); PostgreSQL's
    are quicker than both."""
    found: dict[tuple[str, str], tuple[int, int, int]] = {}
    for part in statements:
        t = part.subquery()
        rows = session.execute(select(t.c.figure, t.c.month, t.c.key, t.c.count)
                               .order_by(t.c.figure, t.c.month, t.c.key)).all()
        for month, counts in groupby(rows, key=itemgetter(0, 1)):
            counts = list(counts)
            upto = list(accumulate(row[3] for row in counts))  # counted up to and with each key
            whole = upto[-1]
            found[month] = (int(counts[bisect_right(upto, (whole - 1) // 2)][2]),
                            int(counts[bisect_right(upto, whole // 2)][2]), whole)
    return found


def _first_and_last(month: str) -> tuple[dt.date, dt.date]:
    first = dt.date(int(month[:4]), int(month[5:]), 1)
    return first, (first.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)


def spanning(whole: Sequence[str]) -> DateRange:
    """The days of the months ``whole`` (in order, one after another), first to last."""
    return DateRange(_first_and_last(whole[0])[0], _first_and_last(whole[-1])[1])


def whole_months(span: DateRange) -> tuple[list[str], list[DateRange]]:
    """The months ``span`` holds whole (``2026-01``, …), and the part months at its ends as
    ranges (none, one or two)."""
    whole, ends = [], []
    for month in months(span):
        first, last = _first_and_last(month)
        start, end = max(first, span.start), min(last, span.end)
        if (start, end) == (first, last):
            whole.append(month)
        else:
            ends.append(DateRange(start, end))
    return whole, ends
