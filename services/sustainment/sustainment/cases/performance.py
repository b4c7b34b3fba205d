"""The team leaders' performance figures, for a date range: the page ``/app/performance``, its CSV
files and the API's ``GET /reports/performance`` all read them from :func:`report`.

Which cases each figure counts (ranges include both days, in London):

- **open cases** by officer and risk: open now, whatever the range (the caseload as it stands).
- **first contact within deadline**, by month the case opened: cases opened in the range whose
  first contact is known (made, or its deadline passed without it); within = made by the deadline.
  A case still inside its deadline with no contact yet is not counted (``pending``).
- **settling-in visit within 10 working days**: onboarding cases opened in the range; within = a
  completed settling-in visit held by the deadline; pending as above.
- **closed by outcome**: cases closed in the range.
- **sustained 12 months**: cases closed in the range at least 365 days ago, for a tenancy; sustained =
  no later case for the same tenancy opened within 365 days of the closure. Closures younger than
  that are ``not_yet_known``.
- **average days** from referral (intake receiving it) to the case opening, from the opening to first
  contact and to closure, for cases opened in the range (each over the cases it applies to:
  onboarding cases have no referral).

First contact and the average days are sums of tallies (``casework.tallies``) by the London day
each case opened, kept as each case's figures become known (:func:`count_opening`,
:func:`count_first_contact`, :func:`count_closure`): a year of a large council's cases (40,000)
was read twice a request for them (bench/NOTES.md, "Sustainment performance report (sperf)"). Only
the cases still inside their first-contact deadline (``pending``: it depends on the clock) are
counted from the cases, by ``ix_cases_awaiting_contact`` (migration 0021). So are the sustained
figure's closures younger than a year (``closures_with_tenancy`` by the London day closed; the one
day a year ago is split at the moment, from the cases).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter

from sqlalchemy import ColumnElement, and_, bindparam, case, exists, func, select
from sqlalchemy.orm import Session, aliased

from casework import tallies
from casework.db import UTCDateTime
from casework.reports import DateRange, month_index, months, percent
from casework.workdays import london_today
from sustainment import rules
from sustainment.cases import outcomes
from sustainment.models import OPEN, SETTLED, TALLIES, Case, Visit

YEAR = dt.timedelta(days=365)

#: Who may see the figures: team leaders (they are counts, but of the whole team's work).
LEADERS = ("team_leader",)

#: Each figure's CSV columns (``?format=csv&figure=<name>``), in order.
TABLES: dict[str, tuple[str, ...]] = {
    "open_cases": ("officer_id", "risk_level", "cases"),
    "first_contact": ("month", "cases", "within", "percent", "pending"),
    "settling_in": ("cases", "within", "percent", "pending"),
    "closed_by_outcome": ("outcome", "cases", "percent"),
    "sustained": ("closures", "sustained", "percent", "not_yet_known"),
    "average_days": ("measure", "cases", "days"),
}


#: The cases by the London day they opened: key ``opened`` (every case), ``contact_within`` (first
#: contact made by its deadline), and for each of ``MEASURES`` (measure, ``cases``) and the
#: duration's microseconds summed as base-``PLACE`` digits, (measure, place): exact sums whose
#: every count stays well inside the tallies' integer.
BY_DAY_OPENED = "cases_by_day_opened"
OPENED: tallies.Key = ("opened",)
CONTACT_WITHIN: tallies.Key = ("contact_within",)
MEASURES = ("referral_to_opened", "opened_to_first_contact", "opened_to_closure")
PLACE, PLACES = 10_000, 4
_DAY_US = 86_400 * 10**6

#: The closures of cases with a tenancy, by the London day closed (key ``closed``): the sustained
#: figure's closures younger than a year (``not_yet_known``) are summed, not read (a year of them).
CLOSED_WITH_TENANCY = "closures_with_tenancy"
CLOSED: tallies.Key = ("closed",)


def _duration(measure: str, start: dt.datetime, end: dt.datetime) -> list[tuple[tuple[str, ...], int]]:
    """A case's (key, count)s for ``measure`` from ``start`` to ``end``: one case, and its
    microseconds as digits (the last place takes what is left; a negative duration counts each
    digit negative)."""
    us = (end - start) // dt.timedelta(microseconds=1)
    sign, us = (-1 if us < 0 else 1), abs(us)
    found = [((measure, "cases"), 1)]
    for place in range(PLACES):
        us, digit = (0, us) if place == PLACES - 1 else divmod(us, PLACE)
        found.append(((measure, str(place)), sign * digit))
    return found


def _at_opening(case) -> list:
    return [(OPENED, 1), *(_duration(MEASURES[0], case.referred_at, case.opened_at) if case.referred_at else [])]


def _at_first_contact(case) -> list:
    within = [(CONTACT_WITHIN, 1)] if case.first_contact_at <= case.first_contact_due else []
    return [*within, *_duration(MEASURES[1], case.opened_at, case.first_contact_at)]


def _at_closure(case) -> list:
    return _duration(MEASURES[2], case.opened_at, case.closed_at)


def _count(session: Session, case: Case, known: list, by: int = 1, *, closed: bool = False) -> None:
    day = london_today(case.opened_at)
    counts = [(BY_DAY_OPENED, day, key, n * by) for key, n in known if n]
    if closed and case.tenancy_ref is not None:
        counts.append((CLOSED_WITH_TENANCY, london_today(case.closed_at), CLOSED, by))
    tallies.add(session, TALLIES, counts)


def count_opening(session: Session, case: Case) -> None:
    """Count a case opened (and the days from its referral) on its London day opened."""
    _count(session, case, _at_opening(case))


def count_first_contact(session: Session, case: Case) -> None:
    """Count the case's first contact (within its deadline or not, the days to it)."""
    _count(session, case, _at_first_contact(case))


