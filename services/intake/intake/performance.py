"""The team leaders' performance figures for intake, for a date range: the page ``/app/performance``,
its CSV files and the API's ``GET /reports/performance`` all read them from :func:`report`.

Every figure counts the referrals **received** in the range (both days included, London days):

- **received** by month (the trend), by source (the referring system) and by reason (a referral
  may give several reasons, so the reasons add up to more than the referrals; the share is of referrals).
- **triaged within deadline**, by month received: referrals whose triage is known (triaged, or its
  deadline passed untriaged); within = triaged by the deadline. Referrals still inside their
  deadline untriaged are ``pending``; withdrawn referrals are left out (nobody could triage them).
- **outcomes**: of the referrals triaged, the share accepted, rejected and signposted.

Counted once, not on every request (a large council receives 200,000 referrals a year, and a
report that counted them all each time took seconds): a referral triaged or withdrawn, which
it stays, is counted then in the tallies (``casework.tallies``) by the London day (and month) it
was received in, in the use case's transaction (:func:`count_settled`; never on receipt, which
must stay quick): by status and whether triage was within its deadline, by source, by reason. A
report sums the whole months of its range and the days of the part months at its ends from
them, and counts from the referrals only those still waiting (a few thousand, by
``ix_referrals_status_triage_due``).
"""

from __future__ import annotations

import datetime as dt
import functools
from collections import Counter, defaultdict

from sqlalchemy import ColumnElement, and_, case, func, select
from sqlalchemy.orm import Session

from casework import tallies
from casework.literal import text_of
from casework.reports import DateRange, month_index, months, percent
from casework.workdays import london_today
from intake.domain.triage import ACCEPTED, OUTCOMES, RECEIVED, REJECTED, SIGNPOSTED, WITHDRAWN
from intake.models import TALLIES, Referral

#: Who may see the figures: team leaders (counts of the whole team's work, no one's details).
LEADERS = ("team_leader",)

#: The tallies' figures: referrals triaged or withdrawn by (status, within deadline "1" or "0"),
#: by source, and by reason given, each by the London month received.
SETTLED, BY_SOURCE, BY_REASON = "referrals_settled", "referrals_settled_by_source", "referrals_settled_by_reason"

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


def _settled(day: dt.date, status: str, within: bool, source: str, reasons: list | None,
             by: int = 1) -> list[tuple[str, dt.date, tallies.Key, int]]:
    return [(SETTLED, day, (status, "1" if within else "0"), by), (BY_SOURCE, day, (source,), by),
            *((BY_REASON, day, (reason,), by) for reason in set(reasons or ()))]


def count_settled(session: Session, referral: Referral) -> None:
    """Count a referral just triaged or withdrawn in the tallies (it stays so: nothing triages
    again or withdraws a referral once triaged, nor changes its source or reasons)."""
    within = referral.triaged_at is not None and referral.triaged_at <= referral.triage_due
    tallies.add(session, TALLIES, _settled(london_today(referral.received_at), referral.status, within,
                                           referral.source_system, referral.reasons))


def recount(session: Session) -> None:
    """Count every referral triaged or withdrawn from scratch into the tallies (the seeders; a
    repair): each read, for its London day received."""
    counts: Counter = Counter()  # (figure, day, key): referrals
    within = _flag(and_(Referral.triaged_at.is_not(None), Referral.triaged_at <= Referral.triage_due))
    for received_at, status, on_time, source, reasons in session.execute(
            select(Referral.received_at, Referral.status, within, Referral.source_system, Referral.reasons)
            .where(Referral.status != RECEIVED).execution_options(yield_per=10_000)):
        for figure, day, key, n in _settled(london_today(received_at), status, bool(on_time), source, reasons):
            counts[(figure, day, key)] += n
    for figure in (SETTLED, BY_SOURCE, BY_REASON):
        tallies.rebuild(session, TALLIES, figure, ((d, k, n) for (f, d, k), n in counts.items() if f == figure))


