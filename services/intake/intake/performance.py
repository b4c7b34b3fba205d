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

from sqlalchemy import select
from sqlalchemy.orm import Session

from casework.reports import DateRange, month_of, months, percent
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


def _triage(received: list, span: DateRange, now: dt.datetime) -> dict:
    by_month: dict[str, Counter] = defaultdict(Counter)
    for referral in received:
        if referral.status == WITHDRAWN:
            continue
        tally = by_month[month_of(referral.received_at)]
        if referral.triaged_at is None and referral.triage_due >= now:
            tally["pending"] += 1
            continue
        tally["referrals"] += 1
        tally["within"] += referral.triaged_at is not None and referral.triaged_at <= referral.triage_due
    rows = [{"month": m, "referrals": by_month[m]["referrals"], "within": by_month[m]["within"],
             "percent": percent(by_month[m]["within"], by_month[m]["referrals"]), "pending": by_month[m]["pending"]}
            for m in months(span)]
    total = {k: sum(r[k] for r in rows) for k in ("referrals", "within", "pending")}
    return {"months": rows, "total": {**total, "percent": percent(total["within"], total["referrals"])}}


def _outcomes(received: list) -> dict:
    decided = Counter(r.status for r in received if r.status in OUTCOMES.values())
    whole = sum(decided.values())
    return {"triaged": whole, "rows": [{"outcome": outcome, "referrals": decided[outcome],
                                        "percent": percent(decided[outcome], whole)}
                                       for outcome in (ACCEPTED, REJECTED, SIGNPOSTED)]}


def report(session: Session, span: DateRange, *, now: dt.datetime) -> dict:
    """Every figure for ``span`` (see the module's text), as the page, CSV and API give them."""
    received = session.execute(select(Referral.received_at, Referral.source_system, Referral.reasons,
                                      Referral.status, Referral.triage_due, Referral.triaged_at)
                               .where(Referral.received_at >= span.since, Referral.received_at < span.until)).all()
    per_month = Counter(month_of(r.received_at) for r in received)
    reasons = Counter(reason for r in received for reason in set(r.reasons or ()))
    return {
        "from": span.start, "to": span.end,
        "received": len(received),
        "received_by_month": [{"month": m, "referrals": per_month[m]} for m in months(span)],
        "by_source": _shares(Counter(r.source_system for r in received), len(received), "source"),
        "by_reason": _shares(reasons, len(received), "reason"),
        "triaged_within_deadline": _triage(received, span, now),
        "outcomes": _outcomes(received),
    }


def table(found: dict, figure: str) -> list[dict]:
    """One figure of a :func:`report` as rows, for its CSV file."""
    value = found[figure]
    if figure == "triaged_within_deadline":
        return value["months"]
    if figure == "outcomes":
        return value["rows"]
    return value
