"""Events the lettings service publishes."""

from marshmallow import fields, validate

from casework.sealing import Sealed

from .common import EventData, Person, Timestamp, register_privacy


class PropertyVoidStarted(EventData):
    """A property became void (empty) and needs letting."""

    property_id = fields.UUID(required=True)
    reference = fields.String(required=True)
    void_date = fields.Date(required=True)
    reason = fields.String(required=True)
    bedrooms = fields.Integer(required=True)
    property_type = fields.String(required=True)


class AdvertRef(EventData):
    advert_id = fields.UUID(required=True)
    reference = fields.String(required=True)
    property_id = fields.UUID(required=True)


class AdvertPublished(AdvertRef):
    closes_at = Timestamp(required=True)


class AdvertClosed(AdvertRef):
    """Bidding closed; the shortlist is frozen."""

    bids = fields.Integer(required=True)
    eligible = fields.Integer(required=True)


class OfferRef(EventData):
    offer_id = fields.UUID(required=True)
    reference = fields.String(required=True)
    advert_id = fields.UUID(allow_none=True)
    property_id = fields.UUID(required=True)
    applicant_id = fields.UUID(required=True)


class OfferMade(OfferRef):
    respond_by = Timestamp(required=True)
    bypassed = fields.Integer(load_default=0, dump_default=0)
    direct_match = fields.Boolean(load_default=False, dump_default=False)


class OfferAccepted(OfferRef):
    """The applicant accepted the offer."""


class OfferNotTakenUp(OfferRef):
    """``bidders_left``: how many eligible bidders on the advert have not been offered the home
    (0 for a direct match). Added compatibly: absent (null) from producers before it."""

    bidders_left = fields.Integer(allow_none=True, load_default=None)


class OfferRefused(OfferNotTakenUp):
    """The applicant refused; ``reasonable`` is the council's judgement of the refusal."""

    reasonable = fields.Boolean(required=True)
    applicant_suspended = fields.Boolean(required=True)


class OfferWithdrawn(OfferNotTakenUp):
    """The council withdrew the offer."""


class OfferExpired(OfferNotTakenUp):
    """The offer's response time passed without an answer."""


class TenantDetails(EventData):
    """What sustainment needs to open an onboarding case for a high-risk new tenant: sealed for it alone."""

    tenant = fields.Nested(Person, required=True)
    address = fields.String(required=True)
    uprn = fields.String(allow_none=True)
    high_risk_reasons = fields.List(fields.String(), load_default=list, dump_default=list)
    support_needs = fields.List(fields.String(), load_default=list, dump_default=list)


class TenancyStartedV2(EventData):
    """A tenancy was signed up; ``high_risk`` tenants get onboarding support. For them only,
    ``tenant_details`` carries the tenant, the home's address and the support needs, sealed for
    sustainment (``casework.sealing``); otherwise it is null."""

    tenancy_id = fields.UUID(required=True)
    tenancy_ref = fields.String(required=True)
    offer_id = fields.UUID(required=True)
    property_id = fields.UUID(required=True)
    applicant_id = fields.UUID(required=True)
    tenancy_start = fields.Date(required=True)
    tenancy_type = fields.String(required=True)
    high_risk = fields.Boolean(required=True)
    tenant_details = Sealed(TenantDetails, to="sustainment", required=True, allow_none=True)


class TenancyEnded(EventData):
    """A tenancy ended (the home's next void starts): its references, the end date and why, as a
    code (the reasons a home falls void). Sustainment notes it on any open case for the tenancy."""

    tenancy_id = fields.UUID(required=True)
    tenancy_ref = fields.String(required=True)
    property_id = fields.UUID(required=True)
    applicant_id = fields.UUID(required=True)
    end_date = fields.Date(required=True)
    reason = fields.String(required=True)


class TenancyStarted(EventData):
    """Retired (it carried the tenant's contact details and support needs in the clear to every
    consumer): ``tenancy.started.v2`` replaces it. Still read for one release, no longer published."""

    tenancy_id = fields.UUID(required=True)
    tenancy_ref = fields.String(required=True)
    offer_id = fields.UUID(required=True)
    property_id = fields.UUID(required=True)
    applicant_id = fields.UUID(required=True)
    tenancy_start = fields.Date(required=True)
    tenancy_type = fields.String(required=True)
    high_risk = fields.Boolean(required=True)
    high_risk_reasons = fields.List(fields.String(), load_default=list, dump_default=list)
    support_needs = fields.List(fields.String(), load_default=list, dump_default=list)
    tenant = fields.Nested(Person, required=True)
    address = fields.String(required=True)
    uprn = fields.String(allow_none=True)


class ApplicantChanged(EventData):
    """An applicant's circumstances changed: ``changed`` names the fields (``household``,
    ``bedroom_need``, ``monthly_net_income``, ``band``, …), never their values; ``band`` is the
    new band when it moved, else null."""

    applicant_id = fields.UUID(required=True)
    reference = fields.String(required=True)
    changed = fields.List(fields.String(), required=True)
    band = fields.String(required=True, allow_none=True)


class ApplicantStatusChanged(EventData):
    """An application moved between active, suspended, housed and cancelled. ``cause`` says why:
    ``officer``, ``unreasonable_refusals``, ``suspension_ended`` (its end date came),
    ``refusal_review`` (a refusal found reasonable on review) or ``signed_up``. The officer's
    reason stays in lettings."""

    applicant_id = fields.UUID(required=True)
    reference = fields.String(required=True)
    from_status = fields.String(required=True)
    to_status = fields.String(required=True)
    suspended_until = fields.Date(required=True, allow_none=True,
                                  metadata={"description": "While suspended, the day the suspension ends."})
    cause = fields.String(required=True)


class SignUpPackNotSigned(OfferRef):
    """A sign-up pack sent through the e-signature provider will not start the tenancy: the tenant
    declined it (or it was voided), it could not be sent, or it was signed after the offer was
    withdrawn. The lettings team contacts the applicant, sends it again or signs up in person."""

    sign_up_pack_id = fields.UUID(required=True)
    outcome = fields.String(required=True, validate=validate.OneOf(("declined", "not_sent", "signed_too_late")))


def register(catalogue) -> None:
    n = ("notifications",)
    for name, schema, consumers in (
        ("property.void_started", PropertyVoidStarted, n),
        ("advert.published", AdvertPublished, n),
        ("advert.closed", AdvertClosed, n),
        ("offer.made", OfferMade, n),
        ("offer.accepted", OfferAccepted, n),
        ("offer.refused", OfferRefused, n),
        ("offer.withdrawn", OfferWithdrawn, n),
        ("offer.expired", OfferExpired, n),
        ("applicant.changed", ApplicantChanged, n),
        ("tenancy.started", TenancyStarted, ("sustainment", "notifications")),
        ("tenancy.ended", TenancyEnded, ("sustainment", "notifications")),
        ("applicant.status_changed", ApplicantStatusChanged, n),
        ("sign_up_pack.not_signed", SignUpPackNotSigned, n),
    ):
        catalogue.register(f"casework.lettings.{name}.v1", schema, producer="lettings", consumers=consumers)
    catalogue.register("casework.lettings.tenancy.started.v2", TenancyStartedV2, producer="lettings",
                       consumers=("sustainment", "notifications"))
    register_privacy(catalogue, "lettings")
