"""Events the intake service publishes."""

from marshmallow import fields, validate

from casework.sealing import Sealed

from .common import EventData, Person, RiskFactor, RiskLevel, Timestamp, register_privacy

PRIORITIES = ("routine", "urgent", "emergency")


class ReferralRef(EventData):
    referral_id = fields.UUID(required=True)
    reference = fields.String(required=True)
    source_system = fields.String(required=True)
    #: The client id (token ``sub``) of the referrer that made it, for its webhooks.
    referrer_client = fields.String(allow_none=True)


class ReferralReceivedV2(ReferralRef):
    """A referral arrived and was risk-scored; it waits for triage. Its reasons stay in intake."""

    risk_level = RiskLevel(required=True)
    triage_due = Timestamp(required=True)
    possible_duplicate_of = fields.List(fields.UUID(), load_default=list, dump_default=list)


class ReferralReceived(ReferralRef):
    """Retired (it carried the reasons, special-category codes among them, to notifications):
    ``referral.received.v2`` replaces it. Still read for one release, no longer published."""

    risk_level = RiskLevel(required=True)
    risk_score = fields.Integer(required=True)
    reasons = fields.List(fields.String(), required=True)
    triage_due = Timestamp(required=True)
    possible_duplicate_of = fields.List(fields.UUID(), load_default=list, dump_default=list)


class Risk(EventData):
    level = RiskLevel(required=True)
    score = fields.Integer(required=True)
    factors = fields.List(fields.Nested(RiskFactor), required=True)


class ReferralCase(EventData):
    """What sustainment needs to open a case from a referral: sealed for it alone."""

    person = fields.Nested(Person, required=True)
    uprn = fields.String(allow_none=True)
    reasons = fields.List(fields.String(), required=True)
    risk = fields.Nested(Risk, required=True)
    arrears_balance = fields.Decimal(as_string=True, allow_none=True)
    weekly_rent = fields.Decimal(as_string=True, allow_none=True)
    clutter_rating = fields.Integer(allow_none=True)
    consent_given = fields.Boolean(required=True)
    safeguarding_exemption = fields.Boolean(load_default=False, dump_default=False)


class ReferralAcceptedV2(ReferralRef):
    """Triage accepted the referral. The person, reasons, risk factors and money travel in
    ``case_details``, sealed for sustainment (``casework.sealing``); the rest are references."""

    priority = fields.String(required=True, validate=validate.OneOf(PRIORITIES))
    risk_level = RiskLevel(required=True)
    tenancy_ref = fields.String(allow_none=True)
    accepted_by = fields.String(required=True)
    accepted_at = Timestamp(required=True)
    #: When intake received the referral (for "days from referral to case opened"); added later,
    #: so absent from older events.
    received_at = Timestamp(allow_none=True, load_default=None)
    case_details = Sealed(ReferralCase, to="sustainment", required=True)


class ReferralAccepted(ReferralRef):
    """Retired (it carried the person, reasons and risk factors in the clear to every consumer):
    ``referral.accepted.v2`` replaces it. Still read for one release, no longer published."""

    priority = fields.String(required=True, validate=validate.OneOf(PRIORITIES))
    person = fields.Nested(Person, required=True)
    tenancy_ref = fields.String(allow_none=True)
    uprn = fields.String(allow_none=True)
    reasons = fields.List(fields.String(), required=True)
    risk = fields.Nested(Risk, required=True)
    arrears_balance = fields.Decimal(as_string=True, allow_none=True)
    weekly_rent = fields.Decimal(as_string=True, allow_none=True)
    clutter_rating = fields.Integer(allow_none=True)
    consent_given = fields.Boolean(required=True)
    safeguarding_exemption = fields.Boolean(load_default=False, dump_default=False)
    accepted_by = fields.String(required=True)
    accepted_at = Timestamp(required=True)


class ReferralTriaged(ReferralRef):
    """Triage closed the referral without a case (rejected or signposted)."""

    triaged_by = fields.String(required=True)


class ReferralSignposted(ReferralTriaged):
    signposted_to = fields.String(required=True)


class ReferralWithdrawn(ReferralRef):
    """The referrer withdrew the referral before it was triaged."""


class ReferralRestrictedRead(EventData):
    """Someone who does not triage referrals read a referral's restricted (safeguarding and health)
    details, giving a reason ("break glass"); the reason stays in the audit."""

    referral_id = fields.UUID(required=True)
    reference = fields.String(required=True)
    reader = fields.String(required=True)
    read_at = Timestamp(required=True)


def register(catalogue) -> None:
    every = ("notifications",)
    catalogue.register("casework.intake.referral.received.v1", ReferralReceived, producer="intake", consumers=every)
    catalogue.register("casework.intake.referral.received.v2", ReferralReceivedV2, producer="intake", consumers=every)
    for type_, schema in (("casework.intake.referral.accepted.v1", ReferralAccepted),
                          ("casework.intake.referral.accepted.v2", ReferralAcceptedV2)):
        catalogue.register(type_, schema, producer="intake", consumers=("sustainment", "notifications"))
    catalogue.register(
        "casework.intake.referral.rejected.v1", ReferralTriaged, producer="intake", consumers=every,
        summary="Triage rejected the referral.",
    )
    catalogue.register("casework.intake.referral.signposted.v1", ReferralSignposted, producer="intake", consumers=every,
                       summary="Triage signposted the referral to another service.")
    catalogue.register("casework.intake.referral.withdrawn.v1", ReferralWithdrawn, producer="intake", consumers=every)
    catalogue.register("casework.intake.restricted.read.v1", ReferralRestrictedRead, producer="intake",
                       consumers=every)
    register_privacy(catalogue, "intake")
