"""Homes and voids."""

import marshmallow as ma
from marshmallow import fields, validate

from casework.web.fields import Boolean, Date, DateTime, Money, NearDate
from lettings.core.layout import RENT_TYPES

from .common import not_negative

PROPERTY_TYPES = ("house", "flat", "maisonette", "bungalow", "bedsit")
VOID_REASONS = ("tenant_moved_out", "transfer", "tenant_died", "eviction", "abandonment", "new_build", "other")


class PropertyCreate(ma.Schema):
    address = fields.String(required=True, validate=validate.Length(min=1, max=300),
                            metadata={"example": "Flat 3, 12 Fleming Way, Swindon SN1 2NG"})
    uprn = fields.String(load_default=None, allow_none=True, validate=validate.Regexp(r"^\d{1,12}$"),
                         metadata={"example": "10008123456"})
    property_type = fields.String(required=True, validate=validate.OneOf(PROPERTY_TYPES), metadata={"example": "flat"})
    bedrooms = fields.Integer(required=True, validate=validate.Range(0, 10), metadata={"example": 2})
    floor = fields.Integer(load_default=0, validate=validate.Range(-1, 60), metadata={"example": 0})
    wheelchair_accessible = Boolean(load_default=False)
    min_age = fields.Integer(load_default=None, allow_none=True, validate=validate.Range(16, 100),
                             metadata={"example": None})
    sensitive_let = Boolean(load_default=False)
    weekly_rent = Money(required=True, validate=not_negative, metadata={"example": "98.50"})
    service_charge = Money(load_default="0.00", validate=not_negative, metadata={"example": "6.20"})
    rent_type = fields.String(load_default=None, allow_none=True, validate=validate.OneOf(RENT_TYPES), metadata={
        "example": None, "description": "CORE's rent type when it is not the council's usual one (policy)."})


class Void(ma.Schema):
    id = fields.UUID(dump_only=True)
    void_date = Date()
    reason = fields.String()
    ready_to_let_date = Date(allow_none=True)
    let_date = Date(allow_none=True)


class Property(PropertyCreate):
    id = fields.UUID(dump_only=True)
    reference = fields.String(dump_only=True, metadata={"example": "P-000001"})
    housing_ref = fields.String(dump_only=True, allow_none=True, metadata={
        "example": "PR0001234", "description": "The housing management system's reference, when imported from it."})
    void = fields.Nested(Void, attribute="current_void", allow_none=True, dump_only=True,
                         metadata={"description": "The open void, if the home is empty."})


class PropertyQueryArgs(ma.Schema):
    property_type = fields.String(validate=validate.OneOf(PROPERTY_TYPES))
    bedrooms = fields.Integer()
    void = fields.Boolean(metadata={"description": "Only homes that are (true) or are not (false) void."})
    reference = fields.String(validate=validate.Length(min=1, max=40), metadata={
        "example": "P-000007", "description": "The record with this reference (as officers quote it)."})


class VoidCreate(ma.Schema):
    void_date = NearDate(required=True, metadata={"example": "2025-03-03"})
    reason = fields.String(required=True, validate=validate.OneOf(VOID_REASONS), metadata={"example": "transfer"})
    ready_to_let_date = NearDate(load_default=None, allow_none=True, metadata={"example": "2025-03-17"})

    @ma.validates_schema
    def ready_after_void(self, data, **_):
        ready = data.get("ready_to_let_date")
        if ready is not None and ready < data["void_date"]:
            raise ma.ValidationError("The home cannot be ready to let before it went void.",
                                     field_name="ready_to_let_date")


class VoidSpell(Void):
    tenancy_ref = fields.String(allow_none=True, metadata={
        "example": "T-000012", "description": "The tenancy whose start ended the void (null while it is open)."})
    void_days = fields.Integer(metadata={
        "example": 21, "description": "Let date − void date; for an open void, the days so far (to today)."})
    rent_loss = Money(metadata={
        "example": "294.00", "description": "Weekly rent / 7 × void days: the rent at the let, or today's while open."})


class AdvertLine(ma.Schema):
    id = fields.UUID()
    reference = fields.String(metadata={"example": "ADV-000004"})
    void_id = fields.UUID()
    status = fields.String(metadata={"example": "closed", "description": "As the advert holds it: open, closed or let."})
    outcome = fields.String(metadata={"example": "closed_unlet", "description": (
        "bidding (open), offering (closed, its shortlist being offered), let, or closed_unlet (its void "
        "was advertised again or let by direct match).")})
    published_at = DateTime()
    closes_at = DateTime()
    closed_at = DateTime(allow_none=True)


class OfferLine(ma.Schema):
    id = fields.UUID()
    reference = fields.String(metadata={"example": "O-000007"})
    advert_reference = fields.String(allow_none=True, metadata={
        "example": "ADV-000004", "description": "Null for a direct match."})
    status = fields.String(metadata={"example": "signed_up",
                                     "description": "pending, accepted, signed_up, refused, withdrawn or expired"})
    applicant_reference = fields.String(metadata={"example": "A-000002"})
    made_at = DateTime()
    respond_by = DateTime()
    answered_at = DateTime(allow_none=True)


class TenancyLine(ma.Schema):
    reference = fields.String(metadata={"example": "T-000012"})
    tenancy_start = Date()
    end_date = Date(allow_none=True)
    end_reason = fields.String(allow_none=True, metadata={"example": "transfer"})


class History(ma.Schema):
    voids = fields.List(fields.Nested(VoidSpell))
    adverts = fields.List(fields.Nested(AdvertLine))
    offers = fields.List(fields.Nested(OfferLine))
    tenancies = fields.List(fields.Nested(TenancyLine))


class PropertyWithHistory(Property):
    history = fields.Nested(History, dump_only=True, metadata={
        "description": "The home's whole life, each list oldest first, in full (a home is let a few dozen "
                       "times at most; not paginated)."})
