"""Events the intake service publishes."""

from marshmallow import fields, validate

from .common import EventData, Person, RiskFactor, RiskLevel, Timestamp, register_privacy

PRIORITIES = ("routine", "urgent", "emergency")


class ReferralRef(EventData):
    referral_id = fields.UUID(required=True)
    reference = fields.String(required=True)
    source_system = fields.String(required=True)
    #: The client id (token ``sub``) of the referrer that made it, for its webhooks.
    referrer_client = fields.String(allow_none=True)


class ReferralReceived(ReferralRef):
    """A referral arrived and was risk-scored; it waits for triage."""

    risk_level = RiskLevel(required=True)
    risk_score = fields.Integer(required=True)
    reasons = fields.List(fields.String(), required=True)
    triage_due = Timestamp(required=True)
    possible_duplicate_of = fields.List(fields.UUID(), load_default=list, dump_default=list)


class Risk(EventData):
    level = RiskLevel(required=True)
    score = fields.Integer(required=True)
    factors = fields.List(fields.Nested(RiskFactor), required=True)


class ReferralAccepted(ReferralRef):
    """Triage accepted the referral: enough for sustainment to open a case, no free text."""

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
    catalogue.register(
        "casework.intake.referral.accepted.v1", ReferralAccepted, producer="intake",
        consumers=("sustainment", "notifications"),
    )
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
