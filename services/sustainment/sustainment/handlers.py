"""What sustainment does with the events it consumes: it opens cases, and notes a tenancy's end on them.

The kernel's consumer records each event in the inbox in the same transaction, so a
redelivered event is skipped before it reaches these; the unique ``referral_id`` and
``tenancy_id`` keep it to one case per source even if the same fact arrives as a new event.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from casework.contracts import catalogue
from casework.db import utcnow
from casework.events import Catalogue, Event
from casework.service import kernel_handlers
from sustainment import rules
from sustainment.cases import opening, tenancy_end
from sustainment.models import Case
from sustainment.policy import current as policy

REFERRAL_ACCEPTED = "casework.intake.referral.accepted.v2"
TENANCY_STARTED = "casework.lettings.tenancy.started.v2"
TENANCY_ENDED = "casework.lettings.tenancy.ended.v1"
# Retired: read for one release, so events published before the producers were upgraded still
# open their cases. They carried the same fields in the clear.
REFERRAL_ACCEPTED_V1 = "casework.intake.referral.accepted.v1"
TENANCY_STARTED_V1 = "casework.lettings.tenancy.started.v1"


def _opened_for_us(event: Event, data: dict[str, Any], sealed: str) -> dict[str, Any]:
    """The event's data with the part sealed for sustainment opened into it."""
    if event.type.endswith(".v1") or data.get(sealed) is None:
        return data
    return {**data, **catalogue.unseal(event.type, data, sealed)}


def _tenant(person: dict[str, Any]) -> dict[str, Any]:
    return {"tenant_name": person["name"], "tenant_date_of_birth": person.get("date_of_birth"),
            "tenant_phone": person.get("phone"), "tenant_email": person.get("email"),
            "tenant_address": person.get("address")}


def on_referral_accepted(session: Session, event: Event, data: dict[str, Any]) -> None:
    """An accepted referral opens a sustainment case, first contact due by its risk level."""
    if session.scalar(select(Case.id).where(Case.referral_id == data["referral_id"])) is not None:
        return
    data = _opened_for_us(event, data, "case_details")
    risk = data["risk"]
    case = Case(
        id=uuid.uuid4(), case_type="sustainment", status="open", risk_level=risk["level"], risk_score=risk["score"],
        risk_factors=[dict(f) for f in risk["factors"]], reasons=list(data["reasons"]), priority=data["priority"],
        referral_id=data["referral_id"], referral_reference=data["reference"], tenancy_ref=data.get("tenancy_ref"),
        uprn=data.get("uprn"), arrears_balance=data.get("arrears_balance"), weekly_rent=data.get("weekly_rent"),
        clutter_rating=data.get("clutter_rating"), consent_given=data["consent_given"],
        safeguarding_exemption=data.get("safeguarding_exemption", False), opened_at=utcnow(),
        referred_at=data.get("received_at"),
        first_contact_due=rules.first_contact_due(data["accepted_at"], risk["level"], policy()),
        **_tenant(data["person"]),
    )
    opening.open_case(session, case, source=f"referral {data['reference']}")


def on_tenancy_started(session: Session, event: Event, data: dict[str, Any]) -> None:
    """A high-risk new tenant gets an onboarding case: a settling-in visit and a plan from the template."""
    if not data["high_risk"]:
        return
    if session.scalar(select(Case.id).where(Case.tenancy_id == data["tenancy_id"])) is not None:
        return
    data = _opened_for_us(event, data, "tenant_details")
    start = rules.onboarding(data["tenancy_start"], utcnow(), policy())
    person = dict(data["tenant"])
    person["address"] = person.get("address") or data["address"]
    case = Case(
        id=uuid.uuid4(), case_type="onboarding", status="open", risk_level=start.risk_level,
        reasons=["high_risk_new_tenant", *data["high_risk_reasons"]], tenancy_id=data["tenancy_id"],
        tenancy_ref=data["tenancy_ref"], tenancy_start=data["tenancy_start"], uprn=data.get("uprn"),
        support_needs=list(data["support_needs"]), consent_given=False, opened_at=utcnow(),
        first_contact_due=start.first_contact_due, settling_in_due=start.settling_in_due,
        support_ends=start.support_ends, **_tenant(person),
    )
    opening.open_onboarding_case(session, case, policy=policy(), now=utcnow())


def on_tenancy_ended(session: Session, event: Event, data: dict[str, Any]) -> None:
    """An open case about the tenancy notes its end, and its officer is asked to close it or carry on."""
    tenancy_end.note_tenancy_ended(session, tenancy_id=data["tenancy_id"], tenancy_ref=data["tenancy_ref"],
                                   end_date=data["end_date"], reason=data["reason"])


HANDLERS = {
    REFERRAL_ACCEPTED: on_referral_accepted,
    TENANCY_STARTED: on_tenancy_started,
    TENANCY_ENDED: on_tenancy_ended,
    REFERRAL_ACCEPTED_V1: on_referral_accepted,
    TENANCY_STARTED_V1: on_tenancy_started,
}


def consumed(handlers: dict[str, Callable], known: Catalogue = catalogue) -> dict[str, Callable]:
    """``handlers``, checked against the catalogue's ``consumed_by("sustainment")`` (less the kernel's
    own events, which the kernel handles): sustainment does not start when it handles an event the
    catalogue does not send it, or misses one it does."""
    declared = {contract.type for contract in known.consumed_by("sustainment")} - set(kernel_handlers("sustainment", known))
    if set(handlers) != declared:
        raise RuntimeError(f"sustainment's handlers disagree with the event catalogue: unhandled "
                           f"{sorted(declared - set(handlers))}, not sent to sustainment {sorted(set(handlers) - declared)}")
    return handlers
