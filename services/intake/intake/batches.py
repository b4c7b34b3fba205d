"""Households referred together by a data feed such as LIFT (the Low Income Family Tracker): each
made into a referral exactly as ``POST /referrals`` makes one (``referrals.receive``), with a
result per row; the batch recorded with who sent it, when, its source, reason and counts."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import uuid
from typing import Any

from marshmallow import ValidationError
from sqlalchemy import Select, select
from sqlalchemy.exc import DataError, IntegrityError
from sqlalchemy.orm import Session, defer

from casework import audit, records
from casework.context import Principal
from casework.web.errors import flatten_errors
from intake import access, referrals
from intake.domain.policy import IntakePolicy
from intake.models import BatchReferral, Referral, ReferralBatch
from intake.schemas import ReferralCreate

log = logging.getLogger(__name__)


def visible_to(principal: Principal) -> list[Any]:
    """Officers see every batch; a referring system (or anyone else) the batches it sent."""
    return [] if access.sees_all(principal) else [ReferralBatch.sent_by == principal.sub]


def find(session: Session, batch_id: Any, principal: Principal) -> ReferralBatch | None:
    return records.find(session, ReferralBatch, batch_id, where=visible_to(principal))


def newest_first(principal: Principal) -> Select:
    """The batches the caller may see, newest first, without each row's result: a list shows only
    the counts, and 25 LIFT batches' results are some 850 kB read, sent and parsed for nothing
    (bench/NOTES.md, "A large council: intake at full size"). ``GET /referrals/batch/{id}`` has them."""
    return (select(ReferralBatch).options(defer(ReferralBatch.results, raiseload=True)).where(*visible_to(principal))
            .order_by(ReferralBatch.received_at.desc(), ReferralBatch.id))


def row_key(source_system: str, row: Any) -> str:
    """A digest of the row as sent, with its source: the same row sent again has the same key."""
    text = json.dumps({"source": source_system, "row": row}, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def receive_batch(session: Session, data: dict[str, Any], *, principal: Principal, policy: IntakePolicy,
                  now: dt.datetime) -> ReferralBatch:
    """Make a referral of each household, each in its own savepoint: a row that fails is refused
    and leaves nothing behind, and the others go ahead. A row already received from the same
    source within the duplicate window (the same row sent again) is answered as a duplicate of
    the referral it made. The batch row keeps the counts and each row's result (references only)."""
    source = data["source"]
    batch = open_batch(session, source, data["reason"], principal=principal, now=now)
    results = [_receive_row(session, batch, index, row, source, principal=principal, policy=policy, now=now)
               for index, row in enumerate(data["households"])]
    close_batch(session, batch, results)
    return batch


def open_batch(session: Session, source: dict[str, Any], reason: str, *, principal: Principal,
               now: dt.datetime) -> ReferralBatch:
    """A new batch from ``source`` for ``reason``; its households follow (``receive_household``)."""
    batch = ReferralBatch(id=uuid.uuid4(), received_at=now, sent_by=principal.sub, source_system=source["system"],
                          source_team=source.get("team"), reason=reason, households=0, created=0, duplicates=0,
                          refused=0, results=[])
    session.add(batch)
    session.flush()  # its referrals name it
    return batch


def close_batch(session: Session, batch: ReferralBatch, results: list[dict[str, Any]]) -> None:
    """Record each household's result in the batch, with its counts, and audit it."""
    batch.results = results
    batch.households = len(results)
    batch.created, batch.duplicates, batch.refused = (
        sum(1 for r in results if r["outcome"] == outcome) for outcome in ("created", "duplicate", "refused"))
    audit.record(session, "receive_batch", "referral_batch", batch.id,
                 after={"source_system": batch.source_system, "reason": batch.reason, "households": batch.households,
                        "created": batch.created, "duplicates": batch.duplicates, "refused": batch.refused})


def _receive_row(session: Session, batch: ReferralBatch, index: int, row: Any, source: dict[str, Any], *,
                 principal: Principal, policy: IntakePolicy, now: dt.datetime) -> dict[str, Any]:
    try:
        household = ReferralCreate().load({**row, "source": source} if isinstance(row, dict) else row)
    except ValidationError as refused:
        return {"row": index, "outcome": "refused", "errors": flatten_errors(refused.messages)}
    return receive_household(session, batch, index, household, row_key(source["system"], row), principal=principal,
                             policy=policy, now=now)


def receive_household(session: Session, batch: ReferralBatch, index: int, household: dict[str, Any], key: str, *,
                      principal: Principal, policy: IntakePolicy, now: dt.datetime,
                      source_ref: str | None = None) -> dict[str, Any]:
    """Make a referral of one validated household (``ReferralCreate``, with the batch's source) in
    its own savepoint, unless ``key`` (its ``row_key``) was received before from the same source
    within the duplicate window. ``source_ref``: the feed's own reference for it, if it has one."""
    first = _first_received(session, key, household["source"]["system"], principal, since=now - dt.timedelta(
        days=policy.duplicate_window_days))
    if first is not None:
        return {"row": index, "outcome": "duplicate", "duplicate_of": {"id": str(first.id), "reference": first.reference}}
    try:
        with session.begin_nested():
            made = referrals.receive(session, household, principal=principal, policy=policy, now=now)
            session.add(BatchReferral(referral_id=made.id, batch_id=batch.id, row=index, row_key=key,
                                      source_ref=source_ref))
    except (DataError, IntegrityError) as failed:  # the row's fault: the database refused a value
        log.warning("batch row refused by the database", extra={"batch_id": str(batch.id), "row": index,
                                                                 "error": type(failed.orig).__name__})
        return {"row": index, "outcome": "refused",
                "errors": {"_row": ["The database refused a value in this household; check it and send it again."]}}
    return {"row": index, "outcome": "created", "referral": {
        "id": str(made.id), "reference": made.reference, "risk_level": made.risk_level, "risk_score": made.risk_score}}


def _first_received(session: Session, key: str, source_system: str, principal: Principal, *,
                    since: dt.datetime) -> Any:
    """The referral this row made when the same source sent it before (in this batch or an
    earlier one within the duplicate window), among those the caller may see."""
    return session.execute(
        select(Referral.id, Referral.reference).join(BatchReferral, BatchReferral.referral_id == Referral.id)
        .where(BatchReferral.row_key == key, Referral.source_system == source_system,
               Referral.received_at >= since, *referrals.visible_to(principal))
        .order_by(Referral.received_at).limit(1)
    ).first()