def count_closure(session: Session, case: Case, *, by: int = 1) -> None:
    """Count the days to the case's closure, and the closure of a tenancy's case on its day closed
    (``by=-1``: take them off, before a reopening clears them)."""
    _count(session, case, _at_closure(case), by, closed=True)


def recount(session: Session) -> None:
    """Count every case from scratch into ``BY_DAY_OPENED`` and ``CLOSED_WITH_TENANCY`` (the
    seeders; a repair)."""
    counts: Counter = Counter()  # (day, key): count
    closures: Counter = Counter()  # day: closures of a tenancy's case
    for row in session.execute(select(Case.opened_at, Case.referred_at, Case.first_contact_at, Case.first_contact_due,
                                      Case.closed_at, Case.status, Case.tenancy_ref)
                               .execution_options(yield_per=10_000)):
        if row.status == "closed" and row.tenancy_ref is not None:
            closures[london_today(row.closed_at)] += 1
        day = london_today(row.opened_at)
        known = _at_opening(row) + (_at_first_contact(row) if row.first_contact_at else []) \
            + (_at_closure(row) if row.closed_at else [])
        for key, n in known:
            counts[(day, key)] += n
    tallies.rebuild(session, TALLIES, BY_DAY_OPENED, ((day, key, n) for (day, key), n in counts.items()))
    tallies.rebuild(session, TALLIES, CLOSED_WITH_TENANCY, ((day, CLOSED, n) for day, n in closures.items()))


def _open_cases(session: Session) -> list[dict]:
    rows = session.execute(select(Case.officer_id, Case.risk_level, func.count().label("cases"))
                           .where(OPEN).group_by(Case.officer_id, Case.risk_level)).all()
    order = {level: i for i, level in enumerate(rules.RISK_LEVELS)}
    return sorted(({"officer_id": r.officer_id, "risk_level": r.risk_level, "cases": r.cases} for r in rows),
                  key=lambda r: (r["officer_id"] or "", order.get(r["risk_level"], 99)))


def _flag(condition) -> ColumnElement[int]:
    return case((condition, 1), else_=0)


def _first_contact(session: Session, opened: tuple, span: DateRange, now: dt.datetime, kept: dict) -> dict:
    # The cases still inside their deadline without contact, by ``ix_cases_awaiting_contact``; the
    # moment written in (a generic plan guessed a third of the index for ``>= $1``).
    now_written = bindparam("now", now, UTCDateTime, literal_execute=True)
    pending: Counter = Counter(dict(session.execute(
        select(month_index(Case.opened_at, span).label("month"), func.count())
        .where(*opened, Case.first_contact_at.is_(None), Case.first_contact_due >= now_written)
        .group_by("month")).all()))
    rows = []
    for i, m in enumerate(months(span)):
        cases, within = kept[(m, OPENED)] - pending[i], kept[(m, CONTACT_WITHIN)]
        rows.append({"month": m, "cases": cases, "within": within, "percent": percent(within, cases),
                     "pending": pending[i]})
    total = {k: sum(r[k] for r in rows) for k in ("cases", "within", "pending")}
    return {"months": rows, "total": {**total, "percent": percent(total["within"], total["cases"])}}


def _settling_in(session: Session, opened: tuple, now: dt.datetime) -> dict:
    # Whether each case has a visit made, and one by its deadline: at most two look-ups by case in
    # ``ix_visits_settled``. Every onboarding case's visits grouped to join the range's cases took
    # SQLite 43 ms at full size (bench/NOTES.md, "SQLite at full size (lite)").
    made = exists().where(Visit.case_id == Case.id, SETTLED)
    pending = and_(Case.settling_in_due >= now, ~made)
    within = made.where(Visit.scheduled_for <= Case.settling_in_due)
    total, pending_n, within_n = session.execute(
        select(func.count(), func.sum(_flag(pending)), func.sum(_flag(within)))
        .where(*opened, Case.settling_in_due.is_not(None))).one()
    cases, within_n = total - (pending_n or 0), within_n or 0  # a case with a visit made is never pending
    return {"cases": cases, "within": within_n, "percent": percent(within_n, cases), "pending": pending_n or 0}


