"""A home's whole life: every void, advert, offer and tenancy it has had, oldest first."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from lettings.domain.tenancy import rent_loss, void_days, voids_and_lets
from lettings.models import Advert, Applicant, Offer, Property, Tenancy, Void


def advert_outcome(advert: Advert, void: Void | None, superseded: bool) -> str:
    """``bidding`` while open; ``let`` when its offer was signed up; ``closed_unlet`` when the void
    was advertised again or let another way; else ``offering`` (the shortlist is being offered)."""
    if advert.status in ("open", "let"):
        return "bidding" if advert.status == "open" else "let"
    if superseded or (void is not None and void.let_date is not None):
        return "closed_unlet"
    return "offering"


def history(session: Session, prop: Property, *, today: dt.date) -> dict[str, list[dict[str, Any]]]:
    """The home's voids (with the tenancy that ended each, its void days and rent lost: for a void
    still open, so far, to ``today`` at today's rent), adverts, offers (the applicant by reference
    only) and tenancies, each oldest first. Small: a home is let a few dozen times in its life."""
    # Through the relationship: the open void (``prop.current_void``), which the api's answer and
    # the home's page both show, is then read from the same rows, not by a query of its own.
    voids = list(prop.voids)
    tenancies = list(session.scalars(select(Tenancy).where(Tenancy.property_id == prop.id)
                                     .order_by(Tenancy.tenancy_start, Tenancy.created_at)))
    adverts = list(session.scalars(select(Advert).where(Advert.property_id == prop.id)
                                   .order_by(Advert.published_at, Advert.reference)))
    offers = session.execute(select(Offer, Applicant.reference).join(Applicant, Offer.applicant_id == Applicant.id)
                             .where(Offer.property_id == prop.id).order_by(Offer.made_at, Offer.reference)).all()
    by_id = {void.id: void for void in voids}
    void_lines = []
    for void, tenancy in voids_and_lets(voids, tenancies):
        days = void_days(void.void_date, void.let_date or today)
        rent = tenancy.weekly_rent if tenancy is not None else prop.weekly_rent
        void_lines.append({"id": void.id, "void_date": void.void_date, "reason": void.reason,
                           "ready_to_let_date": void.ready_to_let_date, "let_date": void.let_date,
                           "tenancy_ref": tenancy.reference if tenancy is not None else None,
                           "void_days": days, "rent_loss": rent_loss(rent, days)})
    advert_lines = []
    for i, advert in enumerate(adverts):
        superseded = any(later.void_id == advert.void_id for later in adverts[i + 1:])
        advert_lines.append({"id": advert.id, "reference": advert.reference, "void_id": advert.void_id,
                             "status": advert.status,
                             "outcome": advert_outcome(advert, by_id.get(advert.void_id), superseded),
                             "published_at": advert.published_at, "closes_at": advert.closes_at,
                             "closed_at": advert.closed_at})
    adverts_by_id = {advert.id: advert.reference for advert in adverts}
    offer_lines = [{"id": offer.id, "reference": offer.reference, "advert_reference": adverts_by_id.get(offer.advert_id),
                    "status": offer.status, "applicant_reference": applicant_ref, "made_at": offer.made_at,
                    "respond_by": offer.respond_by, "answered_at": offer.answered_at}
                   for offer, applicant_ref in offers]
    tenancy_lines = [{"reference": t.reference, "tenancy_start": t.tenancy_start, "end_date": t.end_date,
                      "end_reason": t.end_reason} for t in tenancies]
    return {"voids": void_lines, "adverts": advert_lines, "offers": offer_lines, "tenancies": tenancy_lines}


def with_history(session: Session, prop: Property, *, today: dt.date) -> Property:
    """The home, with its ``history`` read (for ``GET /properties/{id}``)."""
    prop.history = history(session, prop, today=today)
    return prop
