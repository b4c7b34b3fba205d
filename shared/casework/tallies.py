"""Counts kept by the month for the reports: a report over years sums months, not rows.

A report that counted every row in its range on each request grew with the council: five years
of a large council's closures took seconds to count (bench/NOTES.md, "A large council: the
reports"). Instead a service keeps a figure's counts per London month and key in its own table
``monthly_tallies`` (:func:`table` declares it in the service's models, ``kernel_schema.v5``
creates it), and:

- changes them in the same transaction as the use case that changes what is counted
  (:func:`add`: one more at a closure, one fewer at a reopening), or rebuilds them from a count
  from scratch (:func:`rebuild`: the seeders, a repair, the tests that check the two agree);
- a report reads the whole months of its range from them (:func:`counted`; :func:`middles` for a
  median, found by the database) and counts the part months at its range's ends itself, from the
  rows (:func:`whole_months` splits a range so).

A key is a tuple of text (a figure's dimensions: case type, outcome, days, …), kept as one text
column; a count may fall to nought and stays, read as nothing.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Sequence

from sqlalchemy import Column, Connection, Integer, MetaData, String, Table, cast, delete, func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from casework.reports import DateRange, months

__all__ = ["Key", "add", "counted", "middles", "rebuild", "spanning", "table", "whole_months"]

#: A figure's dimensions, as text (``("onboarding", "sustained", "42")``).
Key = tuple[str, ...]

#: Between a key's parts: a character no dimension's value holds.
_SEPARATOR = "\x1f"


def table(metadata: MetaData) -> Table:
    """Declare ``monthly_tallies`` in a service's ``metadata`` (a service that keeps tallies)."""
    return Table(
        "monthly_tallies", metadata,
        Column("figure", String(60), primary_key=True),
        Column("month", String(7), primary_key=True),  # 2026-03: the London month
        Column("key", String(400), primary_key=True),
        Column("count", Integer, nullable=False),
    )


def _key(parts: Key) -> str:
    return _SEPARATOR.join(parts)


def add(session: Session, tallies: Table, counts: Iterable[tuple[str, str, Key, int]]) -> None:
    """Count more (or fewer) of each (figure, month, key, by) in ``counts``: one statement, safe
    beside others adding to the same counts (``INSERT … ON CONFLICT DO UPDATE``, PostgreSQL and
    SQLite)."""
    found: Counter = Counter()
    for figure, month, key, by in counts:
        found[(figure, month, _key(key))] += by
    if not found:
        return
    insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    stmt = insert(tallies).values([{"figure": f, "month": m, "key": k, "count": n} for (f, m, k), n in found.items()])
    session.execute(stmt.on_conflict_do_update(index_elements=[tallies.c.figure, tallies.c.month, tallies.c.key],
                                               set_={"count": tallies.c.count + stmt.excluded.count}))


def rebuild(session: Session | Connection, tallies: Table, figure: str, rows: Iterable[tuple[str, Key, int]],
            *, only: Sequence[str] | None = None) -> int:
    """Replace the figure's counts (of the months ``only``, else all) by ``rows`` (month, key,
    count: a count from scratch; the same month and key may come more than once). Returns the
    number of counts written. (A migration filling them passes its connection.)"""
    found: Counter = Counter()
    for month, key, n in rows:
        found[(month, _key(key))] += n
    wipe = delete(tallies).where(tallies.c.figure == figure)
    session.execute(wipe.where(tallies.c.month.in_(only)) if only is not None else wipe)
    values = [{"figure": figure, "month": m, "key": k, "count": n} for (m, k), n in found.items() if n]
    if values:
        session.execute(tallies.insert(), values)
    return len(values)


def counted(session: Session, tallies: Table, figure: str, *, first: str | None = None,
            last: str | None = None) -> list[tuple[str, Key, int]]:
    """The figure's counts (month, key, count), of the months ``first`` to ``last`` (both
    included; either open), in no order; counts of nought left out."""
    stmt = select(tallies.c.month, tallies.c.key, tallies.c.count).where(tallies.c.figure == figure,
                                                                      tallies.c.count != 0)
    if first is not None:
        stmt = stmt.where(tallies.c.month >= first)
    if last is not None:
        stmt = stmt.where(tallies.c.month <= last)
    return [(month, tuple(key.split(_SEPARATOR)), n) for month, key, n in session.execute(stmt).all()]


def middles(session: Session, tallies: Table, figures: Sequence[str], *, first: str,
            last: str) -> dict[tuple[str, str], tuple[int, int, int]]:
    """For figures whose key is one whole number (days open, say): for each figure and month of
    ``first`` to ``last``, the values counted at the middle (the lower and the upper middle: the
    same when the count is odd) and the count, as {(figure, month): (lower, upper, count)}: a
    median without reading every count (the database walks them, two rows a month come back)."""
    t = tallies.c
    value = cast(t.key, Integer)
    each = (select(t.figure, t.month, value.label("value"), t.count,
                   func.sum(t.count).over(partition_by=(t.figure, t.month), order_by=value).label("upto"),
                   func.sum(t.count).over(partition_by=(t.figure, t.month)).label("whole"))
            .where(t.figure.in_(figures), t.month >= first, t.month <= last, t.count != 0).subquery())
    lower, upper = (each.c.whole - 1) // 2, each.c.whole // 2  # the middle positions, from 0
    found: dict[tuple[str, str], list] = {}
    for figure, month, number, count, upto, whole in session.execute(
            select(each.c.figure, each.c.month, each.c.value, each.c.count, each.c.upto, each.c.whole)
            .where(each.c.upto - each.c.count <= upper, each.c.upto - 1 >= lower)):
        middle = found.setdefault((figure, month), [None, None, int(whole)])
        if upto - count <= (whole - 1) // 2 <= upto - 1:
            middle[0] = number
        if upto - count <= whole // 2 <= upto - 1:
            middle[1] = number
    return {key: (low, high, whole) for key, (low, high, whole) in found.items()}


def _first_and_last(month: str) -> tuple[dt.date, dt.date]:
    first = dt.date(int(month[:4]), int(month[5:]), 1)
    return first, (first.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)


def spanning(whole: Sequence[str]) -> DateRange:
    """The days of the months ``whole`` (in order, one after another), first to last."""
    return DateRange(_first_and_last(whole[0])[0], _first_and_last(whole[-1])[1])


def whole_months(span: DateRange) -> tuple[list[str], list[DateRange]]:
    """The months ``span`` holds whole (``2026-01``, …), and the part months at its ends as
    ranges (none, one or two), for a report that reads the first from tallies and counts the
    second from its rows."""
    whole, ends = [], []
    for month in months(span):
        first, last = _first_and_last(month)
        start, end = max(first, span.start), min(last, span.end)
        if (start, end) == (first, last):
            whole.append(month)
        else:
            ends.append(DateRange(start, end))
    return whole, ends
