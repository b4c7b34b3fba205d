"""The data of the events lettings publishes (contracts in ``casework.contracts.lettings``).

References and what consumers act on only. The one exception is a high-risk tenancy's start:
sustainment needs the tenant to open an onboarding case, so ``tenant_details`` carries them,
sealed for sustainment alone (``casework.sealing``); every other consumer sees ciphertext.
"""

from __future__ import annotations

from typing import Any

from lettings.domain.shortlist import Shortlist
from lettings.models import Advert, Applicant, Offer, Property, SignUpPack, Tenancy, Void

PROPERTY_VOID_STARTED = "lettings.property.void_started.v1"
ADVERT_PUBLISHED = "lettings.advert.published.v1"
ADVERT_CLOSED = "lettings.advert.closed.v1"
OFFER_MADE = "lettings.offer.made.v1"
OFFER_ACCEPTED = "lettings.offer.accepted.v1"
OFFER_REFUSED = "lettings.offer.refused.v1"
OFFER_WITHDRAWN = "lettings.offer.withdrawn.v1"
OFFER_EXPIRED = "lettings.offer.expired.v1"
TENANCY_STARTED = "lettings.tenancy.started.v2"
TENANCY_ENDED = "lettings.tenancy.ended.v1"
APPLICANT_CHANGED = "lettings.applicant.changed.v1"
APPLICANT_STATUS_CHANGED = "lettings.applicant.status_changed.v1"
SIGN_UP_PACK_NOT_SIGNED = "lettings.sign_up_pack.not_signed.v1"

#: Every event type this module declares (the kernel's retention sweep publishes ``records.anonymised``).
PUBLISHED = (PROPERTY_VOID_STARTED, ADVERT_PUBLISHED, ADVERT_CLOSED, OFFER_MADE, OFFER_ACCEPTED, OFFER_REFUSED,
             OFFER_WITHDRAWN, OFFER_EXPIRED, TENANCY_STARTED, TENANCY_ENDED, APPLICANT_CHANGED,
             APPLICANT_STATUS_CHANGED, SIGN_UP_PACK_NOT_SIGNED)
#: Types no longer published, still in the catalogue for consumers to read for one release.
RETIRED = ("lettings.tenancy.started.v1",)


def property_void_started(prop: Property, void: Void) -> dict[str, Any]:
    return {"property_id": prop.id, "reference": prop.reference, "void_date": void.void_date,
            "reason": void.reason, "bedrooms": prop.bedrooms, "property_type": prop.property_type}


def advert_ref(advert: Advert) -> dict[str, Any]:
    return {"advert_id": advert.id, "reference": advert.reference, "property_id": advert.property_id}


def advert_published(advert: Advert) -> dict[str, Any]:
    return {**advert_ref(advert), "closes_at": advert.closes_at}


def advert_closed(advert: Advert, shortlist: Shortlist) -> dict[str, Any]:
    """With how many bid, and how many of them are eligible as bidding closes."""
    return {**advert_ref(advert), "bids": len(shortlist.ranked) + len(shortlist.excluded),
            "eligible": len(shortlist.ranked)}


def offer_ref(offer: Offer) -> dict[str, Any]:
    """The reference every offer event carries (and all an acceptance, withdrawal or expiry says)."""
    return {"offer_id": offer.id, "reference": offer.reference, "advert_id": offer.advert_id,
            "property_id": offer.property_id, "applicant_id": offer.applicant_id}


def offer_made(offer: Offer, *, bypassed: int) -> dict[str, Any]:
    return {**offer_ref(offer), "respond_by": offer.respond_by, "bypassed": bypassed,
            "direct_match": offer.direct_match_reason is not None}


def offer_not_taken_up(offer: Offer, *, bidders_left: int) -> dict[str, Any]:
    """A withdrawn or expired offer: with how many eligible bidders are left to offer the home to
    (a count only), so the team is told to offer the next one, or that nobody is left."""
    return {**offer_ref(offer), "bidders_left": bidders_left}


def offer_refused(offer: Offer, *, applicant_suspended: bool, bidders_left: int) -> dict[str, Any]:
    # Not the reason: the applicant's own words stay with the offer.
    return {**offer_not_taken_up(offer, bidders_left=bidders_left), "reasonable": offer.refusal_reasonable,
            "applicant_suspended": applicant_suspended}


def sign_up_pack_not_signed(offer: Offer, pack: SignUpPack, *, outcome: str) -> dict[str, Any]:
    """A sign-up pack that will not start the tenancy, and why: ``declined`` (by the tenant, or
    voided), ``not_sent`` (the provider could not be reached) or ``signed_too_late`` (the offer
    was withdrawn, or the home let, first). References only."""
    return {**offer_ref(offer), "sign_up_pack_id": pack.id, "outcome": outcome}


def tenancy_started(tenancy: Tenancy, prop: Property, applicant: Applicant) -> dict[str, Any]:
    """For everyone the tenancy's references and whether it is high-risk; only sustainment needs
    the tenant, and only for a high-risk tenancy (an onboarding case)."""
    details = {
        "tenant": {"name": applicant.lead_name, "date_of_birth": applicant.lead_date_of_birth,
                   "phone": applicant.phone, "email": applicant.email, "address": prop.address},
        "address": prop.address, "uprn": prop.uprn, "high_risk_reasons": tenancy.high_risk_reasons,
        "support_needs": tenancy.support_needs,
    } if tenancy.high_risk else None
    return {"tenancy_id": tenancy.id, "tenancy_ref": tenancy.reference, "offer_id": tenancy.offer_id,
            "property_id": prop.id, "applicant_id": applicant.id, "tenancy_start": tenancy.tenancy_start,
            "tenancy_type": tenancy.tenancy_type, "high_risk": tenancy.high_risk, "tenant_details": details}


def tenancy_ended(tenancy: Tenancy) -> dict[str, Any]:
    """The tenancy's references, its end date and the reason's code: not who the tenant was."""
    return {"tenancy_id": tenancy.id, "tenancy_ref": tenancy.reference, "property_id": tenancy.property_id,
            "applicant_id": tenancy.applicant_id, "end_date": tenancy.end_date, "reason": tenancy.end_reason}


def applicant_changed(applicant: Applicant, changed: list[str]) -> dict[str, Any]:
    """Which of the applicant's fields changed, by name: never their values, but for the band,
    which is the council's decision and not a personal detail."""
    return {"applicant_id": applicant.id, "reference": applicant.reference, "changed": changed,
            "band": applicant.band if "band" in changed else None}


def applicant_status_changed(applicant: Applicant, *, from_status: str, cause: str) -> dict[str, Any]:
    """The application's move and what caused it (an officer, unreasonable refusals, the
    suspension's end, a refusal review, sign-up): not the officer's reason, which stays here."""
    return {"applicant_id": applicant.id, "reference": applicant.reference, "from_status": from_status,
            "to_status": applicant.status, "suspended_until": applicant.suspended_until, "cause": cause}
