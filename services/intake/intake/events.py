"""The data of the events intake publishes (contracts in ``casework.contracts.intake``).

References and what consumers act on only: never the free-text details, the safeguarding
exemption's reason, or a rejection reason. The person, reasons and risk factors go to
sustainment alone, sealed for it (``case_details``): notifications takes every event.
"""

from __future__ import annotations

from intake.models import Referral

RECEIVED = "intake.referral.received.v2"
ACCEPTED = "intake.referral.accepted.v2"
REJECTED = "intake.referral.rejected.v1"
SIGNPOSTED = "intake.referral.signposted.v1"
WITHDRAWN = "intake.referral.withdrawn.v1"
RESTRICTED_READ = "intake.restricted.read.v1"


def _ref(referral: Referral) -> dict:
    return {"referral_id": referral.id, "reference": referral.reference, "source_system": referral.source_system,
            "referrer_client": referral.referrer_client}


def received(referral: Referral) -> dict:
    return {**_ref(referral), "risk_level": referral.risk_level, "triage_due": referral.triage_due,
            "possible_duplicate_of": [link["id"] for link in referral.possible_duplicate_of]}


def accepted(referral: Referral) -> dict:
    """References and priority for everyone; what sustainment needs to open a case (person,
    contact, reasons, risk, money, consent) sealed for it."""
    return {
        **_ref(referral),
        "priority": referral.priority, "risk_level": referral.risk_level, "tenancy_ref": referral.tenancy_ref,
        "accepted_by": referral.triaged_by, "accepted_at": referral.triaged_at, "received_at": referral.received_at,
        "case_details": {
            "person": {"name": referral.person_name, "date_of_birth": referral.person_date_of_birth,
                       "phone": referral.person_phone, "email": referral.person_email,
                       "address": referral.person_address},
            "uprn": referral.uprn, "reasons": list(referral.reasons),
            "risk": {"level": referral.risk_level, "score": referral.risk_score,
                     "factors": [dict(factor) for factor in referral.risk_factors]},
            "arrears_balance": referral.arrears_balance, "weekly_rent": referral.weekly_rent,
            "clutter_rating": referral.clutter_rating, "consent_given": referral.consent_given,
            "safeguarding_exemption": bool(referral.safeguarding_exemption_reason),
        },
    }


def rejected(referral: Referral) -> dict:
    return {**_ref(referral), "triaged_by": referral.triaged_by}


def signposted(referral: Referral) -> dict:
    return {**_ref(referral), "triaged_by": referral.triaged_by, "signposted_to": referral.signposted_to}


def withdrawn(referral: Referral) -> dict:
    return _ref(referral)


def restricted_read(referral: Referral, *, reader: str, read_at) -> dict:
    """A break-glass read of a referral's restricted details: who read it and when, never what."""
    return {"referral_id": referral.id, "reference": referral.reference, "reader": reader, "read_at": read_at}
