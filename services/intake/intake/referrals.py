"""Receiving, triaging and withdrawing referrals: the rules applied, the rows written, the audit
and the events added in the caller's transaction."""

from __future__ import annotations

import datetime as dt
import functools
import math
import uuid
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any

from sqlalchemy import Select, and_, bindparam, false, not_, or_, select
from sqlalchemy.orm import Session

from casework import appends, audit, numbering, outbox, records
from casework.context import Principal
from casework.db import as_utc
from casework.portable import one_of
from casework.web.pagination import COUNT_AT_MOST, counted
from casework.workdays import LONDON
from intake import access, events, performance, sensitivity
from intake.domain import duplicates, risk, triage
from intake.domain.policy import IntakePolicy
from intake.models import REFERENCES, BatchReferral, Referral
from intake.schemas import snapshot


def visible_to(principal: Principal) -> list[Any]:
    """The conditions on a referral the caller may see: a referring system sees only the referrals
    it made, a front-line officer only those they raised: those ``entered_by`` them.

    (A referral's ``referrer_client`` is its ``entered_by`` or null: ``receive`` sets both from the
    caller. Asked as either, the list was every referral read and sorted; as ``entered_by`` alone
    it is ``ix_referrals_entered_by`` read in order, bench/NOTES.md "A large council: intake".)"""
    if access.sees_all(principal):
        return []
    return [Referral.entered_by == principal.sub]


def find(session: Session, key: Any, principal: Principal, *, lock: bool = False) -> Referral | None:
    """The referral ``key`` names, by id or reference (``R-000123``), if the caller may see it."""
    return records.find(session, Referral, key, reference=Referral.reference, where=visible_to(principal),
                        lock=lock)


#: How a list is ordered: newest first, or the triage queue's order (soonest due, then the
#: highest risk score, then the first received). Newest first breaks ties (a batch's households
#: come at one moment) by id descending, so that ``ix_referrals_received_at`` read backwards
#: gives the order without a sort.
ORDERS: dict[str, tuple[Any, ...]] = {
    "newest": (Referral.received_at.desc(), Referral.id.desc()),
    "triage_due": (Referral.triage_due.asc(), Referral.risk_score.desc(), Referral.received_at.asc(), Referral.id),
    "risk": (Referral.risk_score.desc(), Referral.received_at.asc(), Referral.id),
}


def search(args: dict[str, Any], principal: Principal, now: dt.datetime) -> Select:
    """The referrals the caller may see that match the filters, newest first (or as ``order`` says)."""
    stmt = select(Referral).where(*visible_to(principal)).order_by(*ORDERS[args.get("order", "newest")])
    for name in ("status", "risk_level", "source_system"):
        if name in args:
            stmt = stmt.where(getattr(Referral, name) == args[name])
    if "batch_id" in args:
        stmt = stmt.where(Referral.id.in_(select(BatchReferral.referral_id).where(
            BatchReferral.batch_id == args["batch_id"])))
    if "reference" in args:
        stmt = stmt.where(records.reference_is(Referral.reference, args["reference"]))
    if "received_from" in args:
        start = dt.datetime.combine(args["received_from"], dt.time.min, tzinfo=LONDON)
        stmt = stmt.where(Referral.received_at >= start)
    if "received_to" in args:
        end = dt.datetime.combine(args["received_to"] + dt.timedelta(days=1), dt.time.min, tzinfo=LONDON)
        stmt = stmt.where(Referral.received_at < end)
    if "overdue" in args:
        overdue = and_(Referral.status == triage.RECEIVED, Referral.triage_due < now)
        stmt = stmt.where(overdue if args["overdue"] else not_(overdue))
    return stmt


def triage_queue(args: dict[str, Any], principal: Principal, now: dt.datetime) -> Select:
    """The triage queue: referrals waiting for triage (or with the ``status`` asked for) by
    triage due time, then risk; filtered like ``search`` (risk level, source system…). One
    batch's referrals (``batch_id``) are seen together, the highest risk first."""
    order = "risk" if "batch_id" in args else "triage_due"
    return search({"status": triage.RECEIVED, **args, "order": order}, principal, now)


@dataclass(frozen=True)
class QueuePage:
    """One page of a list on the officers' pages (the triage queue, the batches): its rows, how
    many match in all (counted up to ``COUNT_AT_MOST``, then ``more``), which page of how many."""

    rows: list[Any]
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, math.ceil(min(self.total, COUNT_AT_MOST) / self.per_page))

    @property
    def more(self) -> bool:
        """More match than were counted: the page says "more than 10,000"."""
        return self.total > COUNT_AT_MOST

    @property
    def referrals(self) -> list[Any]:
        return self.rows


