"""Choice-based lettings: a void home advertised, and bidding closed."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from casework import audit, outbox
from casework.workdays import london_today
from lettings import events
from lettings.domain.policy import LettingsPolicy
from lettings.letting import Invalid, NotAllowed, void_stages
from lettings.models import LIVE_OFFER, Advert, Offer, Property
from lettings.references import next_reference
from lettings.schemas.adverts import Advert as AdvertSchema
from lettings.shortlisting import rank


def advertise(session: Session, prop: Property, *, closes_at: dt.datetime, now: dt.datetime) -> Advert:
    """Open bidding for a void home until ``closes_at``. A void is advertised again when its last
    advert found no taker (closed, with no live offer: nobody eligible, or every offer refused,
    withdrawn or expired); the earlier advert stays in the home's history, closed unlet."""
    void = prop.current_void
    if void is None:
        raise NotAllowed("Only a void home can be advertised.")
    open_advert = session.scalar(select(Advert.reference).where(Advert.void_id == void.id, Advert.status == "open"))
    if open_advert is not None:
        raise NotAllowed(f"This void is being advertised already ({open_advert}): close that advert first.")
    if session.scalar(select(Offer.reference).where(Offer.property_id == prop.id, Offer.status.in_(LIVE_OFFER))):
        raise NotAllowed("This home has a live offer: record its answer, or withdraw it, before advertising again.")
    if closes_at <= now:
        raise Invalid("closes_at", ["Must be in the future."])
    advert = Advert(reference=next_reference(session, "ADV"), property_id=prop.id, void_id=void.id,
                    status="open", published_at=now, closes_at=closes_at)
    session.add(advert)
    void_stages.restage(session, prop.id)
    audit.changed(session, "publish", "advert", advert.id, None, AdvertSchema().dump(advert))
    outbox.emit(session, events.ADVERT_PUBLISHED, subject=str(advert.id), data=events.advert_published(advert))
    return advert


def close_bidding(session: Session, advert: Advert, *, policy: LettingsPolicy, now: dt.datetime) -> Advert:
    """No more bids: the shortlist is frozen, and the others told how many bid and how many are eligible."""
    if advert.status != "open":
        raise NotAllowed("This advert is already closed.")
    before = AdvertSchema().dump(advert)
    advert.status, advert.closed_at = "closed", now
    void_stages.restage(session, advert.property_id)
    shortlist = rank(session, advert, london_today(now), policy)
    audit.changed(session, "close", "advert", advert.id, before, AdvertSchema().dump(advert))
    outbox.emit(session, events.ADVERT_CLOSED, subject=str(advert.id), data=events.advert_closed(advert, shortlist))
    return advert
