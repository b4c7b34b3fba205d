"""Data protection in intake: what it holds about a person, and what anonymising a referral means."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterator
from typing import Any

from sqlalchemy import and_, func, literal, or_, select, tuple_, update
from sqlalchemy.orm import Session

from casework.db import UTCDateTime
from casework.privacy import REMOVED, Found, RetentionRule, all_written, retention_policy, same_name, years_before
from intake.models import BatchReferral, Referral
from intake.schemas import ReferralRecord

#: Keys of a referral's audit snapshots that hold personal data or free text.
AUDIT_KEYS = frozenset({"person", "referrer", "details", "safeguarding_exemption", "reason", "recorded_by"})


def find_subject(session: Session, query: dict[str, Any]) -> list[Found]:
    """Every referral about the person: by tenancy, by name and date of birth, or named by another service."""
    conditions = []
    if query.get("tenancy_ref"):
        conditions.append(func.lower(Referral.tenancy_ref) == query["tenancy_ref"].strip().lower())
    if query.get("name") and query.get("date_of_birth"):
        conditions.append(and_(same_name(Referral.person_name, query["name"]),
                               Referral.person_date_of_birth == query["date_of_birth"]))
    ids = [uuid.UUID(r.split(":", 1)[1]) for r in query.get("related", []) if _is_uuid_of("referral", r)]
    if ids:
        conditions.append(Referral.id.in_(ids))
    if not conditions:
        return []
    referrals = session.scalars(select(Referral).where(or_(*conditions)).order_by(Referral.received_at)).all()
    return [Found("referral", r.id, ReferralRecord().dump(r)) for r in referrals]


def _is_uuid_of(record_type: str, related: str) -> bool:
    kind, _, value = related.partition(":")
    try:
        return kind == record_type and bool(uuid.UUID(value))
    except ValueError:
        return False


def closed_at(referral: Referral) -> dt.datetime | None:
    return referral.withdrawn_at or referral.triaged_at


#: How many due referrals one look reads (and locks); the sweep takes up to 500 a run.
DUE_AT_A_TIME = 100


def due_referrals(session: Session, now: dt.datetime) -> Iterator[Referral]:
    """Closed referrals past their retention period (by outcome), not yet anonymised, the oldest
    closure first: read and locked ``DUE_AT_A_TIME`` at a time as the sweep takes them, so a run
    that stops at its batch has read (and locked) no more than it anonymises. Each look goes on
    from the last referral read, past any the sweep leaves (legal holds). Served by the partial
    index ``ix_referrals_retention_due`` (migration 0014).

    All at once, a year's backlog was every due referral read and locked ``FOR UPDATE`` in every
    run (200,000 rows to anonymise 500), bench/NOTES.md "A large council: intake"."""
    years = retention_policy("intake").get("referral_years") or {}
    closed = func.coalesce(Referral.withdrawn_at, Referral.triaged_at)
    for status, period in years.items():
        cutoff = years_before(now, period)
        after: tuple = ()
        while True:
            found = session.scalars(
                select(Referral).where(Referral.status == status, Referral.anonymised_at.is_(None), closed < cutoff,
                                       *after)
                .order_by(closed, Referral.id).limit(DUE_AT_A_TIME).with_for_update(skip_locked=True)
            ).all()
            yield from found
            if len(found) < DUE_AT_A_TIME:
                break
            last = found[-1]
            after = (tuple_(closed, Referral.id) > tuple_(literal(closed_at(last), UTCDateTime()), literal(last.id)),)


#: The columns anonymising a referral writes.
ANONYMISED = ("person_name", "person_date_of_birth", "person_phone", "person_email", "person_address", "tenancy_ref",
              "referrer_name", "referrer_email", "referrer_phone", "details", "consent_recorded_by",
              "safeguarding_exemption_reason", "triage_reason", "withdrawn_reason", "anonymised_at")


def anonymise(session: Session, referral: Referral) -> None:
    """Remove who the person and the referrer are and every narrative; keep the facts for statistics.
    Every column it writes is marked written (``all_written``): a sweep's batch is one UPDATE."""
    def removed(value: str | None) -> str | None:
        return None if value is None else REMOVED

    referral.person_name = REMOVED
    referral.person_date_of_birth = referral.person_phone = referral.person_email = None
    referral.person_address = referral.tenancy_ref = None
    referral.referrer_name = REMOVED
    referral.referrer_email = referral.referrer_phone = None
    referral.details = removed(referral.details)
    referral.consent_recorded_by = removed(referral.consent_recorded_by)
    referral.safeguarding_exemption_reason = removed(referral.safeguarding_exemption_reason)
    referral.triage_reason = removed(referral.triage_reason)
    referral.withdrawn_reason = removed(referral.withdrawn_reason)
    referral.anonymised_at = dt.datetime.now(dt.UTC)
    all_written(referral, *ANONYMISED)


def forget_batch_rows(session: Session, referrals: list[Referral]) -> None:
    """The batch rows the referrals came from: the row's digest is of the person's details too, and
    the feed's own reference (source_ref, from an imported file) would find the person in the feed
    again. One statement for a sweep's batch."""
    session.execute(update(BatchReferral).where(BatchReferral.referral_id.in_([r.id for r in referrals]))
                    .values(row_key=None, source_ref=None))


RETENTION = [RetentionRule("referral", due=due_referrals, anonymise=anonymise, audit_keys=AUDIT_KEYS,
                           together=forget_batch_rows)]

#: What a legal hold may be placed on.
HOLDABLE = {"referral": Referral}
