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
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict

from sqlalchemy import ColumnElement, and_, case, func, select
from sqlalchemy.orm import Session, aliased

from casework.portable import days_between
from casework.reports import DateRange, month_index, months, percent
from sustainment import rules
from sustainment.cases import outcomes
from sustainment.models import OPEN, SETTLED, Case, Visit

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


def _open_cases(session: Session) -> list[dict]:
    rows = session.execute(select(Case.officer_id, Case.risk_level, func.count().label("cases"))
                           .where(OPEN).group_by(Case.officer_id, Case.risk_level)).all()
    order = {level: i for i, level in enumerate(rules.RISK_LEVELS)}
    return sorted(({"officer_id": r.officer_id, "risk_level": r.risk_level, "cases": r.cases} for r in rows),
                  key=lambda r: (r["officer_id"] or "", order.get(r["risk_level"], 99)))


def _flag(condition) -> ColumnElement[int]:
    return case((condition, 1), else_=0)


def _first_contact(session: Session, opened: tuple, span: DateRange, now: dt.datetime) -> dict:
    each = select(month_index(Case.opened_at, span).label("month"),
                  _flag(and_(Case.first_contact_at.is_(None), Case.first_contact_due >= now)).label("pending"),
                  _flag(and_(Case.first_contact_at.is_not(None), Case.first_contact_at <= Case.first_contact_due))
                  .label("within")).where(*opened).subquery()
    by_month: dict[int, Counter] = defaultdict(Counter)
    for month, pending, within, n in session.execute(select(each.c.month, each.c.pending, each.c.within, func.count())
                                                     .group_by(each.c.month, each.c.pending, each.c.within)):
        tally = by_month[month]
        if pending:
            tally["pending"] += n
            continue
        tally["cases"] += n
        tally["within"] += n if within else 0
    rows = [{"month": m, "cases": by_month[i]["cases"], "within": by_month[i]["within"],
             "percent": percent(by_month[i]["within"], by_month[i]["cases"]), "pending": by_month[i]["pending"]}
            for i, m in enumerate(months(span))]
    total = {k: sum(r[k] for r in rows) for k in ("cases", "within", "pending")}
    return {"months": rows, "total": {**total, "percent": percent(total["within"], total["cases"])}}


def _settling_in(session: Session, opened: tuple, now: dt.datetime) -> dict:
    held = (select(Visit.case_id, func.min(Visit.scheduled_for).label("held"))
            .where(SETTLED).group_by(Visit.case_id).subquery())
    each = (select(_flag(and_(held.c.held.is_(None), Case.settling_in_due >= now)).label("pending"),
                   _flag(and_(held.c.held.is_not(None), held.c.held <= Case.settling_in_due)).label("within"))
            .outerjoin(held, held.c.case_id == Case.id)
            .where(*opened, Case.settling_in_due.is_not(None)).subquery())
    tally: Counter = Counter()
    for pending, within, n in session.execute(select(each.c.pending, each.c.within, func.count())
                                              .group_by(each.c.pending, each.c.within)):
        if pending:
            tally["pending"] += n
            continue
        tally["cases"] += n
        tally["within"] += n if within else 0
    return {"cases": tally["cases"], "within": tally["within"], "percent": percent(tally["within"], tally["cases"]),
            "pending": tally["pending"]}


def _closed(span: DateRange) -> tuple:
    return Case.status == "closed", Case.closed_at >= span.since, Case.closed_at < span.until


def _by_outcome(session: Session, span: DateRange) -> list[dict]:
    counts = outcomes.by_outcome(session, span)  # whole months from the monthly tallies
    whole = sum(counts.values())
    return [{"outcome": outcome, "cases": n, "percent": percent(n, whole)}
            for outcome, n in sorted(counts.items(), key=lambda item: (-item[1], item[0] or ""))]


def _sustained(session: Session, closed: tuple, now: dt.datetime) -> dict:
    """Closures a year old or more, each with the later cases of its tenancy (a join, not a list
    of references); the younger ones only counted."""
    known = (*closed, Case.tenancy_ref.is_not(None), Case.closed_at <= now - YEAR)
    closures = session.scalar(select(func.count()).where(*known)) or 0
    later = aliased(Case)
    again = set()
    for case_id, closed_at, opened_at in session.execute(
            select(Case.id, Case.closed_at, later.opened_at).join(later, later.tenancy_ref == Case.tenancy_ref)
            .where(*known, later.opened_at > Case.closed_at)):
        if opened_at <= closed_at + YEAR:
            again.add(case_id)
    sustained = closures - len(again)
    young = session.scalar(select(func.count()).where(*closed, Case.tenancy_ref.is_not(None),
                                                      Case.closed_at > now - YEAR)) or 0
    return {"closures": closures, "sustained": sustained, "percent": percent(sustained, closures),
            "not_yet_known": young}


def _average_days(session: Session, opened: tuple) -> list[dict]:
    measures = (("referral_to_opened", Case.referred_at, Case.opened_at),
                ("opened_to_first_contact", Case.opened_at, Case.first_contact_at),
                ("opened_to_closure", Case.opened_at, Case.closed_at))
    columns = []
    for _, start, end in measures:
        days = days_between(start, end)
        columns += [func.count(days), func.avg(days)]
    found = session.execute(select(*columns).where(*opened)).one()
    return [{"measure": name, "cases": found[2 * i], "days": None if found[2 * i + 1] is None
             else round(float(found[2 * i + 1]), 1)} for i, (name, _, _) in enumerate(measures)]


def report(session: Session, span: DateRange, *, now: dt.datetime) -> dict:
    """Every figure for ``span`` (see the module's text), as the page, CSV and API give them.
    Counted by the database (a large council opens tens of thousands of cases a year)."""
    opened = (Case.opened_at >= span.since, Case.opened_at < span.until)
    closed = _closed(span)
    return {
        "from": span.start, "to": span.end,
        "open_cases": _open_cases(session),
        "first_contact": _first_contact(session, opened, span, now),
        "settling_in": _settling_in(session, opened, now),
        "closed_by_outcome": _by_outcome(session, span),
        "sustained": _sustained(session, closed, now),
        "average_days": _average_days(session, opened),
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