def _closed(span: DateRange) -> tuple:
    return Case.status == "closed", Case.closed_at >= span.since, Case.closed_at < span.until


def _by_outcome(kept: list) -> list[dict]:
    counts: Counter = Counter()  # by outcome, as ``outcomes.by_outcome`` counts them
    for _, key, n in kept:
        counts[key[1]] += n
    whole = sum(counts.values())
    return [{"outcome": outcome, "cases": n, "percent": percent(n, whole)}
            for outcome, n in sorted(counts.items(), key=lambda item: (-item[1], item[0] or ""))]


def _younger(session: Session, span: DateRange, cut: dt.datetime) -> int:
    """The closures of tenancies' cases in ``span`` later than ``cut``: the tallies of the days
    after ``cut``'s London day, and that day's closures after it counted from the cases."""
    cut_day, young = london_today(cut), 0
    after = DateRange(max(span.start, cut_day + dt.timedelta(days=1)), span.end)
    if after.start <= after.end:
        young += sum(n for _, _, n in tallies.counted(session, TALLIES, CLOSED_WITH_TENANCY, after))
    if span.start <= cut_day <= span.end:
        day = DateRange(cut_day, cut_day)
        young += session.scalar(select(func.count()).where(*_closed(day), Case.tenancy_ref.is_not(None),
                                                           Case.closed_at > cut)) or 0
    return young


def _sustained(session: Session, span: DateRange, now: dt.datetime) -> dict:
    """Closures a year old or more, each with the later cases of its tenancy (a join, not a list
    of references); the younger ones only counted."""
    cut = now - YEAR
    # The earlier end only: SQLite ranges ``ix_cases_closed_at`` by one of two, and took the
    # range's, reading its year of closures where a year ago leaves a few hours (or none).
    before = Case.closed_at <= cut if cut < span.until else Case.closed_at < span.until
    known = (Case.status == "closed", Case.closed_at >= span.since, before, Case.tenancy_ref.is_not(None))
    closures = session.scalar(select(func.count()).where(*known)) or 0
    later = aliased(Case)
    again = set()
    for case_id, closed_at, opened_at in session.execute(
            select(Case.id, Case.closed_at, later.opened_at).join(later, later.tenancy_ref == Case.tenancy_ref)
            .where(*known, later.opened_at > Case.closed_at)):
        if opened_at <= closed_at + YEAR:
            again.add(case_id)
    sustained = closures - len(again)
    young = _younger(session, span, now - YEAR)
    return {"closures": closures, "sustained": sustained, "percent": percent(sustained, closures),
            "not_yet_known": young}


def _average_days(kept: dict) -> list[dict]:
    found = []
    for measure in MEASURES:
        cases = sum(n for (_, key), n in kept.items() if key == (measure, "cases"))
        us = sum(n * PLACE ** int(key[1]) for (_, key), n in kept.items() if key[0] == measure and key[1] != "cases")
        found.append({"measure": measure, "cases": cases, "days": round(us / (_DAY_US * cases), 1) if cases else None})
    return found


def report(session: Session, span: DateRange, *, now: dt.datetime) -> dict:
    """Every figure for ``span`` (see the module's text), as the page, CSV and API give them.
    Counted by the database or summed from the tallies (a large council opens tens of thousands
    of cases a year)."""
    opened = (Case.opened_at >= span.since, Case.opened_at < span.until)
    # The cases opened and closed in the range, from the tallies: one statement for both figures.
    found = tallies.counted_each(session, TALLIES, [BY_DAY_OPENED, outcomes.BY_OUTCOME], span)
    kept: Counter = Counter()  # (month, key): count, of the cases opened in the range
    for month, key, n in found[BY_DAY_OPENED]:
        kept[(month, key)] += n
    return {
        "from": span.start, "to": span.end,
        "open_cases": _open_cases(session),
        "first_contact": _first_contact(session, opened, span, now, kept),
        "settling_in": _settling_in(session, opened, now),
        "closed_by_outcome": _by_outcome(found[outcomes.BY_OUTCOME]),
        "sustained": _sustained(session, span, now),
        "average_days": _average_days(kept),
    }


def caseloads(open_cases: list[dict]) -> list[dict]:
    """The open cases figure as one row per officer (``None``: not assigned): their cases at each
    risk level and in all, read once (the page's table; a page that scanned the figure again for
    each officer and level did some 130,000 template tests for a large council)."""
    rows: dict[str | None, dict] = {}
    for r in open_cases:
        row = rows.setdefault(r["officer_id"], {"officer_id": r["officer_id"], "all": 0,
                                                **{level: 0 for level in rules.RISK_LEVELS}})
        row[r["risk_level"]] = row.get(r["risk_level"], 0) + r["cases"]
        row["all"] += r["cases"]
    return list(rows.values())


def table(found: dict, figure: str) -> list[dict]:
    """One figure of a :func:`report` as rows, for its CSV file."""
    value = found[figure]
    if figure == "first_contact":
        return value["months"]
    return value if isinstance(value, list) else [value]
