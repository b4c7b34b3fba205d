"""Bids for an advertised home, placed for an applicant."""

from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy import select
from sqlalchemy.orm import Session

from casework import audit
from casework.workdays import london_today
from lettings.domain.policy import LettingsPolicy
from lettings.letting import Invalid, NotAllowed, NotFound, statuses
from lettings.models import Advert, Applicant, Bid
from lettings.shortlisting import ineligibility, reasons


def place_bid(session: Session, advert: Advert, *, applicant_id: uuid.UUID, policy: LettingsPolicy,
              now: dt.datetime) -> Bid:
    """Bid for the applicant while bidding is open: refused with every reason when they cannot be
    eligible for the home (a live offer elsewhere may yet be refused, so it does not stop a bid),
    and refused outright when their application is finished (housed or cancelled)."""
    if advert.status != "open" or advert.closes_at <= now:
        raise NotAllowed("Bidding on this advert has closed.")
    applicant = session.get(Applicant, applicant_id)
    if applicant is None:
        raise NotFound("No such applicant.")
    statuses.require_open_application(applicant)
    codes = [c for c in ineligibility(session, applicant, advert.property, london_today(now), policy)
             if c != "live_offer_elsewhere"]
    if codes:
        raise Invalid("applicant_id", [r["message"] for r in reasons(codes)],
                      detail="The applicant cannot be eligible for this home.")
    if session.scalar(select(Bid.id).where(Bid.advert_id == advert.id, Bid.applicant_id == applicant.id)):
        raise NotAllowed("This applicant has already bid for this home.")
    bid = Bid(advert_id=advert.id, applicant_id=applicant.id, placed_at=now)
    session.add(bid)
    session.flush()
    audit.changed(session, "bid", "advert", advert.id, None, {"applicant_id": applicant.id})
    return bid
