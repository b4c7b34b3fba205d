"""Performance reports."""

import datetime as dt

import marshmallow as ma
from marshmallow import fields, validate

from casework.web.fields import Date, Money


class Period(ma.Schema):
    date_from = Date(data_key="from", load_default=None, metadata={"example": "2025-04-01"})
    date_to = Date(data_key="to", load_default=None, metadata={"example": "2026-03-31"})

    @ma.validates_schema
    def in_order(self, data, **_):
        if data["date_from"] and data["date_to"] and data["date_to"] < data["date_from"]:
            raise ma.ValidationError("The period must end on or after its start.", field_name="to")


class CorePeriod(Period):
    """The tenancies to return to CORE: a period within one collection year, or the year itself."""

    year = fields.Integer(load_default=None, validate=validate.Range(2000, 2100), metadata={
        "example": 2025, "description": "The collection year by the year it opens (2025: 1 April 2025 to 31 March "
                                        "2026), instead of from and to."})

    @ma.validates_schema
    def year_or_period(self, data, **_):
        if data.get("year") is not None and (data["date_from"] or data["date_to"]):
            raise ma.ValidationError("Give a collection year, or a period (from, to), not both.", field_name="year")

    @ma.post_load
    def the_years_period(self, data, **_):
        if data.get("year") is not None:
            data["date_from"], data["date_to"] = dt.date(data["year"], 4, 1), dt.date(data["year"] + 1, 3, 31)
        return data


class VoidLine(ma.Schema):
    """One void, ended by a let in the period."""

    void_id = fields.UUID()
    property_id = fields.UUID()
    property_reference = fields.String(metadata={"example": "P-000001"})
    void_date = Date()
    reason = fields.String(metadata={"example": "transfer"})
    let_date = Date()
    tenancy_ref = fields.String(metadata={"example": "T-000012", "description": "The tenancy that ended the void."})
    void_days = fields.Integer(metadata={"example": 21})
    rent_loss = Money(metadata={"example": "295.50"})


class VoidReport(ma.Schema):
    date_from = Date(data_key="from", allow_none=True)
    date_to = Date(data_key="to", allow_none=True)
    lets = fields.Integer()
    total_void_days = fields.Integer()
    average_void_days = fields.Decimal(places=1, as_string=True, allow_none=True, metadata={"example": "21.0"})
    total_rent_loss = Money()
    average_rent_loss = Money(allow_none=True)
    voids = fields.List(fields.Nested(VoidLine), metadata={
        "description": "One row per void ended in the period (a home let twice has two), in let order."})


class OfferReport(ma.Schema):
    date_from = Date(data_key="from", allow_none=True)
    date_to = Date(data_key="to", allow_none=True)
    lets = fields.Integer()
    offers = fields.Integer(metadata={"description": "Offers made for the homes let in the period."})
    offers_per_let = fields.Decimal(places=2, as_string=True, allow_none=True, metadata={"example": "1.50"})
    outcomes = fields.Dict(keys=fields.String(), values=fields.Integer(),
                           metadata={"example": {"accepted": 2, "refused": 1}})
    refusal_reasons = fields.List(fields.Dict(), metadata={
        "example": [{"reason": "Too far from school", "count": 2, "unreasonable": 1}]})
