"""The team leaders' performance figures for intake, for a date range: the page ``/app/performance``,
its CSV files and the API's ``GET /reports/performance`` all read them from :func:`report`.

Every figure counts the referrals **received** in the range (both days included, London days):

- **received** by month (the trend), by source (the referring system) and by reason (a referral
  may give several reasons, so the reasons add up to more than the referrals; the share is of referrals).
- **triaged within deadline**, by month received: referrals whose triage is known (triaged, or its
  deadline passed untriaged); within = triaged by the deadline. Referrals still inside their
  deadline untriaged are ``pending``; withdrawn referrals are left out (nobody could triage them).
- **outcomes**: of the referrals triaged, the share accepted, rejected and signposted.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict

from sqlalchemy import ColumnElement, and_, case, func, select
from sqlalchemy.orm import Session

from casework.reports import DateRange, month_index, months, percent
from intake.domain.triage import ACCEPTED, OUTCOMES, REJECTED, SIGNPOSTED, WITHDRAWN
from intake.models import Referral

#: Who may see the figures: team leaders (counts of the whole team's work, no one's details).
LEADERS = ("team_leader",)

#: Each figure's CSV columns (``?format=csv&figure=<name>``), in order.
TABLES: dict[str, tuple[str, ...]] = {
    "received_by_month": ("month", "referrals"),
    "by_source": ("source", "referrals", "percent"),
    "by_reason": ("reason", "referrals", "percent"),
    "triaged_within_deadline": ("month", "referrals", "within", "percent", "pending"),
    "outcomes": ("outcome", "referrals", "percent"),
}


def _shares(counts: Counter, whole: int, name: str) -> list[dict]:
    return [{name: key, "referrals": n, "percent": percent(n, whole)}
            for key, n in sorted(counts.items(), key=lambda item: (-item[1], item[0] or ""))]


def _triage(counted: list, span: DateRange) -> dict:
    """``counted``: (month index, status, pending, within, referrals) as :func:`report` groups them."""
    by_month: dict[int, Counter] = defaultdict(Counter)
    for month, status, pending, within, n in counted:
        if status == WITHDRAWN:
            continue
        tally = by_month[month]
        if pending:
            tally["pending"] += n
            continue
        tally["referrals"] += n
        tally["within"] += n if within else 0
    rows = [{"month": m, "referrals": by_month[i]["referrals"], "within": by_month[i]["within"],
             "percent": percent(by_month[i]["within"], by_month[i]["referrals"]), "pending": by_month[i]["pending"]}
            for i, m in enumerate(months(span))]
    total = {k: sum(r[k] for r in rows) for k in ("referrals", "within", "pending")}
    return {"months": rows, "total": {**total, "percent": percent(total["within"], total["referrals"])}}


def _outcomes(counted: list) -> dict:
    decided: Counter = Counter()
    for _, status, _, _, n in counted:
        if status in OUTCOMES.values():
            decided[status] += n
    whole = sum(decided.values())
    return {"triaged": whole, "rows": [{"outcome": outcome, "referrals": decided[outcome],
                                        "percent": percent(decided[outcome], whole)}
                                       for outcome in (ACCEPTED, REJECTED, SIGNPOSTED)]}


def _flag(condition) -> ColumnElement[int]:
    return case((condition, 1), else_=0)


def report(session: Session, span: DateRange, *, now: dt.datetime) -> dict:
    """Every figure for ``span`` (see the module's text), as the page, CSV and API give them.
    Counted by the database (a large council receives tens of thousands of referrals a year):
    by month, status and how triage went; by source and the set of reasons given. On PostgreSQL
    both read ``ix_referrals_received_at`` alone (it carries what they count by)."""
    received = (Referral.received_at >= span.since, Referral.received_at < span.until)
    each = select(month_index(Referral.received_at, span).label("month"), Referral.status,
                  _flag(and_(Referral.triaged_at.is_(None), Referral.triage_due >= now)).label("pending"),
                  _flag(and_(Referral.triaged_at.is_not(None), Referral.triaged_at <= Referral.triage_due))
                  .label("within")).where(*received).subquery()
    counted = session.execute(select(each.c.month, each.c.status, each.c.pending, each.c.within, func.count())
                              .group_by(each.c.month, each.c.status, each.c.pending, each.c.within)).all()
    # Sources and reasons counted in one pass (two, each over the range, took half again as long at
    # a large council's size: bench/NOTES.md "A large council: intake").
    sources: Counter = Counter()
    reasons: Counter = Counter()
    for source, given, n in session.execute(select(Referral.source_system, Referral.reasons, func.count())
                                            .where(*received).group_by(Referral.source_system, Referral.reasons)):
        sources[source] += n
        for reason in set(given or ()):
            reasons[reason] += n
    per_month: Counter = Counter()
    for month, _, _, _, n in counted:
        per_month[month] += n
    whole = sum(per_month.values())
    return {
        "from": span.start, "to": span.end,
        "received": whole,
        "received_by_month": [{"month": m, "referrals": per_month[i]} for i, m in enumerate(months(span))],
        "by_source": _shares(sources, whole, "source"),
        "by_reason": _shares(reasons, whole, "reason"),
        "triaged_within_deadline": _triage(counted, span),
        "outcomes": _outcomes(counted),
    }


def table(found: dict, figure: str) -> list[dict]:
    """One figure of a :func:`report` as rows, for its CSV file."""
    value = found[figure]
    if figure == "triaged_within_deadline":
        return value["months"]
    if figure == "outcomes":
        return value["rows"]
    return value
