"""What an officer reads while letting a home: an advert with its shortlist, and an offer with its
checks and letters. Each read is audited (the shortlist and the offer name households); each
returns what the pages show, found by id or by reference (``ADV-000003``, ``O-000007``)."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from casework import audit, records
from casework.workdays import london_today
from lettings.domain.policy import LettingsPolicy
from lettings.letting import Invalid, NotFound
from lettings.letting.checks import latest
from lettings.models import (
    LIVE_OFFER,
    Advert,
    Applicant,
    Bid,
    Bypass,
    Letter,
    Offer,
    PreTenancyCheck,
    Property,
    Tenancy,
)
from lettings.shortlisting import rank, reasons


@dataclass
class AdvertView:
    advert: Advert
    property: Property
    bids: int
    ranked: list[dict[str, Any]] = field(default_factory=list)
    excluded: list[dict[str, Any]] = field(default_factory=list)
    offers: list[Offer] = field(default_factory=list)

    @property
    def live_offer(self) -> Offer | None:
        return next((o for o in self.offers if o.status in ("pending", "accepted")), None)

    @property
    def next_bidder(self) -> dict[str, Any] | None:
        """The top bidder not yet offered the home (who an offer goes to by default)."""
        return next((b for b in self.ranked if b["offer"] is None), None)

    @property
    def nobody_left(self) -> bool:
        """Bidding closed, no live offer and nobody left to offer: the home can be advertised again."""
        return self.advert.status == "closed" and self.live_offer is None and self.next_bidder is None


@dataclass
class OfferView:
    offer: Offer
    property: Property
    applicant_reference: str
    advert: Advert | None
    check: PreTenancyCheck | None
    letters: list[str]
    tenancy: Tenancy | None


def find_advert(session: Session, key: str | uuid.UUID, *, lock: bool = False) -> Advert:
    advert = records.find(session, Advert, key, reference=Advert.reference, lock=lock)
    if advert is None:
        raise NotFound("No such advert.")
    return advert


def find_offer(session: Session, key: str | uuid.UUID, *, lock: bool = False) -> Offer:
    offer = records.find(session, Offer, key, reference=Offer.reference, lock=lock)
    if offer is None:
        raise NotFound("No such offer.")
    return offer


def find_property(session: Session, key: str | uuid.UUID, *, lock: bool = False) -> Property:
    prop = records.find(session, Property, key, reference=Property.reference, lock=lock)
    if prop is None:
        raise NotFound("No such property.")
    return prop


def find_applicant(session: Session, reference: str, *, field: str) -> Applicant:
    """The applicant an officer names by reference (``A-000012``) or id; none is ``Invalid`` on ``field``."""
    applicant = records.find(session, Applicant, reference, reference=Applicant.reference)
    if applicant is None:
        raise Invalid(field, [f"There is no applicant {reference.strip()} on the register."])
    return applicant


def as_id(text: str | None, field: str) -> uuid.UUID | None:
    """An id a form sends back (none when left out); anything else is ``Invalid`` on ``field``."""
    if not text:
        return None
    try:
        return uuid.UUID(text)
    except ValueError:
        raise Invalid(field, ["Choose one of the bidders listed."]) from None


@dataclass
class HomeToLet:
    property: Property
    void_date: dt.date | None
    open_advert: Advert | None
    adverts: list[Advert]
    live_offer: Offer | None


def read_home_to_let(session: Session, key: str | uuid.UUID) -> HomeToLet:
    """The home to advertise or offer directly: its void (none when it is let), any advert still
    open, its earlier adverts and any live offer of it."""
    prop = find_property(session, key)
    found = session.scalars(select(Advert).where(Advert.property_id == prop.id)
                            .order_by(Advert.published_at.desc())).all()
    void = prop.current_void
    live = session.scalar(select(Offer).where(Offer.property_id == prop.id, Offer.status.in_(LIVE_OFFER)))
    return HomeToLet(property=prop, void_date=void.void_date if void else None,
                     open_advert=next((a for a in found if a.status == "open"), None), adverts=list(found),
                     live_offer=live)


def read_advert(session: Session, key: str | uuid.UUID, *, policy: LettingsPolicy, now: dt.datetime) -> AdvertView:
    """The advert with its bids, ranked shortlist (band and dates, each bidder's offer and any
    bypass), the excluded bidders with every reason, and the offers made from it; the read audited."""
    advert = find_advert(session, key)
    shortlist = rank(session, advert, london_today(now), policy)
    offers = session.scalars(select(Offer).where(Offer.advert_id == advert.id).order_by(Offer.made_at)).all()
    by_applicant = {o.applicant_id: o for o in offers}
    bypasses: dict[uuid.UUID, list[Bypass]] = {}
    for bypass in session.scalars(select(Bypass).where(Bypass.advert_id == advert.id).order_by(Bypass.recorded_at)):
        bypasses.setdefault(bypass.applicant_id, []).append(bypass)
    bids = session.scalar(select(func.count()).select_from(Bid).where(Bid.advert_id == advert.id))  # counted there, not 2,000 ids read
    view = AdvertView(advert=advert, property=advert.property, bids=bids, offers=list(offers))
    view.ranked = [{"position": i, "applicant_id": b.applicant_id, "reference": b.reference, "band": b.band,
                    "effective_date": b.effective_date, "application_date": b.application_date, "bid_at": b.bid_at,
                    "wheelchair_user": b.needs_wheelchair, "offer": by_applicant.get(b.applicant_id),
                    "bypassed": bypasses.get(b.applicant_id, [])}
                   for i, b in enumerate(shortlist.ranked, start=1)]
    view.excluded = [{"applicant_id": e.applicant_id, "reference": e.reference, "reasons": reasons(e.reasons)}
                     for e in shortlist.excluded]
    audit.read(session, "advert", advert.id)
    return view


def read_offer(session: Session, key: str | uuid.UUID) -> OfferView:
    """The offer with its home, the latest pre-tenancy check (with the residual income), the letters
    issued and the tenancy signed up from it; the read audited."""
    offer = find_offer(session, key)
    kinds = session.scalars(select(Letter.kind).where(Letter.offer_id == offer.id).order_by(Letter.issued_at)).all()
    tenancy = session.scalar(select(Tenancy).where(Tenancy.offer_id == offer.id))
    view = OfferView(offer=offer, property=offer.property, applicant_reference=offer.applicant.reference,
                     advert=session.get(Advert, offer.advert_id) if offer.advert_id else None,
                     check=latest(session, offer), letters=list(dict.fromkeys(kinds)), tenancy=tenancy)
    audit.read(session, "offer", offer.id)
    return view
