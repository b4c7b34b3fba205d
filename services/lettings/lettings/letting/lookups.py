"""What the officers' pages read: a home or an applicant by its id or its reference (``P-000007``,
``A-000012``), the register searched, and an applicant's whole file. Reads of personal data are
audited here, as the API's reads are (``register.read_applicant``, ``applicant_changes.band_history``)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from casework import audit, records
from casework.web.etag import etag_of
from casework.workdays import london_today
from lettings.domain import bedrooms
from lettings.letting import NotFound
from lettings.models import Advert, Applicant, BandChange, Bid, Offer, Property, Tenancy
from lettings.schemas.applicants import Applicant as ApplicantSchema


def _by_key(session: Session, model, key: str, *, lock: bool = False):
    try:
        condition = model.id == uuid.UUID(key)
    except ValueError:
        condition = records.reference_is(model.reference, key)
    statement = select(model).where(condition)
    if lock:
        statement = statement.with_for_update(of=model).execution_options(populate_existing=True)
    return session.scalar(statement)


def find_property(session: Session, key: str, *, lock: bool = False) -> Property:
    found = _by_key(session, Property, key, lock=lock)
    if found is None:
        raise NotFound("No such property.")
    return found


def find_applicant(session: Session, key: str, *, lock: bool = False) -> Applicant:
    found = _by_key(session, Applicant, key, lock=lock)
    if found is None:
        raise NotFound("No such applicant.")
    return found


def find_tenancy(session: Session, reference: str, *, lock: bool = False) -> Tenancy:
    statement = select(Tenancy).where(Tenancy.reference == reference)
    tenancy = session.scalar(statement.with_for_update(of=Tenancy) if lock else statement)
    if tenancy is None:
        raise NotFound("No such tenancy.")
    return tenancy


def current_tenancy(session: Session, prop: Property) -> Tenancy:
    """The home's tenancy that has not ended."""
    tenancy = session.scalar(select(Tenancy).where(Tenancy.property_id == prop.id, Tenancy.end_date.is_(None)))
    if tenancy is None:
        raise NotFound("This home has no current tenancy.")
    return tenancy


def version_of(applicant: Applicant) -> str:
    """The applicant's version as the API's ETag gives it (what a change must have read)."""
    return etag_of(ApplicantSchema().dump(applicant))


@dataclass
class Found:
    applicants: list[Applicant]
    total: int
    page: int
    pages: int


def search_applicants(session: Session, *, name: str | None = None, reference: str | None = None,
                      band: str | None = None, status: str | None = None, page: int = 1,
                      per_page: int = 25) -> Found:
    """The register filtered by band, status and reference, ordered by reference; searched by the
    lead applicant's name too. A search by name finds people by their personal data: each applicant
    it shows is an audited read."""
    statement = select(Applicant).order_by(Applicant.reference)
    if reference:
        statement = statement.where(records.reference_is(Applicant.reference, reference))
    if band:
        statement = statement.where(Applicant.band == band)
    if status:
        statement = statement.where(Applicant.status == status)
    if name:
        statement = statement.where(func.lower(Applicant.lead_name).contains(name.lower(), autoescape=True))
    # Counted without the list's order: with it, PostgreSQL's generic plan (a prepared statement's,
    # from its sixth run on a connection) walks the reference index and filters every applicant
    # (75 ms at a large council's size) instead of counting from the band and status index (0.7 ms).
    total = session.scalar(select(func.count()).select_from(statement.order_by(None).subquery())) or 0
    pages = max(1, -(-total // per_page))
    page = min(max(1, page), pages)
    found = list(session.scalars(statement.limit(per_page).offset((page - 1) * per_page)))
    if name:
        for applicant in found:
            audit.read(session, "applicant", applicant.id)
    return Found(found, total, page, pages)


def applicant_to_change(session: Session, applicant: Applicant) -> str:
    """The applicant read to fill in a change of circumstances: one audited read; the version the
    change must name."""
    audit.read(session, "applicant", applicant.id)
    return version_of(applicant)


def applicant_file(session: Session, applicant: Applicant) -> dict[str, Any]:
    """The applicant whole, for an officer: the record, the band's dated history, their bids and
    offers. One audited read (as ``GET /applicants/{id}``)."""
    audit.read(session, "applicant", applicant.id)
    history = list(session.scalars(select(BandChange).where(BandChange.applicant_id == applicant.id)
                                   .order_by(BandChange.changed_at, BandChange.id)))
    bids = session.execute(select(Bid, Advert).join(Advert, Advert.id == Bid.advert_id)
                           .where(Bid.applicant_id == applicant.id).order_by(Bid.placed_at)).all()
    offers = list(session.scalars(select(Offer).where(Offer.applicant_id == applicant.id).order_by(Offer.made_at)))
    household = [bedrooms.Member(m.date_of_birth, m.sex, m.relationship) for m in applicant.household]
    why = bedrooms.reasons(household, london_today()) if household else []
    return {"applicant": applicant, "band_history": history, "bedroom_reasons": why, "bids": [{"bid": b, "advert": a} for b, a in bids],
            "offers": offers}
