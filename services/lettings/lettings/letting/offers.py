"""What happens to an offer: made (from a shortlist, or by direct match), answered, expired.
Used by the API and the expiry timer."""

from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy import select
from sqlalchemy.orm import Session

from casework import audit, outbox, timers
from casework.workdays import london_today
from lettings import events
from lettings.domain import offers as offer_rules
from lettings.domain.offers import unreasonable_within_window
from lettings.domain.policy import LettingsPolicy
from lettings.letting import Invalid, NotAllowed, statuses, void_stages, withdrawn_packs
from lettings.letting import letters as letter_cases
from lettings.models import LIVE_OFFER, Advert, Applicant, Bypass, Offer, Property
from lettings.references import next_reference
from lettings.schemas.offers import Offer as OfferSchema
from lettings.shortlisting import ineligibility, rank, reasons

EXPIRY = "offer.expiry"


def expiry_key(offer_id: uuid.UUID) -> str:
    return f"offer_expiry:{offer_id}"


def require_status(offer: Offer, *allowed: str) -> None:
    """Refused unless the offer is in one of the ``allowed`` states; a final one says it is final."""
    if offer.status not in allowed:
        final = "" if offer.status in LIVE_OFFER else ": that is final, and nothing more can be done with it"
        raise NotAllowed(f"This offer is {offer.status.replace('_', ' ')}{final}.")


def respond_by_or_default(respond_by: dt.datetime | None, *, policy: LettingsPolicy, now: dt.datetime) -> dt.datetime:
    """The time the officer gave (in the future), or the policy's working days from now."""
    if respond_by is None:
        return offer_rules.default_respond_by(now, policy)
    if respond_by <= now:
        raise Invalid("respond_by", ["Must be in the future."])
    return respond_by


def offer_from_shortlist(session: Session, advert: Advert, *, applicant_id: uuid.UUID | None,
                         bypass_reason: str | None, respond_by: dt.datetime | None, by: str,
                         policy: LettingsPolicy, now: dt.datetime) -> Offer:
    """Offer the home once bidding has closed: by default to the top eligible bidder not yet
    offered it; naming one lower down needs a ``bypass_reason``, recorded against every bidder
    passed over. One live offer of a home at a time."""
    if advert.status != "closed":
        raise NotAllowed("Offers are made once bidding has closed." if advert.status == "open"
                         else "This home has been let.")
    if session.scalar(select(Offer.id).where(Offer.property_id == advert.property_id,
                                             Offer.status.in_(("pending", "accepted")))):
        raise NotAllowed("This home already has a live offer.")
    shortlist = rank(session, advert, london_today(now), policy)
    ranked = [b.applicant_id for b in shortlist.ranked]
    offered = set(session.scalars(select(Offer.applicant_id).where(Offer.advert_id == advert.id)))
    waiting = [a for a in ranked if a not in offered]
    chosen = applicant_id or (waiting[0] if waiting else None)
    if chosen is None:
        raise NotAllowed("Every eligible bidder has been offered this home; advertise it again or match directly.")
    if chosen not in ranked:
        named = session.get(Applicant, chosen)
        if named is not None:
            statuses.require_open_application(named)
        excluded = next((e for e in shortlist.excluded if e.applicant_id == chosen), None)
        messages = [r["message"] for r in reasons(excluded.reasons)] if excluded else \
            ["This applicant did not bid for this home."]
        raise Invalid("applicant_id", messages, detail="The applicant is not on the shortlist.")
    if chosen in offered:
        raise NotAllowed("This applicant has already been offered this home.")
    applicant = session.get(Applicant, chosen)
    statuses.require_open_application(applicant)
    passed_over = offer_rules.bypassed(ranked, offered, chosen)
    if passed_over and not bypass_reason:
        raise Invalid("bypass_reason", [f"Required: {len(passed_over)} higher-ranked bidder(s) would be bypassed."],
                      detail="Passing over higher-ranked bidders needs a reason.")
    return make(session, prop=advert.property, applicant=applicant, advert=advert,
                respond_by=respond_by_or_default(respond_by, policy=policy, now=now), made_by=by,
                bypassed=passed_over, bypass_reason=bypass_reason if passed_over else None, now=now)


def match_directly(session: Session, prop: Property, applicant: Applicant, *, direct_match_reason: str,
                   respond_by: dt.datetime | None, by: str, policy: LettingsPolicy, now: dt.datetime) -> Offer:
    """An offer without an advert, for urgent cases, with the reason recorded: the applicant must
    be eligible for the home, and the home void with no live offer."""
    if prop.current_void is None:
        raise NotAllowed("Only a void home can be offered.")
    if session.scalar(select(Offer.id).where(Offer.property_id == prop.id, Offer.status.in_(LIVE_OFFER))):
        raise NotAllowed("This home already has a live offer.")
    statuses.require_open_application(applicant)
    codes = ineligibility(session, applicant, prop, london_today(now), policy)
    if codes:
        raise Invalid("applicant_id", [r["message"] for r in reasons(codes)],
                      detail="The applicant is not eligible for this home.")
    return make(session, prop=prop, applicant=applicant, advert=None,
                respond_by=respond_by_or_default(respond_by, policy=policy, now=now), made_by=by,
                direct_match_reason=direct_match_reason, now=now)


