"""Offers, pre-tenancy checks and sign-up."""

import marshmallow as ma
from marshmallow import fields, validate

from casework.web.fields import Boolean, Date, DateTime, Money, NearDate, NearDateTime

from .statuses import RefusalReview

TENANCY_TYPES = ("introductory", "secure", "flexible", "demoted")
LETTER_KINDS = ("offer", "refusal", "withdrawal")
#: Why a tenancy ended: the reason its home is void again (a void's reasons, less a new build).
TENANCY_END_REASONS = ("tenant_moved_out", "transfer", "tenant_died", "eviction", "abandonment", "other")


class AdvertOfferCreate(ma.Schema):
    applicant_id = fields.UUID(load_default=None, allow_none=True, metadata={
        "description": "A named bidder; by default the top of the shortlist not yet offered."})
    bypass_reason = fields.String(load_default=None, allow_none=True, validate=validate.Length(min=1, max=500),
                                  metadata={"example": "Top bidder is in hospital and cannot view before the let date."})
    respond_by = NearDateTime(load_default=None, allow_none=True, metadata={
        "description": "By default the close of business on the policy's working day (3 by default)."})


class DirectOfferCreate(ma.Schema):
    property_id = fields.UUID(required=True)
    applicant_id = fields.UUID(required=True)
    direct_match_reason = fields.String(required=True, validate=validate.Length(min=1, max=500),
                                        metadata={"example": "Urgent move: fleeing domestic abuse (MARAC)."})
    respond_by = NearDateTime(load_default=None, allow_none=True)


class Offer(ma.Schema):
    id = fields.UUID()
    reference = fields.String(metadata={"example": "O-000007"})
    advert_id = fields.UUID(allow_none=True)
    property_id = fields.UUID()
    applicant_id = fields.UUID()
    status = fields.String(metadata={"example": "pending",
                                     "description": "pending or accepted (live); signed_up, refused, withdrawn or expired (final)"})
    made_at = DateTime()
    made_by = fields.String()
    respond_by = DateTime()
    bypass_reason = fields.String(allow_none=True)
    direct_match_reason = fields.String(allow_none=True)
    answered_at = DateTime(allow_none=True)
    refusal_reason = fields.String(allow_none=True)
    refusal_reason_code = fields.String(allow_none=True, metadata={"example": "location"})
    refusal_reasonable = Boolean(allow_none=True)
    withdrawal_reason = fields.String(allow_none=True)
    refusal_review = fields.Nested(RefusalReview, allow_none=True,
                                   metadata={"description": "The refusal's review, once reviewed (else null)."})


class OfferRefusal(ma.Schema):
    reason_code = fields.String(load_default=None, allow_none=True, validate=validate.Length(min=1, max=40),
                                metadata={"example": "location",
                                          "description": "Why, as a code from the policy's `offers.refusal_reasons`."})
    reason = fields.String(required=True, validate=validate.Length(min=1, max=500),
                           metadata={"example": "Too far from the children's school."})
    reasonable = Boolean(required=True, metadata={"description": "The council's judgement of the refusal."})


class OfferWithdrawal(ma.Schema):
    reason = fields.String(required=True, validate=validate.Length(min=1, max=500),
                           metadata={"example": "Pre-tenancy checks found the applicant no longer eligible."})


class Affordability(ma.Schema):
    result = fields.String(metadata={"example": "refer"})
    monthly_net_income = Money()
    monthly_outgoings = Money()
    monthly_housing_cost = Money(metadata={"description": "(rent + service charge) × 52 / 12"})
    residual_monthly = Money(metadata={"example": "120.35"})
    referral_margin = Money(metadata={"example": "150.00"})


class PreTenancyCheck(ma.Schema):
    id = fields.UUID()
    offer_id = fields.UUID()
    result = fields.String(metadata={"example": "pass", "description": "pass, refer or fail"})
    residual_monthly = Money()
    eligible = Boolean()
    eligibility_reasons = fields.List(fields.Dict())
    affordability = fields.Function(lambda c: Affordability().dump({
        "result": c.affordability_result, "monthly_net_income": c.monthly_net_income,
        "monthly_outgoings": c.monthly_outgoings, "monthly_housing_cost": c.monthly_housing_cost,
        "residual_monthly": c.residual_monthly, "referral_margin": c.referral_margin}))
    checked_by = fields.String()
    checked_at = DateTime()


