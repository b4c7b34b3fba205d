"""Data protection in sustainment: what it holds about a person, and personal details removed from closed
cases after the retention period (by the case's own timer, and by the kernel's recurring sweep)."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session, selectinload

from casework import privacy, timers
from casework.db import utcnow
from casework.privacy import Found, RetentionRule, all_written, same_name, years_before
from casework.timers import Timer
from sustainment import rules
from sustainment.journal import on_timeline
from sustainment.models import Case
from sustainment.policy import current as policy
from sustainment.schemas import CaseDetail

REMOVED = privacy.REMOVED
#: Keys of a case's audit snapshots that hold personal data or free text.
AUDIT_KEYS = frozenset({"tenant", "tenant_name", "text", "notes", "reason", "summary", "closure_summary",
                        "risks_identified", "safeguarding_reason", "response_note"})


def anonymise_key(case: Case) -> str:
    return f"anonymise:{case.id}"


def schedule_anonymisation(session: Session, case: Case, *, policy: rules.Policy) -> None:
    timers.schedule(session, "anonymise", key=anonymise_key(case),
                    due_at=rules.anonymise_after(case.closed_at, policy), payload={"case_id": str(case.id)})


def anonymise(session: Session, case: Case) -> None:
    """Remove who the tenant is and every narrative; keep the facts reports are made of."""
    case.tenant_name = REMOVED
    case.tenant_date_of_birth = case.tenant_phone = case.tenant_email = case.tenant_address = None
    case.closure_summary = None if case.closure_summary is None else REMOVED
    for note in case.notes:
        note.text = REMOVED
    for contact in case.contacts:
        contact.notes = None
        all_written(contact, "notes")
    for visit in case.visits:
        visit.notes = None
        visit.risks_identified = []
        all_written(visit, "notes", "risks_identified")
    for referral in case.agency_referrals:
        referral.reason = REMOVED
        referral.safeguarding_reason = None if referral.safeguarding_reason is None else REMOVED
        referral.response_note = None
        referral.outcome = None
        all_written(referral, "reason", "safeguarding_reason", "response_note", "outcome")
    for change in case.risk_history:
        change.reason = REMOVED
    case.anonymised_at = utcnow()
    all_written(case, "tenant_name", "tenant_date_of_birth", "tenant_phone", "tenant_email", "tenant_address",
                "closure_summary", "anonymised_at")
    on_timeline(session, case, "anonymised", "Personal details removed after the retention period")


#: Cases anonymised in one run of the sweep (one transaction): the kernel sweep's batch.
BATCH = 500


def due_cases(session: Session, now: dt.datetime) -> list[Case]:
    """Closed cases past the retention period, not yet anonymised nor held (the sweep's safety net
    under the per-case timers: it also catches cases whose period a council shortened): the
    oldest closures, a batch at a time, each with what ``anonymise`` changes read in one query a
    kind (a year of a large council's closures is tens of thousands of cases, and the rows stay
    locked until the batch commits)."""
    cutoff = years_before(now, policy().retention_years_after_closure)
    held = [_uuid(record_id) for record_id in privacy.held(session, "case")]  # a few, if any
    return list(session.scalars(
        select(Case).where(Case.status == "closed", Case.anonymised_at.is_(None), Case.closed_at < cutoff,
                           Case.id.not_in([i for i in held if i]))
        .order_by(Case.closed_at).limit(BATCH).with_for_update(of=Case, skip_locked=True)
        .options(*(selectinload(getattr(Case, kind)) for kind in _ANONYMISED))))


#: What ``anonymise`` changes besides the case itself.
_ANONYMISED = ("notes", "contacts", "visits", "agency_referrals", "risk_history")


def _rule(due) -> RetentionRule:
    return RetentionRule("case", due=due, anonymise=anonymise, audit_keys=AUDIT_KEYS)


RETENTION = [_rule(due_cases)]


def on_anonymise_due(session: Session, timer: Timer) -> None:
    """The case's own retention timer: anonymise it through the kernel's sweep (held cases are kept)."""
    case = session.get(Case, uuid.UUID(timer.payload["case_id"]), with_for_update=True)
    if case is not None and case.status == "closed" and case.anonymised_at is None:
        privacy.sweep(session, [_rule(lambda _session, _now: [case])], service="sustainment")


#: What a legal hold may be placed on.
HOLDABLE = {"case": Case}


def find_subject(session: Session, query: dict[str, Any]) -> list[Found]:
    """Every case about the person: by tenancy, by name and date of birth, or by the referral it came from."""
    conditions = []
    if query.get("tenancy_ref"):
        conditions.append(func.lower(Case.tenancy_ref) == query["tenancy_ref"].strip().lower())
    if query.get("name") and query.get("date_of_birth"):
        conditions.append(and_(same_name(Case.tenant_name, query["name"]),
                               Case.tenant_date_of_birth == query["date_of_birth"]))
    related = [r.split(":", 1) for r in query.get("related", [])]
    for kind, column in (("referral", Case.referral_id), ("case", Case.id)):
        ids = [_uuid(value) for k, value in related if k == kind]
        if any(ids):
            conditions.append(column.in_([i for i in ids if i]))
    if not conditions:
        return []
    cases = session.scalars(select(Case).where(or_(*conditions)).order_by(Case.number)).all()
    return [Found("case", case.id, CaseDetail().dump(case)) for case in cases]


def _uuid(value: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(value)
    except ValueError:
        return None
