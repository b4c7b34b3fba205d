"""An application's status over time: suspended (by an officer, or by unreasonable refusals) until
a day the policy sets, when a timer lifts it; reinstated; housed at sign-up; cancelled. A
refusal's reasonableness reviewed, lifting the suspension it caused.

Every move is one of ``domain.statuses.MOVES`` (else ``NotAllowed``: the API answers 409),
audited with before and after, and told (``lettings.applicant.status_changed.v1``).
"""

from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy import select
from sqlalchemy.orm import Session

from casework import audit, outbox, timers
from casework.timers import Timer
from casework.workdays import LONDON, london_time, london_today
from lettings import events
from lettings.domain import statuses as rules
from lettings.domain.offers import counts_towards_suspension, suspends_applicant
from lettings.domain.policy import LettingsPolicy
from lettings.letting import Invalid, NotAllowed
from lettings.models import LIVE_OFFER, Advert, Applicant, Bid, Offer
from lettings.schemas.offers import Offer as OfferSchema

SUSPENSION_ENDS = "applicant.suspension_ends"
#: A suspension is lifted a few minutes into the day it ends, London time.
LIFTED_AT = dt.time(0, 5)
_ACTIONS = {"active": "reinstate", "suspended": "suspend", "housed": "house", "cancelled": "cancel"}


def suspension_key(applicant_id: uuid.UUID) -> str:
    return f"suspension_ends:{applicant_id}"


def require_open_application(applicant: Applicant) -> None:
    """Refused (409) when the application is finished: a housed or cancelled applicant may not
    bid or be offered a home."""
    why = rules.finished(applicant.status)
    if why is not None:
        raise NotAllowed(f"Applicant {applicant.reference}: {why[0].lower()}{why[1:]}")


def _snapshot(applicant: Applicant) -> dict:
    return {"status": applicant.status, "status_reason": applicant.status_reason,
            "suspended_until": applicant.suspended_until, "suspended_by_offer_id": applicant.suspended_by_offer_id}


def _require_move(applicant: Applicant, to: str) -> None:
    why = rules.move_refusal(applicant.status, to)
    if why is not None:
        raise NotAllowed(why)


def _move(session: Session, applicant: Applicant, to: str, *, reason: str, cause: str,
          until: dt.date | None = None, offer_id: uuid.UUID | None = None) -> Applicant:
    """The one way a status changes: checked, written, its timer set or cancelled, audited, told."""
    _require_move(applicant, to)
    before = _snapshot(applicant)
    applicant.status, applicant.status_reason = to, reason
    applicant.suspended_until = until if to == "suspended" else None
    applicant.suspended_by_offer_id = offer_id if to == "suspended" else None
    if to == "suspended":
        timers.schedule(session, SUSPENSION_ENDS, key=suspension_key(applicant.id), due_at=london_time(until, LIFTED_AT),
                        payload={"applicant_id": str(applicant.id)})
    elif before["status"] == "suspended":
        timers.cancel(session, suspension_key(applicant.id))
    audit.changed(session, _ACTIONS[to], "applicant", applicant.id, before, _snapshot(applicant), reason=reason)
    outbox.emit(session, events.APPLICANT_STATUS_CHANGED, subject=str(applicant.id),
                data=events.applicant_status_changed(applicant, from_status=before["status"], cause=cause))
    return applicant


def _live_offer(session: Session, applicant: Applicant) -> str | None:
    return session.scalar(select(Offer.reference).where(Offer.applicant_id == applicant.id,
                                                        Offer.status.in_(LIVE_OFFER)))


def _drop_bids(session: Session, applicant: Applicant, reason: str, now: dt.datetime) -> None:
    """The applicant's bids on adverts still open drop out, with the reason (housed, cancelled)."""
    dropping = list(session.scalars(
        select(Bid).join(Advert, Advert.id == Bid.advert_id)
        .where(Bid.applicant_id == applicant.id, Bid.dropped_at.is_(None), Advert.status == "open")))
    for bid in dropping:
        bid.dropped_at, bid.dropped_reason = now, reason
    if dropping:
        audit.changed(session, "drop_bids", "applicant", applicant.id, None,
                      {"advert_ids": sorted(str(b.advert_id) for b in dropping), "dropped_reason": reason})


def change_status(session: Session, applicant: Applicant, *, status: str, reason: str, until: dt.date | None,
                  policy: LettingsPolicy, now: dt.datetime) -> Applicant:
    """An officer suspends (until ``until``, by default the policy's length from today),
    reinstates a suspended applicant, or cancels an application (its open bids drop out). Not
    while the applicant holds a live offer: its answer comes first. Housing is sign-up's."""
    if status == "housed":
        raise Invalid("status", ["An applicant is housed by signing up a tenancy, not by changing their status."])
    if until is not None and status != "suspended":
        raise Invalid("until", ["Only a suspension has an end date."])
    _require_move(applicant, status)
    if status == "active":
        return _move(session, applicant, "active", reason=reason, cause="officer")
    held = _live_offer(session, applicant)
    if held is not None:
        raise NotAllowed(f"The applicant holds live offer {held}: record its answer, or withdraw it, first.")
    if status == "cancelled":
        _drop_bids(session, applicant, "cancelled", now)
        return _move(session, applicant, "cancelled", reason=reason, cause="officer")
    today = london_today(now)
    until = until or rules.suspended_until(today, policy)
    if until <= today:
        raise Invalid("until", ["A suspension must end after today."])
    return _move(session, applicant, "suspended", reason=reason, cause="officer", until=until)