def page_of(session: Session, stmt: Select, *, page: int = 1, per_page: int = 25) -> QueuePage:
    """Page ``page`` (from 1, kept within the pages there are) of what ``stmt`` selects."""
    total = counted(session, stmt)
    page = max(1, min(page, max(1, math.ceil(min(total, COUNT_AT_MOST) / per_page))))
    found = session.scalars(stmt.offset((page - 1) * per_page).limit(per_page)).all()
    return QueuePage(rows=list(found), total=total, page=page, per_page=per_page)


def triage_queue_page(session: Session, args: dict[str, Any], principal: Principal, now: dt.datetime, *,
                      page: int = 1, per_page: int = 25) -> QueuePage:
    """Page ``page`` (from 1) of the triage queue, ``per_page`` to a page (the officers' pages)."""
    return page_of(session, triage_queue(args, principal, now), page=page, per_page=per_page)


def read(session: Session, key: Any, principal: Principal, *, break_glass_reason: str | None = None) -> Referral | None:
    """The referral ``key`` names (id or reference) as the caller reads it, if they may see it: the read
    is audited, and so is showing its restricted details (``intake.sensitivity``). A reader who may
    not see those gives ``break_glass_reason`` to see them: audited as ``break_glass``, and the
    intake team's manager is told. The API and the referral page read through here."""
    referral = find(session, key, principal)
    if referral is None:
        return None
    audit.read(session, "referral", referral.id)
    if break_glass_reason and not sensitivity.may_see():
        sensitivity.break_glass()
        sensitivity.audit_read(session, referral, reason=break_glass_reason)
    else:
        sensitivity.audit_read(session, referral)
    return referral


def audit_trail(session: Session, referral: Referral) -> Select:
    """Who did what to the referral and who read it, newest first, to be read a page at a time (every
    read is in it: a long-lived referral's trail is long); reading the trail is recorded too."""
    audit.record(session, "read_audit", "referral", referral.id)
    return audit.newest_first("referral", referral.id)


def triage_named(session: Session, key: Any, decision: dict[str, Any], *, principal: Principal,
                 policy: IntakePolicy, now: dt.datetime) -> Referral | None:
    """Triage the referral ``key`` names (locked for the change); None when the caller may not see
    it, ``triage.IllegalChange`` when it was already triaged or withdrawn (the triage form)."""
    referral = find(session, key, principal, lock=True)
    if referral is None:
        return None
    return triage_referral(session, referral, decision, principal=principal, policy=policy, now=now)


def _number(session: Session, row: dict[str, Any], policy: IntakePolicy,
            now: dt.datetime) -> list[duplicates.OpenReferral]:
    """Number the new referral's ``row`` and read the candidates for the duplicate rule: open
    referrals received within the window that share its tenancy or date of birth. One statement
    on PostgreSQL (``casework.numbering.number_and_read``), run before the transaction's BEGIN."""
    row["reference"], found = numbering.number_and_read(
        session, REFERENCES, "R", _candidates(bool(row["tenancy_ref"]), bool(row["person_date_of_birth"])),
        {"tenancy_ref": row["tenancy_ref"], "person_date_of_birth": row["person_date_of_birth"],
         "since": now - dt.timedelta(days=policy.duplicate_window_days),
         "open_statuses": list(policy.duplicate_open_statuses)})
    return [_open_referral(candidate) for candidate in found]


def _open_referral(candidate: Any) -> duplicates.OpenReferral:
    return duplicates.OpenReferral(
        id=candidate.id, reference=candidate.reference, received_at=as_utc(candidate.received_at),
        identity=duplicates.Identity(candidate.person_name, candidate.person_date_of_birth, candidate.tenancy_ref))


@functools.cache
def _candidates(by_tenancy: bool, by_birth: bool) -> Select:
    """Built once per shape, its values bound by name (the new row's own ``tenancy_ref`` and
    ``person_date_of_birth``): building it per referral (a dozen column expressions) cost more
    than running it, on POST /referrals' hot path. Core columns, not the mapped class, for the
    same reason; the rule needs only these six."""
    table = Referral.__table__.c
    same = []
    if by_tenancy:
        same.append(table.tenancy_ref == bindparam("tenancy_ref"))
    if by_birth:
        same.append(table.person_date_of_birth == bindparam("person_date_of_birth"))
    return select(
        table.id, table.reference, table.received_at, table.person_name, table.person_date_of_birth, table.tenancy_ref,
    ).where(one_of(table.status, "open_statuses"), table.received_at >= bindparam("since"),
            or_(*same) if same else false())