class SignUp(ma.Schema):
    tenancy_start = NearDate(past=1, future=1, required=True, metadata={"example": "2025-03-24"})
    tenancy_type = fields.String(load_default=None, allow_none=True, validate=validate.OneOf(TENANCY_TYPES),
                                 metadata={"description": "By default introductory for new tenants (policy)."})
    support_needs = fields.List(fields.String(validate=validate.Length(min=1, max=60)), load_default=list,
                                metadata={"example": ["mental_health"]})
    override_reason = fields.String(load_default=None, allow_none=True, validate=validate.Length(min=1, max=500),
                                    metadata={"description": "Needed to sign up when the checks failed."})


class TenancyImport(ma.Schema):
    """A current tenancy as the housing management system holds it (``casework import tenancies``)."""

    housing_ref = fields.String(required=True, validate=[
        validate.Length(min=1, max=40),
        validate.Regexp(r"^(?![Tt]-\d+$)", error="T- and a number is Casework's own numbering: give the housing "
                                                 "system's reference.")])
    tenancy_start = Date(required=True, metadata={"example": "2011-04-04"})
    tenancy_type = fields.String(required=True, validate=validate.OneOf(TENANCY_TYPES), metadata={"example": "secure"})


class Tenancy(ma.Schema):
    id = fields.UUID()
    tenancy_ref = fields.String(attribute="reference", metadata={
        "example": "T-000012", "description": "Casework's own, or for an imported tenancy the housing system's."})
    offer_id = fields.UUID(allow_none=True, metadata={
        "description": "Null for a tenancy imported from the housing management system."})
    housing_ref = fields.String(allow_none=True, metadata={
        "example": None, "description": "The housing management system's reference, when imported from it."})
    property_id = fields.UUID()
    applicant_id = fields.UUID()
    tenancy_start = Date()
    tenancy_type = fields.String(metadata={"example": "introductory"})
    high_risk = Boolean()
    high_risk_reasons = fields.List(fields.String(), metadata={"example": ["support_needs"]})
    support_needs = fields.List(fields.String())
    override_reason = fields.String(allow_none=True)
    weekly_rent = Money()
    service_charge = Money()
    end_date = Date(allow_none=True)
    end_reason = fields.String(allow_none=True, metadata={"example": "tenant_moved_out"})
    checks = fields.Nested(PreTenancyCheck, dump_only=True)


class TenancyEnd(ma.Schema):
    end_date = NearDate(required=True, metadata={"example": "2027-03-31"})
    reason = fields.String(required=True, validate=validate.OneOf(TENANCY_END_REASONS),
                           metadata={"example": "tenant_moved_out"})


class LetterPath(ma.Schema):
    kind = fields.String(validate=validate.OneOf(LETTER_KINDS))


OFFER_STATUSES = ("pending", "accepted", "signed_up", "refused", "withdrawn", "expired")


class OfferQueryArgs(ma.Schema):
    reference = fields.String(validate=validate.Length(min=1, max=40), metadata={
        "example": "O-000007", "description": "The offer with this reference (as officers quote it)."})
    status = fields.String(validate=validate.OneOf(OFFER_STATUSES), metadata={"example": "pending"})
    advert_id = fields.UUID()
    property_id = fields.UUID()
    applicant_id = fields.UUID()


class TenancyQueryArgs(ma.Schema):
    reference = fields.String(validate=validate.Length(min=1, max=40), metadata={
        "example": "T-000012", "description": "The tenancy with this reference."})
    property_id = fields.UUID()
    applicant_id = fields.UUID()
    current = fields.Boolean(metadata={"description": "Only tenancies not (true) or already (false) ended."})


class SignUpPack(ma.Schema):
    """A sign-up pack sent for e-signature (the agreement itself is not returned: it is personal data)."""

    id = fields.UUID()
    offer_id = fields.UUID()
    provider = fields.String(metadata={"example": "docusign"})
    status = fields.String(metadata={
        "example": "sent", "description": "sending (retried while the provider cannot be reached), sent (waiting "
                                          "for the tenant), signed, declined, or failed (every attempt failed); when the offer is withdrawn: "
                                          "voiding (retried while the provider cannot be reached), voided, or "
                                          "not_voided (every attempt failed)"})
    envelope_id = fields.String(allow_none=True, metadata={"description": "The provider's id for the pack."})
    tenancy_start = Date()
    tenancy_type = fields.String()
    support_needs = fields.List(fields.String())
    override_reason = fields.String(allow_none=True)
    requested_by = fields.String()
    requested_at = DateTime()
    attempts = fields.Integer()
    last_error = fields.String(allow_none=True, metadata={"example": "HTTP 503: no error code"})
    sent_at = DateTime(allow_none=True)
    answered_at = DateTime(allow_none=True)
    provider_event = fields.String(allow_none=True, metadata={"example": "envelope-completed"})
    note = fields.String(allow_none=True)