def house(session: Session, applicant: Applicant, *, tenancy_reference: str, now: dt.datetime) -> Applicant:
    """Sign-up housed the applicant: their bids on other adverts still open drop out."""
    _require_move(applicant, "housed")
    _drop_bids(session, applicant, "housed", now)
    return _move(session, applicant, "housed", reason=f"Housed: tenancy {tenancy_reference}.", cause="signed_up")


def counted_refusals(session: Session, applicant_id: uuid.UUID, policy: LettingsPolicy) -> list[dt.datetime]:
    """When each of the applicant's answered offers that count as unreasonable refusals was answered."""
    rows = session.execute(select(Offer.status, Offer.refusal_reasonable, Offer.answered_at).where(
        Offer.applicant_id == applicant_id, Offer.status.in_(("refused", "expired")),
        Offer.answered_at.is_not(None)))
    return [at for status, reasonable, at in rows if counts_towards_suspension(status, reasonable, policy)]


def suspend_after_refusals(session: Session, offer: Offer, *, policy: LettingsPolicy, now: dt.datetime) -> bool:
    """After an unreasonable refusal (or an expiry, when the policy counts it): an active applicant
    whose counted refusals within the window reach the limit is suspended for the policy's length.
    True when this suspended them."""
    session.flush()  # the offer's answer counts
    applicant = session.get(Applicant, offer.applicant_id, with_for_update=True)
    if applicant.status != "active" or not suspends_applicant(counted_refusals(session, applicant.id, policy),
                                                              now, policy):
        return False
    _move(session, applicant, "suspended", cause="unreasonable_refusals", offer_id=offer.id,
          until=rules.suspended_until(london_today(now), policy),
          reason=(f"{policy.unreasonable_refusal_limit} unreasonable refusals within "
                  f"{policy.refusal_window_months} months."))
    return True


def on_suspension_end(session: Session, timer: Timer) -> None:
    """The suspension's end date came: the applicant is active again, and the lettings team told
    (by the event). Nothing when it was lifted, or the application finished, in the meantime."""
    applicant = session.get(Applicant, uuid.UUID(timer.payload["applicant_id"]), with_for_update=True)
    if applicant is None or applicant.status != "suspended" or applicant.suspended_until is None:
        return
    if applicant.suspended_until > timer.due_at.astimezone(LONDON).date():
        return  # moved later without moving its timer: not yet
    _move(session, applicant, "active", cause="suspension_ended",
          reason=f"The suspension ended on {applicant.suspended_until:%d %B %Y}.")


def why_no_review(offer: Offer, policy: LettingsPolicy) -> str | None:
    """Why the offer's refusal cannot be reviewed (None when it can): only a refusal (or an expiry
    the policy counts as one) is reviewed, and only once."""
    if offer.status == "expired" and not policy.expired_counts_as_refusal:
        return ("This offer expired, and the council's policy does not count an expiry as a refusal: "
                "there is no refusal to review.")
    if offer.status not in ("refused", "expired"):
        return f"This offer is {offer.status.replace('_', ' ')}: only a refusal can be reviewed."
    if offer.refusal_reviewed_at is not None:
        return (f"This refusal was reviewed on {offer.refusal_reviewed_at.astimezone(LONDON):%d %B %Y}; "
                "a review is final.")
    return None


def review_refusal(session: Session, offer: Offer, *, reasonable: bool, reason: str, by: str,
                   policy: LettingsPolicy, now: dt.datetime) -> Offer:
    """The council reviews whether a refusal (or an expiry the policy counts as one) was
    reasonable, once. Found reasonable, it no longer counts: a suspension it helped cause is
    lifted when the refusals it was for no longer reach the limit. Found unreasonable, it may
    reach the limit now."""
    why_not = why_no_review(offer, policy)
    if why_not is not None:
        raise NotAllowed(why_not)
    before = OfferSchema().dump(offer)
    offer.refusal_reasonable_before_review = offer.refusal_reasonable
    offer.refusal_reasonable = reasonable
    offer.refusal_reviewed_at, offer.refusal_reviewed_by, offer.refusal_review_reason = now, by, reason
    session.flush()
    audit.changed(session, "review_refusal", "offer", offer.id, before, OfferSchema().dump(offer), reason=reason)
    if not reasonable:
        suspend_after_refusals(session, offer, policy=policy, now=now)
        return offer
    applicant = session.get(Applicant, offer.applicant_id, with_for_update=True)
    cause = session.get(Offer, applicant.suspended_by_offer_id) if applicant.suspended_by_offer_id else None
    if applicant.status == "suspended" and cause is not None and cause.answered_at is not None and \
            not suspends_applicant(counted_refusals(session, applicant.id, policy), cause.answered_at, policy):
        _move(session, applicant, "active", cause="refusal_review",
              reason=f"On review the refusal of offer {offer.reference} was reasonable: the suspension is lifted.")
    return offer