def make(session: Session, *, prop: Property, applicant: Applicant, advert: Advert | None, respond_by: dt.datetime,
         made_by: str, bypassed: list[uuid.UUID] = (), bypass_reason: str | None = None,
         direct_match_reason: str | None = None, now: dt.datetime) -> Offer:
    """The offer written, its bypasses recorded, its expiry timer set, and the others told."""
    offer = Offer(reference=next_reference(session, "O"), advert_id=advert.id if advert else None,
                  property_id=prop.id, applicant_id=applicant.id, status="pending", made_at=now,
                  made_by=made_by, respond_by=respond_by, bypass_reason=bypass_reason,
                  direct_match_reason=direct_match_reason)
    session.add(offer)
    void_stages.restage(session, prop.id)
    for applicant_id in bypassed:
        session.add(Bypass(advert_id=advert.id, applicant_id=applicant_id, offer_id=offer.id,
                           reason=bypass_reason, recorded_by=made_by))
    timers.schedule(session, EXPIRY, key=expiry_key(offer.id), due_at=respond_by,
                    payload={"offer_id": str(offer.id)})
    audit.changed(session, "make_offer", "offer", offer.id, None, OfferSchema().dump(offer),
                  reason=bypass_reason or direct_match_reason)
    letter_cases.issue_offer_letter(session, offer, now=now)
    outbox.emit(session, events.OFFER_MADE, subject=str(offer.id), data=events.offer_made(offer, bypassed=len(bypassed)))
    return offer


def bidders_left(session: Session, offer: Offer, *, policy: LettingsPolicy, now: dt.datetime) -> int:
    """How many eligible bidders on the offer's advert have not been offered the home (none for a
    direct match): what the team is told when the offer is not taken up."""
    if offer.advert_id is None:
        return 0
    advert = session.get(Advert, offer.advert_id)
    offered = set(session.scalars(select(Offer.applicant_id).where(Offer.advert_id == advert.id)))
    return len([b for b in rank(session, advert, london_today(now), policy).ranked if b.applicant_id not in offered])


def _answer(session: Session, offer: Offer, status: str, action: str, now: dt.datetime,
            reason: str | None = None) -> None:
    before = OfferSchema().dump(offer)
    offer.status = status
    offer.answered_at = now
    timers.cancel(session, expiry_key(offer.id))
    void_stages.restage(session, offer.property_id)
    audit.changed(session, action, "offer", offer.id, before, OfferSchema().dump(offer), reason=reason)


def accept(session: Session, offer: Offer, *, now: dt.datetime) -> Offer:
    """The applicant accepted a pending offer."""
    require_status(offer, "pending")
    _answer(session, offer, "accepted", "accept_offer", now)
    outbox.emit(session, events.OFFER_ACCEPTED, subject=str(offer.id), data=events.offer_ref(offer))
    return offer


def refuse(session: Session, offer: Offer, *, reason: str, reasonable: bool, policy: LettingsPolicy,
           now: dt.datetime, reason_code: str | None = None) -> Offer:
    """The applicant refused, with the council's judgement of the refusal: unreasonable refusals up
    to the policy's limit within its window suspend the applicant. ``reason_code`` is one of the
    policy's ``refusal_reasons`` (``reason`` the applicant's words)."""
    require_status(offer, "pending", "accepted")
    codes = [code for code, _ in policy.refusal_reasons]
    if reason_code is not None and reason_code not in codes:
        raise Invalid("reason_code", [f"Must be one of: {', '.join(codes)}."],
                      detail="The refusal reason is not one the council's policy lists.")
    offer.refusal_reason = reason
    offer.refusal_reason_code = reason_code
    offer.refusal_reasonable = reasonable
    _answer(session, offer, "refused", "refuse_offer", now, reason)
    suspended = not reasonable and statuses.suspend_after_refusals(session, offer, policy=policy, now=now)
    # The letter says how many refusals count now (expiries too, where the council's policy counts them).
    in_window = 0 if reasonable else unreasonable_within_window(
        statuses.counted_refusals(session, offer.applicant_id, policy), now, policy)
    letter_cases.issue_refusal_letter(session, offer, policy=policy, unreasonable_in_window=in_window,
                                      suspended=suspended, now=now)
    outbox.emit(session, events.OFFER_REFUSED, subject=str(offer.id),
                data=events.offer_refused(offer, applicant_suspended=suspended,
                                          bidders_left=bidders_left(session, offer, policy=policy, now=now)))
    return offer


def withdraw(session: Session, offer: Offer, *, reason: str, policy: LettingsPolicy, now: dt.datetime) -> Offer:
    """The council withdraws a pending or accepted offer, with the reason. A sign-up pack out for
    signature is voided at the provider (by the worker, so an outage there does not hold this up)."""
    require_status(offer, "pending", "accepted")
    offer.withdrawal_reason = reason
    _answer(session, offer, "withdrawn", "withdraw_offer", now, reason)
    withdrawn_packs.void_packs(session, offer, now=now)
    letter_cases.issue_withdrawal_letter(session, offer, now=now)
    left = bidders_left(session, offer, policy=policy, now=now)
    outbox.emit(session, events.OFFER_WITHDRAWN, subject=str(offer.id),
                data=events.offer_not_taken_up(offer, bidders_left=left))
    return offer


def expire_if_pending(session: Session, offer_id: uuid.UUID, *, policy: LettingsPolicy, now: dt.datetime) -> bool:
    """The expiry timer's work: only a still-pending offer expires. When the council's policy
    counts an expiry as an unreasonable refusal, it may suspend the applicant."""
    offer = session.get(Offer, offer_id, with_for_update=True)
    if offer is None or offer.status != "pending":
        return False
    _answer(session, offer, "expired", "expire_offer", now, "No response by the respond-by time.")
    outbox.emit(session, events.OFFER_EXPIRED, subject=str(offer.id),
                data=events.offer_not_taken_up(offer, bidders_left=bidders_left(session, offer, policy=policy, now=now)))
    if policy.expired_counts_as_refusal:
        statuses.suspend_after_refusals(session, offer, policy=policy, now=now)
    return True
