"""Data protection: personal details removed from closed cases after the retention period."""

from __future__ import annotations

import uuid

from sqlalchemy.orm import Session

from casework import audit, timers
from casework.db import utcnow
from casework.timers import Timer
from sustainment import rules
from sustainment.journal import on_timeline
from sustainment.models import Case
from sustainment.policy import current as policy

REMOVED = "[removed]"


def anonymise_key(case: Case) -> str:
    return f"anonymise:{case.id}"


def schedule_anonymisation(session: Session, case: Case) -> None:
    timers.schedule(session, "anonymise", key=anonymise_key(case),
                    due_at=rules.anonymise_after(case.closed_at, policy()), payload={"case_id": str(case.id)})


def anonymise(session: Session, case: Case) -> None:
    """Remove who the tenant is and every narrative; keep the facts reports are made of."""
    case.tenant_name = REMOVED
    case.tenant_date_of_birth = case.tenant_phone = case.tenant_email = case.tenant_address = None
    case.closure_summary = None if case.closure_summary is None else REMOVED
    for note in case.notes:
        note.text = REMOVED
    for contact in case.contacts:
        contact.notes = None
    for visit in case.visits:
        visit.notes = None
        visit.risks_identified = []
    for referral in case.agency_referrals:
        referral.reason = REMOVED
        referral.safeguarding_reason = None if referral.safeguarding_reason is None else REMOVED
        referral.response_note = None
    for change in case.risk_history:
        change.reason = REMOVED
    case.anonymised_at = utcnow()
    on_timeline(session, case, "anonymised", "Personal details removed after the retention period")
    # The audit records that it happened, not what was removed.
    audit.record(session, "anonymise", "case", case.id, after={"anonymised_at": case.anonymised_at})


def on_anonymise_due(session: Session, timer: Timer) -> None:
    case = session.get(Case, uuid.UUID(timer.payload["case_id"]), with_for_update=True)
    if case is not None and case.status == "closed" and case.anonymised_at is None:
        anonymise(session, case)
