"""What happens to an offer: made, answered, expired. Used by the API and the expiry timer."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from casework import audit, outbox, timers
from casework.db import utcnow
from lettings.domain.offers import suspends_applicant
from lettings.models import Advert, Applicant, Bypass, Offer, Property
from lettings.policy import current as current_policy
from lettings.references import next_reference
from lettings.schemas.offers import Offer as OfferSchema

EXPIRY = "offer.expiry"


def expiry_key(offer_id: uuid.UUID) -> str:
    return f"offer_expiry:{offer_id}"


def event_ref(offer: Offer) -> dict[str, Any]:
    return {"offer_id": offer.id, "reference": offer.reference, "advert_id": offer.advert_id,
            "property_id": offer.property_id, "applicant_id": offer.applicant_id}


def make(session: Session, *, prop: Property, applicant: Applicant, advert: Advert | None, respond_by: dt.datetime,
         made_by: str, bypassed: list[uuid.UUID] = (), bypass_reason: str | None = None,
         direct_match_reason: str | None = None) -> Offer:
    offer = Offer(reference=next_reference(session, "O"), advert_id=advert.id if advert else None,
                  property_id=prop.id, applicant_id=applicant.id, status="pending", made_at=utcnow(),
                  made_by=made_by, respond_by=respond_by, bypass_reason=bypass_reason,
                  direct_match_reason=direct_match_reason)
    session.add(offer)
    session.flush()
    for applicant_id in bypassed:
        session.add(Bypass(advert_id=advert.id, applicant_id=applicant_id, offer_id=offer.id,
                           reason=bypass_reason, recorded_by=made_by))
    timers.schedule(session, EXPIRY, key=expiry_key(offer.id), due_at=respond_by,
                    payload={"offer_id": str(offer.id)})
    audit.changed(session, "make_offer", "offer", offer.id, None, OfferSchema().dump(offer),
                  reason=bypass_reason or direct_match_reason)
    outbox.emit(session, "lettings.offer.made.v1", subject=str(offer.id),
                data={**event_ref(offer), "respond_by": respond_by, "bypassed": len(bypassed),
                      "direct_match": direct_match_reason is not None})
    return offer


def _answer(session: Session, offer: Offer, status: str, action: str, reason: str | None = None) -> dict:
    before = OfferSchema().dump(offer)
    offer.status = status
    offer.answered_at = utcnow()
    timers.cancel(session, expiry_key(offer.id))
    session.flush()
    audit.changed(session, action, "offer", offer.id, before, OfferSchema().dump(offer), reason=reason)
    return event_ref(offer)


def accept(session: Session, offer: Offer) -> None:
    outbox.emit(session, "lettings.offer.accepted.v1", subject=str(offer.id), data=_answer(session, offer, "accepted",
                                                                                          "accept_offer"))


def refuse(session: Session, offer: Offer, reason: str, reasonable: bool) -> bool:
    """Record the refusal; returns True when it suspends the applicant (policy)."""
    offer.refusal_reason = reason
    offer.refusal_reasonable = reasonable
    data = _answer(session, offer, "refused", "refuse_offer", reason)
    suspended = False
    if not reasonable:
        policy = current_policy()
        refused_at = list(session.scalars(select(Offer.answered_at).where(
            Offer.applicant_id == offer.applicant_id, Offer.status == "refused",
            Offer.refusal_reasonable.is_(False))))
        applicant = session.get(Applicant, offer.applicant_id)
        if applicant.status == "active" and suspends_applicant(refused_at, utcnow(), policy):
            applicant.status = "suspended"
            applicant.status_reason = (f"{policy.unreasonable_refusal_limit} unreasonable refusals within "
                                       f"{policy.refusal_window_months} months.")
            audit.changed(session, "suspend", "applicant", applicant.id, {"status": "active"},
                          {"status": "suspended"}, reason=applicant.status_reason)
            suspended = True
    outbox.emit(session, "lettings.offer.refused.v1", subject=str(offer.id),
                data={**data, "reasonable": reasonable, "applicant_suspended": suspended})
    return suspended


def withdraw(session: Session, offer: Offer, reason: str) -> None:
    offer.withdrawal_reason = reason
    outbox.emit(session, "lettings.offer.withdrawn.v1", subject=str(offer.id),
                data=_answer(session, offer, "withdrawn", "withdraw_offer", reason))


def expire_if_pending(session: Session, offer_id: uuid.UUID) -> bool:
    """The expiry timer's work: only a still-pending offer expires."""
    offer = session.get(Offer, offer_id, with_for_update=True)
    if offer is None or offer.status != "pending":
        return False
    outbox.emit(session, "lettings.offer.expired.v1", subject=str(offer.id),
                data=_answer(session, offer, "expired", "expire_offer", "No response by the respond-by time."))
    return True
