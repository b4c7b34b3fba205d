"""Outcomes of closed cases by case type and month of closure (``GET /reports/outcomes``), and the
monthly tallies that keep them.

Five years of a large council's closures (some 190,000 cases) took seconds to count on each
request. So a closure is counted in ``monthly_tallies`` (``casework.tallies``) as it happens, by
London month of closure and case type: once by outcome (``closures_by_outcome``) and once by whole
days open (``closures_by_days_open:<case type>``, whose median the database finds), and a reopening takes it off again, in the
use case's transaction (``sustainment.cases.closure``). The report sums the whole months of its
range from them and counts the part months at its ends (a ``closed_from`` or ``closed_to`` not on
a month's edge) from the cases.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any

from sqlalchemy import Integer, cast, func, select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Session
from sqlalchemy.sql.functions import FunctionElement

from casework import tallies
from casework.portable import days_between
from casework.reports import DateRange, month_index, month_of, months
from casework.workdays import london_today
from sustainment import rules
from sustainment.models import TALLIES, Case

BY_OUTCOME = "closures_by_outcome"  # key: (case type, outcome)


def days_open(case_type: str) -> str:
    """The figure of a case type's closures by whole days open (key: the days), for its median."""
    return f"closures_by_days_open:{case_type}"


class whole_days(FunctionElement):  # noqa: N801 (an SQL expression, named as SQLAlchemy's are)
    """The whole days from ``start`` to a later ``end``, as Python's ``(end - start).days``."""

    type = Integer()
    inherit_cache = True


@compiles(whole_days)
def _whole_julian_days(element: whole_days, compiler, **kw) -> str:
    return compiler.process(cast(days_between(*element.clauses.clauses), Integer), **kw)  # SQLite truncates


@compiles(whole_days, "postgresql")
def _whole_epoch_days(element: whole_days, compiler, **kw) -> str:
    return compiler.process(cast(func.floor(days_between(*element.clauses.clauses)), Integer), **kw)


def count_closure(session: Session, case: Case, *, by: int = 1) -> None:
    """Count the case's closure in the tallies (``by=-1``: take it off, before a reopening clears it)."""
    assert case.closed_at is not None and case.closure_outcome is not None
    month = month_of(case.closed_at)
    tallies.add(session, TALLIES, [(BY_OUTCOME, month, (case.case_type, case.closure_outcome), by),
                                   (days_open(case.case_type), month, (str((case.closed_at - case.opened_at).days),), by)])


def _counted(session: Session, where: list, span: DateRange) -> list[rules.Closures]:
    """The closures meeting ``where`` in ``span``, counted from the cases."""
    each = select(Case.case_type, month_index(Case.closed_at, span).label("month"), Case.closure_outcome,
                  whole_days(Case.opened_at, Case.closed_at).label("days")).where(*where).subquery()
    periods = list(months(span))
    return [rules.Closures(case_type, periods[m], outcome, n_days, n) for case_type, m, outcome, n_days, n in
            session.execute(select(each.c.case_type, each.c.month, each.c.closure_outcome, each.c.days, func.count())
                            .group_by(each.c.case_type, each.c.month, each.c.closure_outcome, each.c.days))]


def recount(session: Session) -> None:
    """Count every closure from scratch into the tallies (the seeders; a repair)."""
    closed = [Case.status == "closed"]
    first, last = session.execute(select(func.min(Case.closed_at), func.max(Case.closed_at)).where(*closed)).one()
    found = [] if first is None else _counted(session, closed, DateRange(london_today(first), london_today(last)))
    tallies.rebuild(session, TALLIES, BY_OUTCOME, ((c.period, (c.case_type, c.outcome), c.cases) for c in found))
    for case_type in {c.case_type for c in found}:
        tallies.rebuild(session, TALLIES, days_open(case_type),
                        ((c.period, (str(c.days_open),), c.cases) for c in found if c.case_type == case_type))


def _closed_in(span: DateRange) -> tuple:
    return Case.closed_at >= rules.start_of_day(span.start), Case.closed_at < rules.start_of_day(
        span.end + dt.timedelta(days=1))


def by_outcome(session: Session, span: DateRange) -> Counter:
    """The cases closed in ``span`` (London days), by outcome: the whole months from the tallies,
    the part months at its ends from the cases (the performance page's closures)."""
    whole, ends = tallies.whole_months(span)
    found: Counter = Counter()
    for end in ends:
        found.update(dict(session.execute(select(Case.closure_outcome, func.count())
                                          .where(Case.status == "closed", *_closed_in(end))
                                          .group_by(Case.closure_outcome)).all()))
    if whole:
        for _, key, n in tallies.counted(session, TALLIES, BY_OUTCOME, first=whole[0], last=whole[-1]):
            found[key[1]] += n
    return found


def outcomes(session: Session, *, case_type: str | None = None, closed_from: dt.date | None = None,
             closed_to: dt.date | None = None) -> list[dict[str, Any]]:
    """By case type and month of closure: how many closed, the share sustained and the median
    days open (``rules.counted_outcomes``), of the cases closed ``closed_from`` to ``closed_to``
    (London days, both included; either open)."""
    where = [Case.status == "closed"] + ([Case.case_type == case_type] if case_type else [])
    if closed_from is None or closed_to is None:
        # An open end: the first or last closure's day (the ends of ``ix_cases_closed_at``).
        first, last = session.execute(select(func.min(Case.closed_at), func.max(Case.closed_at)).where(*where)).one()
        if first is None:
            return []
        closed_from, closed_to = closed_from or london_today(first), closed_to or london_today(last)
    if closed_from > closed_to:
        return []
    whole, ends = tallies.whole_months(DateRange(closed_from, closed_to))
    found: list[rules.Closures] = []
    for end in ends:
        found += _counted(session, [*where, *_closed_in(end)], end)
    medians: dict[tuple[str, str], float | int] = {}
    if whole:
        for month, key, n in tallies.counted(session, TALLIES, BY_OUTCOME, first=whole[0], last=whole[-1]):
            if case_type is None or key[0] == case_type:
                found.append(rules.Closures(key[0], month, key[1], None, n))
        figures = {days_open(c.case_type): c.case_type for c in found if c.days_open is None}
        for (figure, month), (lower, upper, whole_count) in tallies.middles(
                session, TALLIES, list(figures), first=whole[0], last=whole[-1]).items():
            medians[(figures[figure], month)] = lower if whole_count % 2 else (lower + upper) / 2
    return rules.counted_outcomes(found, medians)
