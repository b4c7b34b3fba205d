"""Outcomes of closed cases by case type and month of closure (``GET /reports/outcomes``), and the
tallies that keep them.

Five years of a large council's closures (some 190,000 cases) took seconds to count on each
request. So a closure is counted in the tallies (``casework.tallies``) as it happens, by London
day (and month) of closure and case type: once by outcome (``closures_by_outcome``) and once by
whole days open (``closures_by_days_open:<case type>``, whose median the database finds), and a
reopening takes it off again, in the use case's transaction (``sustainment.cases.closure``). The
report sums the whole months of its range and the days of the part months at its ends (a
``closed_from`` or ``closed_to`` not on a month's edge) from them, never the cases.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from casework import tallies
from casework.reports import DateRange
from casework.workdays import london_today
from sustainment import rules
from sustainment.models import TALLIES, Case

BY_OUTCOME = "closures_by_outcome"  # key: (case type, outcome)


def days_open(case_type: str) -> str:
    """The figure of a case type's closures by whole days open (key: the days, as
    ``tallies.number`` writes them), for its median."""
    return f"closures_by_days_open:{case_type}"


def count_closure(session: Session, case: Case, *, by: int = 1) -> None:
    """Count the case's closure in the tallies (``by=-1``: take it off, before a reopening clears it)."""
    assert case.closed_at is not None and case.closure_outcome is not None
    day = london_today(case.closed_at)
    tallies.add(session, TALLIES, [(BY_OUTCOME, day, (case.case_type, case.closure_outcome), by),
                                   (days_open(case.case_type), day, (tallies.number((case.closed_at - case.opened_at).days),), by)])


def recount(session: Session) -> None:
    """Count every closure from scratch into the tallies (the seeders; a repair): each read, for
    its London day closed; and the performance figures' cases by the day they opened
    (``performance.recount``), so one call recounts every tally the reports read."""
    from sustainment.cases import performance  # it reads this module's closures
    by_outcome: list = []
    by_days: dict[str, list] = {}
    for case_type, outcome, opened_at, closed_at in session.execute(
            select(Case.case_type, Case.closure_outcome, Case.opened_at, Case.closed_at)
            .where(Case.status == "closed").execution_options(yield_per=10_000)):
        day = london_today(closed_at)
        by_outcome.append((day, (case_type, outcome), 1))
        by_days.setdefault(case_type, []).append((day, (tallies.number((closed_at - opened_at).days),), 1))
    tallies.rebuild(session, TALLIES, BY_OUTCOME, by_outcome)
    for case_type, rows in by_days.items():
        tallies.rebuild(session, TALLIES, days_open(case_type), rows)
    performance.recount(session)


def outcomes(session: Session, *, case_type: str | None = None, closed_from: dt.date | None = None,
             closed_to: dt.date | None = None) -> list[dict[str, Any]]:
    """By case type and month of closure: how many closed, the share sustained and the median
    days open (``rules.counted_outcomes``), of the cases closed ``closed_from`` to ``closed_to``
    (London days, both included; either open), from the tallies."""
    if closed_from is None or closed_to is None:
        # An open end: the first or last closure's day (the ends of ``ix_cases_closed_at``), each
        # its own subquery: SQLite reads a lone min() or max() from the index's end, but both in one
        # SELECT from every closed case (190,000 at full size: 210 ms; bench/NOTES.md, "lite").
        where = [Case.status == "closed"] + ([Case.case_type == case_type] if case_type else [])
        first, last = session.execute(select(select(func.min(Case.closed_at)).where(*where).scalar_subquery(),
                                             select(func.max(Case.closed_at)).where(*where).scalar_subquery())).one()
        if first is None:
            return []
        closed_from, closed_to = closed_from or london_today(first), closed_to or london_today(last)
    if closed_from > closed_to:
        return []
    span = DateRange(closed_from, closed_to)
    found = [rules.Closures(key[0], month, key[1], None, n)
             for month, key, n in tallies.counted(session, TALLIES, BY_OUTCOME, span)
             if case_type is None or key[0] == case_type]
    figures = {days_open(c.case_type): c.case_type for c in found}
    medians: dict[tuple[str, str], float | int] = {}
    for (figure, month), (lower, upper, whole) in tallies.middles(session, TALLIES, list(figures), span).items():
        medians[(figures[figure], month)] = lower if whole % 2 else (lower + upper) / 2
    return rules.counted_outcomes(found, medians)
