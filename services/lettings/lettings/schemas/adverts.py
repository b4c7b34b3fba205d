"""Adverts, bids and shortlists."""

import marshmallow as ma
from marshmallow import fields, validate

from casework.web.fields import Boolean, Date, DateTime, NearDateTime


class AdvertCreate(ma.Schema):
    property_id = fields.UUID(required=True)
    closes_at = NearDateTime(required=True, metadata={"example": "2025-03-10T23:59:00Z"})


class Advert(ma.Schema):
    id = fields.UUID()
    reference = fields.String(metadata={"example": "ADV-000004"})
    property_id = fields.UUID()
    void_id = fields.UUID(metadata={"description": "The void it advertises: a void found no taker is advertised again."})
    status = fields.String(metadata={"example": "open", "description": "open, closed (shortlist frozen) or let"})
    published_at = DateTime()
    closes_at = DateTime()
    closed_at = DateTime(allow_none=True)


class AdvertQueryArgs(ma.Schema):
    status = fields.String(validate=validate.OneOf(("open", "closed", "let")))
    property_id = fields.UUID()
    reference = fields.String(validate=validate.Length(min=1, max=40), metadata={
        "example": "ADV-000003", "description": "The record with this reference (as officers quote it)."})


class BidCreate(ma.Schema):
    applicant_id = fields.UUID(required=True)


class Bid(ma.Schema):
    id = fields.UUID()
    advert_id = fields.UUID()
    applicant_id = fields.UUID()
    placed_at = DateTime()


class Bypassed(ma.Schema):
    reason = fields.String()
    offer_id = fields.UUID()
    recorded_at = DateTime()


class RankedBidder(ma.Schema):
    applicant_id = fields.UUID()
    reference = fields.String(metadata={"example": "A-000002"})
    position = fields.Integer(metadata={"example": 1})
    band = fields.String(metadata={"example": "A"})
    effective_date = Date()
    application_date = Date()
    bid_at = DateTime()
    wheelchair_user = Boolean()
    offer = fields.Dict(allow_none=True, metadata={
        "description": "The latest offer of this home to the bidder, if any (id, reference, status).",
        "example": {"id": "6b1e…", "reference": "O-000007", "status": "refused"}})
    bypassed = fields.List(fields.Nested(Bypassed), metadata={"description": "Offers made past this bidder."})


class ExcludedBidder(ma.Schema):
    applicant_id = fields.UUID()
    reference = fields.String()
    reasons = fields.List(fields.Dict(), metadata={
        "example": [{"code": "too_small", "message": "The household needs more bedrooms than the home has."}]})


class Shortlist(ma.Schema):
    advert_id = fields.UUID()
    status = fields.String(metadata={"description": "The advert's status; the shortlist is frozen once closed."})
    ranked = fields.List(fields.Nested(RankedBidder))
    excluded = fields.List(fields.Nested(ExcludedBidder))