def _counted(session: Session, span: DateRange, *, now: dt.datetime) -> tuple[list, Counter, Counter]:
    """The referrals received in ``span``, counted from the rows: (month index in ``span``, status,
    pending, within, referrals) groups, and referrals by source and by reason."""
    received = (Referral.received_at >= span.since, Referral.received_at < span.until)
    each = select(_month_received(span).label("month"), Referral.status,
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
    return list(counted), sources, reasons


@functools.lru_cache(maxsize=32)
def _month_received(span: DateRange) -> ColumnElement[int]:
    """``month_index(Referral.received_at, span)``, built once a range in each process: five
    years' CASE (sixty months' first instants in London) took longer to build than the waiting
    referrals took to count (bench/NOTES.md, "intake's performance report (intx)"). A range is
    asked again and again (the default, a year to today, all day long)."""
    return month_index(Referral.received_at, span)


def _waiting(session: Session, span: DateRange, *, now: dt.datetime) -> tuple[list, Counter, Counter]:
    """The same for the referrals waiting for triage received in ``span`` (a few thousand at
    most, by ``ix_referrals_status_received``), counted in the database: by month, pending and
    source in one statement, by the reasons given (a few hundred different lists) in another.
    Each read and counted here was most of a report's time with a large council's 2,000
    waiting (bench/NOTES.md, "intake's performance report (intx)").

    The status is written in the SQL: sent as a parameter, the statement was planned once for any
    status after psycopg prepared it (a generic plan), and the plan read every referral of the
    range from ``ix_referrals_received_at`` (it carries the status) to keep the waiting few: a
    year's 200,000 or five years' million at a large council."""
    waiting = (Referral.status == text_of(RECEIVED), Referral.received_at >= span.since,
               Referral.received_at < span.until)
    each = select(_month_received(span).label("month"),
                  _flag(Referral.triage_due >= now).label("pending"), Referral.source_system).where(*waiting).subquery()
    counted: list = []
    sources: Counter = Counter()
    for month, pending, source, n in session.execute(
            select(each.c.month, each.c.pending, each.c.source_system, func.count())
            .group_by(each.c.month, each.c.pending, each.c.source_system)):
        counted.append((month, RECEIVED, pending, 0, n))
        sources[source] += n
    reasons: Counter = Counter()
    for given, n in session.execute(select(Referral.reasons, func.count()).where(*waiting).group_by(Referral.reasons)):
        for reason in set(given or ()):
            reasons[reason] += n
    return counted, sources, reasons


def _kept(session: Session, span: DateRange) -> tuple[list, Counter, Counter]:
    """The same from the tallies, for every day of ``span``."""
    index = {m: i for i, m in enumerate(months(span))}
    counted: list = []
    sources: Counter = Counter()
    reasons: Counter = Counter()
    # One statement; sources and reasons summed over the range by the database (a row a key, not
    # one a key a month: five years' were 1,281 of 1,708 rows).
    found = tallies.counted_each(session, TALLIES, (SETTLED, BY_SOURCE, BY_REASON), span, totalled=(BY_SOURCE, BY_REASON))
    for figure, into in ((SETTLED, None), (BY_SOURCE, sources), (BY_REASON, reasons)):
        for month, key, n in found[figure]:
            if into is None:
                counted.append((index[month], key[0], 0, int(key[1]), n))
            else:
                into[key[0]] += n
    return counted, sources, reasons


def report(session: Session, span: DateRange, *, now: dt.datetime) -> dict:
    """Every figure for ``span`` (see the module's text), as the page, CSV and API give them:
    the referrals triaged or withdrawn from the tallies (the whole months' and the part months'
    days'), those still waiting from the referrals."""
    return _figures(span, [_kept(session, span), _waiting(session, span, now=now)])


def from_scratch(session: Session, span: DateRange, *, now: dt.datetime) -> dict:
    """Every figure for ``span`` counted from the referrals alone: what :func:`report` gives, the
    slow way (the tests check the two agree)."""
    return _figures(span, [_counted(session, span, now=now)])


def _figures(span: DateRange, parts: list[tuple[list, Counter, Counter]]) -> dict:
    counted: list = []
    sources: Counter = Counter()
    reasons: Counter = Counter()
    for found, by_source, by_reason in parts:
        counted += found
        sources.update(by_source)
        reasons.update(by_reason)
    per_month: Counter = Counter()
    for month, _, _, _, n in counted:
        per_month[month] += n
    whole_count = sum(per_month.values())
    return {
        "from": span.start, "to": span.end,
        "received": whole_count,
        "received_by_month": [{"month": m, "referrals": per_month[i]} for i, m in enumerate(months(span))],
        "by_source": _shares(sources, whole_count, "source"),
        "by_reason": _shares(reasons, whole_count, "reason"),
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
