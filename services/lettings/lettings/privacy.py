"""Data protection in lettings: what it holds about a household, and what anonymising a record means."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from sqlalchemy import and_, func, or_, select, true
from sqlalchemy.orm import Session, selectinload

from casework.audit import AuditEntry
from casework.db import utcnow
from casework.portable import uuid_text
from casework.privacy import (
    REMOVED,
    SWEEP_BATCH,
    Found,
    RetentionRule,
    all_written,
    retention_policy,
    same_name,
    years_before,
)
from casework.privacy.holds import held
from lettings.models import Applicant, HouseholdMember, Letter, Offer, SignUpPack, Tenancy
from lettings.schemas.applicant_changes import BandHistoryEntry
from lettings.schemas.applicants import Applicant as ApplicantSchema
from lettings.schemas.offers import Offer as OfferSchema
from lettings.schemas.offers import SignUpPack as SignUpPackSchema
from lettings.schemas.offers import Tenancy as TenancySchema

#: Keys of the audit snapshots that hold personal data or free text.
AUDIT_KEYS = frozenset({"household", "name", "date_of_birth", "contact", "phone", "email", "status_reason",
                        "reason", "refusal_reason", "withdrawal_reason", "bypass_reason", "direct_match_reason",
                        "override_reason", "refusal_review_reason"})


def find_subject(session: Session, query: dict[str, Any]) -> list[Found]:
    """The household's application, its offers and tenancies: by tenancy, or by a member's name and birth date."""
    conditions = []
    if query.get("tenancy_ref"):
        conditions.append(Applicant.id.in_(select(Tenancy.applicant_id).where(
            func.lower(Tenancy.reference) == query["tenancy_ref"].strip().lower())))
    if query.get("name") and query.get("date_of_birth"):
        conditions.append(Applicant.id.in_(select(HouseholdMember.applicant_id).where(
            same_name(HouseholdMember.name, query["name"]), HouseholdMember.date_of_birth == query["date_of_birth"])))
        conditions.append(and_(same_name(Applicant.lead_name, query["name"]),
                               Applicant.lead_date_of_birth == query["date_of_birth"]))
    if not conditions:
        return []
    found: list[Found] = []
    for applicant in session.scalars(select(Applicant).where(or_(*conditions)).order_by(Applicant.created_at)):
        found.append(Found("applicant", applicant.id, {
            **ApplicantSchema().dump(applicant),
            "band_history": BandHistoryEntry(many=True).dump(applicant.band_history)}))
        for offer in session.scalars(select(Offer).where(Offer.applicant_id == applicant.id).order_by(Offer.made_at)):
            found.append(Found("offer", offer.id, OfferSchema().dump(offer)))
            for letter in session.scalars(select(Letter).where(Letter.offer_id == offer.id).order_by(Letter.issued_at)):
                found.append(Found("letter", letter.id, letter_record(letter)))
            for pack in session.scalars(select(SignUpPack).where(SignUpPack.offer_id == offer.id)
                                        .order_by(SignUpPack.requested_at)):
                found.append(Found("sign_up_pack", pack.id, {**SignUpPackSchema().dump(pack), "document": pack.document}))
        for tenancy in session.scalars(select(Tenancy).where(Tenancy.applicant_id == applicant.id)):
            found.append(Found("tenancy", tenancy.id, TenancySchema().dump(tenancy)))
    return found


def letter_record(letter: Letter) -> dict[str, Any]:
    """A letter as the person was sent it: its kind, date, the values it was written from and its text."""
    return {"offer_id": str(letter.offer_id), "kind": letter.kind, "issued_at": letter.issued_at.isoformat(),
            "issued_on_first_read": letter.issued_on_first_read, "values": letter.values, "text": letter.text,
            "anonymised_at": letter.anonymised_at.isoformat() if letter.anonymised_at else None}


def _last_changed(record_type: str, id_column: Any) -> Any:
    """When the record last changed, from its audit trail (reads do not count)."""
    return (select(func.max(AuditEntry.at))
            .where(AuditEntry.record_type == record_type, AuditEntry.action != "read",
                   AuditEntry.record_id == uuid_text(id_column))
            .scalar_subquery())


def _not_held(session: Session, record_type: str, id_column: Any) -> Any:
    """The condition that the record is under no legal hold (held ones are never due). Holds are
    few: their ids are bound as values, which compares alike on both databases (SQLite keeps an id
    as 32 hex digits, a hold names it as written)."""
    ids = [uuid.UUID(record_id) for record_id in held(session, record_type)]
    return id_column.not_in(ids) if ids else true()


def due_applicants(session: Session, now: dt.datetime) -> list[Applicant]:
    """Cancelled applications unchanged for the retention period, not yet anonymised, not held; the
    oldest ``SWEEP_BATCH`` of them."""
    cutoff = years_before(now, retention_policy("lettings").get("closed_applicant_years", 1))
    return list(session.scalars(
        select(Applicant).where(Applicant.status == "cancelled", Applicant.anonymised_at.is_(None),
                                func.coalesce(_last_changed("applicant", Applicant.id), Applicant.created_at) < cutoff,
                                _not_held(session, "applicant", Applicant.id))
        .order_by(Applicant.created_at).limit(SWEEP_BATCH).with_for_update(skip_locked=True)
        # what anonymising changes, read with the batch (a query a kind, not two lazy loads an applicant)
        .options(selectinload(Applicant.household), selectinload(Applicant.band_history))))


def due_offers(session: Session, now: dt.datetime) -> list[Offer]:
    """Answered offers past their period (a let offer's is longer), not yet anonymised, not held; the
    oldest ``SWEEP_BATCH`` of them."""
    policy = retention_policy("lettings")
    answered = years_before(now, policy.get("answered_offer_years", 2))
    let = years_before(now, policy.get("let_offer_years", 6))
    return list(session.scalars(
        select(Offer).where(Offer.anonymised_at.is_(None), or_(
            and_(Offer.status.in_(("refused", "withdrawn", "expired")),
                 func.coalesce(Offer.answered_at, Offer.made_at) < answered),
            and_(Offer.status.in_(("accepted", "signed_up")), func.coalesce(Offer.answered_at, Offer.made_at) < let)),
            _not_held(session, "offer", Offer.id))
        .order_by(Offer.made_at).limit(SWEEP_BATCH).with_for_update(skip_locked=True)))


def _year_only(value: dt.date) -> dt.date:
    return dt.date(value.year, 1, 1)


def anonymise_applicant(session: Session, applicant: Applicant) -> None:
    """Names, contact details and reasons removed; birth dates keep the year (ages for statistics)."""
    applicant.lead_name = REMOVED
    applicant.lead_date_of_birth = _year_only(applicant.lead_date_of_birth)
    applicant.phone = applicant.email = None
    applicant.status_reason = None if applicant.status_reason is None else REMOVED
    for member in applicant.household:
        member.name = REMOVED
        member.date_of_birth = _year_only(member.date_of_birth)
    for change in applicant.band_history:  # a medical award's reason, say: the band and dates stay
        change.reason = REMOVED
    applicant.anonymised_at = utcnow()
    all_written(applicant, "lead_name", "lead_date_of_birth", "phone", "email", "status_reason", "anonymised_at")


def anonymise_applicants_letters(session: Session, applicants: list[Applicant]) -> None:
    """The letters to the households name them: they go too (one look for a sweep's batch)."""
    anonymise_letters(session, select(Offer.id).where(Offer.applicant_id.in_([a.id for a in applicants])))


#: An offer's free text: officers' and the applicant's reasons.
OFFER_REASONS = ("bypass_reason", "direct_match_reason", "refusal_reason", "withdrawal_reason", "refusal_review_reason")


def anonymise_offer(session: Session, offer: Offer) -> None:
    """The officers' and applicant's free text removed; status, dates and reasonableness kept."""
    for name in OFFER_REASONS:
        if getattr(offer, name) is not None:
            setattr(offer, name, REMOVED)
    offer.anonymised_at = utcnow()
    all_written(offer, *OFFER_REASONS, "anonymised_at")


def anonymise_offers_letters(session: Session, offers: list[Offer]) -> None:
    """The letters about the offers and their sign-up packs (one look for a sweep's batch)."""
    anonymise_letters(session, [offer.id for offer in offers])


def anonymise_letters(session: Session, offer_ids: Any) -> None:
    """The letters' values and text removed (they name the household and quote its reasons); that a
    letter of each kind was issued, and when, stays."""
    for letter in session.scalars(select(Letter).where(Letter.offer_id.in_(offer_ids), Letter.anonymised_at.is_(None))):
        letter.values = None
        letter.text = None
        letter.anonymised_at = utcnow()
    # The tenancy agreement sent for signature names the household too.
    for pack in session.scalars(select(SignUpPack).where(SignUpPack.offer_id.in_(offer_ids),
                                                         SignUpPack.anonymised_at.is_(None))):
        pack.document = None
        pack.override_reason = None if pack.override_reason is None else REMOVED
        pack.anonymised_at = utcnow()


RETENTION = [
    RetentionRule("applicant", due=due_applicants, anonymise=anonymise_applicant, audit_keys=AUDIT_KEYS,
                  together=anonymise_applicants_letters),
    RetentionRule("offer", due=due_offers, anonymise=anonymise_offer, audit_keys=AUDIT_KEYS,
                  together=anonymise_offers_letters),
]


#: What a legal hold may be placed on.
HOLDABLE = {"applicant": Applicant, "offer": Offer, "tenancy": Tenancy}  # a hold on an offer keeps its letters
