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
from collections.abc import Iterable

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from casework.reports import DateRange, month_of, months, percent
from sustainment import rules
from sustainment.models import Case, Visit

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
                           .where(Case.status != "closed").group_by(Case.officer_id, Case.risk_level)).all()
    order = {level: i for i, level in enumerate(rules.RISK_LEVELS)}
    return sorted(({"officer_id": r.officer_id, "risk_level": r.risk_level, "cases": r.cases} for r in rows),
                  key=lambda r: (r["officer_id"] or "", order.get(r["risk_level"], 99)))


def _first_contact(opened: list, span: DateRange, now: dt.datetime) -> dict:
    by_month: dict[str, Counter] = defaultdict(Counter)
    for case in opened:
        tally = by_month[month_of(case.opened_at)]
        if case.first_contact_at is None and case.first_contact_due >= now:
            tally["pending"] += 1
            continue
        tally["cases"] += 1
        tally["within"] += case.first_contact_at is not None and case.first_contact_at <= case.first_contact_due
    rows = [{"month": m, "cases": by_month[m]["cases"], "within": by_month[m]["within"],
             "percent": percent(by_month[m]["within"], by_month[m]["cases"]), "pending": by_month[m]["pending"]}
            for m in months(span)]
    total = {k: sum(r[k] for r in rows) for k in ("cases", "within", "pending")}
    return {"months": rows, "total": {**total, "percent": percent(total["within"], total["cases"])}}


def _settling_in(session: Session, opened: list, now: dt.datetime) -> dict:
    onboarding = {case.id: case for case in opened if case.settling_in_due is not None}
    held: dict = {}
    if onboarding:
        visits = session.execute(select(Visit.case_id, func.min(Visit.scheduled_for))
                                 .where(Visit.case_id.in_(onboarding), Visit.kind == "settling_in",
                                        Visit.status == "completed").group_by(Visit.case_id))
        held = dict(visits.all())
    tally: Counter = Counter()
    for case_id, case in onboarding.items():
        visit = held.get(case_id)
        if visit is None and case.settling_in_due >= now:
            tally["pending"] += 1
            continue
        tally["cases"] += 1
        tally["within"] += visit is not None and visit <= case.settling_in_due
    return {"cases": tally["cases"], "within": tally["within"], "percent": percent(tally["within"], tally["cases"]),
            "pending": tally["pending"]}


def _closed(session: Session, span: DateRange) -> list:
    return session.execute(select(Case.id, Case.tenancy_ref, Case.closure_outcome, Case.closed_at)
                           .where(Case.status == "closed", Case.closed_at >= span.since,
                                  Case.closed_at < span.until)).all()


def _by_outcome(closed: list) -> list[dict]:
    counts = Counter(case.closure_outcome for case in closed)
    return [{"outcome": outcome, "cases": n, "percent": percent(n, len(closed))}
            for outcome, n in sorted(counts.items(), key=lambda item: (-item[1], item[0] or ""))]


def _sustained(session: Session, closed: list, now: dt.datetime) -> dict:
    known = [c for c in closed if c.tenancy_ref and c.closed_at + YEAR <= now]
    later: dict[str, list[dt.datetime]] = defaultdict(list)
    refs = {c.tenancy_ref for c in known}
    if refs:
        for ref, opened_at in session.execute(select(Case.tenancy_ref, Case.opened_at)
                                              .where(Case.tenancy_ref.in_(refs))):
            later[ref].append(opened_at)
    sustained = sum(not any(c.closed_at < opened <= c.closed_at + YEAR for opened in later[c.tenancy_ref])
                    for c in known)
    return {"closures": len(known), "sustained": sustained, "percent": percent(sustained, len(known)),
            "not_yet_known": sum(1 for c in closed if c.tenancy_ref and c.closed_at + YEAR > now)}


def _average(pairs: Iterable[tuple[dt.datetime, dt.datetime | None]]) -> tuple[int, float | None]:
    spans = [(end - start).total_seconds() / 86400 for start, end in pairs if end is not None]
    return len(spans), (round(sum(spans) / len(spans), 1) if spans else None)


def _average_days(opened: list) -> list[dict]:
    rows = []
    cases, days = _average((case.referred_at, case.opened_at) for case in opened if case.referred_at is not None)
    rows.append({"measure": "referral_to_opened", "cases": cases, "days": days})
    for measure, end in (("opened_to_first_contact", "first_contact_at"), ("opened_to_closure", "closed_at")):
        cases, days = _average((case.opened_at, getattr(case, end)) for case in opened)
        rows.append({"measure": measure, "cases": cases, "days": days})
    return rows


def report(session: Session, span: DateRange, *, now: dt.datetime) -> dict:
    """Every figure for ``span`` (see the module's text), as the page, CSV and API give them."""
    opened = session.execute(select(Case.id, Case.referred_at, Case.opened_at, Case.first_contact_due, Case.first_contact_at,
                                    Case.settling_in_due, Case.closed_at)
                             .where(Case.opened_at >= span.since, Case.opened_at < span.until)).all()
    closed = _closed(session, span)
    return {
        "from": span.start, "to": span.end,
        "open_cases": _open_cases(session),
        "first_contact": _first_contact(opened, span, now),
        "settling_in": _settling_in(session, opened, now),
        "closed_by_outcome": _by_outcome(closed),
        "sustained": _sustained(session, closed, now),
        "average_days": _average_days(opened),
    }


def table(found: dict, figure: str) -> list[dict]:
    """One figure of a :func:`report` as rows, for its CSV file."""
    value = found[figure]
    if figure == "first_contact":
        return value["months"]
    return value if isinstance(value, list) else [value]