def receive(session: Session, data: dict[str, Any], *, principal: Principal, policy: IntakePolicy,
            now: dt.datetime) -> SimpleNamespace:
    """Score, date and link a new referral; publish ``referral.received``. Returns the new
    referral's row, its columns as attributes."""
    person, source, consent = data["person"], data["source"], data["consent"]
    assessment = risk.assess(data["reasons"], arrears_balance=data.get("arrears_balance"),
                             weekly_rent=data.get("weekly_rent"), clutter_rating=data.get("clutter_rating"),
                             policy=policy.risk)
    identity = duplicates.Identity(person["name"], person.get("date_of_birth"),
                                   duplicates.normal_tenancy_ref(data.get("tenancy_ref")))
    row = {  # the columns a new referral sets: the others (its triage, withdrawal) are empty
        "id": uuid.uuid4(), "status": triage.RECEIVED, "received_at": now,
        "source_system": source["system"], "source_team": source.get("team"),
        "referrer_name": source["referrer"]["name"], "referrer_email": source["referrer"].get("email"),
        "referrer_phone": source["referrer"].get("phone"),
        "referrer_client": access.referrer_client(principal), "entered_by": principal.sub,
        "person_name": person["name"], "person_date_of_birth": person.get("date_of_birth"),
        "person_phone": person.get("phone"), "person_email": person.get("email"),
        "person_address": person.get("address"),
        "tenancy_ref": identity.tenancy_ref, "uprn": data.get("uprn"), "reasons": list(data["reasons"]),
        "details": data.get("details"), "arrears_balance": data.get("arrears_balance"),
        "weekly_rent": data.get("weekly_rent"), "clutter_rating": data.get("clutter_rating"),
        "consent_given": consent["given"], "consent_method": consent.get("method"),
        "consent_recorded_by": consent.get("recorded_by") or (
            principal.name or principal.sub if consent["given"] else None),
        "safeguarding_exemption_reason": (data.get("safeguarding_exemption") or {}).get("reason"),
        "risk_level": assessment.level, "risk_score": assessment.score,
        "risk_factors": [{"code": f.code, "points": f.points, "detail": f.detail} for f in assessment.factors],
        "triage_due": triage.triage_due(now, assessment.level, policy),
        "possible_duplicate_of": [],
    }
    # The row appended (``casework.appends``), not an ORM object through the unit of work (its
    # instrumentation and flush cost more than the INSERT on POST /referrals' hot path): written
    # with its audit entry and event in one statement at the commit, which is then the whole
    # transaction (two round trips a referral: the read, and that statement). Only the columns
    # it sets: with them, the audit entry's and the event's, that statement has 49 values, and
    # psycopg remembers how it parsed a statement of at most 50 (with all 41 columns it parsed
    # it afresh on every request: 700 more Python calls a referral). The answer, the audit and
    # the event read the new referral's attributes from the row as written.
    candidates = _number(session, row, policy, now)
    links = duplicates.possible_duplicates(identity, candidates, now=now, window_days=policy.duplicate_window_days)
    if links:
        row["possible_duplicate_of"] = [{"id": str(d.id), "reference": d.reference, "match": d.match} for d in links]
    appends.append(session, Referral.__table__, row)
    referral = SimpleNamespace(**(_EMPTY_ROW | row))
    audit.changed(session, "create", "referral", referral.id, None, snapshot(referral))
    outbox.emit(session, events.RECEIVED, subject=str(referral.id), data=events.received(referral))
    return referral


#: Every column of a referral, empty: the new referral's attributes are these and its row's.
_EMPTY_ROW = {column.key: None for column in Referral.__table__.columns}


def triage_referral(session: Session, referral: Referral, decision: dict[str, Any], *, principal: Principal,
                    policy: IntakePolicy, now: dt.datetime) -> Referral:
    """Accept, reject or signpost; ``triage.IllegalChange`` when it was already triaged or withdrawn."""
    status = triage.triaged_status(referral.status, decision["outcome"])
    before = snapshot(referral)
    referral.status = status
    referral.triage_outcome = decision["outcome"]
    referral.triage_reason = decision.get("reason")
    referral.triaged_by, referral.triaged_at = principal.sub, now
    if status == triage.ACCEPTED:
        referral.priority = decision.get("priority") or triage.default_priority(referral.risk_level, policy)
        event, data = events.ACCEPTED, events.accepted(referral)
    elif status == triage.REJECTED:
        event, data = events.REJECTED, events.rejected(referral)
    else:
        referral.signposted_to = decision["signposted_to"]
        event, data = events.SIGNPOSTED, events.signposted(referral)
    performance.count_settled(session, referral)
    audit.changed(session, "triage", "referral", referral.id, before, snapshot(referral),
                  reason=decision.get("reason"))
    outbox.emit(session, event, subject=str(referral.id), data=data)
    return referral


def withdraw(session: Session, referral: Referral, reason: str | None, *, now: dt.datetime) -> Referral:
    """The referrer takes back a referral not yet triaged; publishes ``referral.withdrawn``."""
    status = triage.withdrawn_status(referral.status)
    before = snapshot(referral)
    referral.status, referral.withdrawn_reason, referral.withdrawn_at = status, reason, now
    performance.count_settled(session, referral)
    audit.changed(session, "withdraw", "referral", referral.id, before, snapshot(referral), reason=reason)
    outbox.emit(session, events.WITHDRAWN, subject=str(referral.id), data=events.withdrawn(referral))
    return referral
