"""Performance reports."""

import datetime as dt

import marshmallow as ma
from marshmallow import fields, validate

from casework.web.fields import Date, DateTime, Money


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


class VoidPeriod(Period):
    """The period of ``GET /reports/voids`` and the page of its rows."""

    page = fields.Integer(load_default=1, validate=validate.Range(1, 100_000), metadata={
        "description": "The page of rows (the last when past it)."})
    per_page = fields.Integer(load_default=100, validate=validate.Range(1, 1000), metadata={
        "description": "Rows a page: 100 unless asked, up to 1,000."})


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
    lets = fields.Integer(metadata={"description": "Voids ended by a let in the period: every page's rows."})
    page = fields.Integer()
    pages = fields.Integer()
    per_page = fields.Integer()
    total_void_days = fields.Integer()
    average_void_days = fields.Decimal(places=1, as_string=True, allow_none=True, metadata={"example": "21.0"})
    total_rent_loss = Money()
    average_rent_loss = Money(allow_none=True)
    voids = fields.List(fields.Nested(VoidLine), metadata={
        "description": "One row per void ended in the period (a home let twice has two), in let order: "
                       "this page's."})


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


STAGES = ("not_advertised", "advertised", "shortlist", "offered", "accepted", "signed_up")


class LiveVoidQuery(ma.Schema):
    stage = fields.String(load_default=None, validate=validate.OneOf(STAGES))
    bedrooms = fields.Integer(load_default=None, validate=validate.Range(0, 20))
    page = fields.Integer(load_default=1, validate=validate.Range(1, 100_000))
    per_page = fields.Integer(load_default=25, validate=validate.Range(1, 500))


class LiveVoidFilter(ma.Schema):
    stage = fields.String(load_default=None, validate=validate.OneOf(STAGES))
    bedrooms = fields.Integer(load_default=None, validate=validate.Range(0, 20))


class LiveVoidLine(ma.Schema):
    void_id = fields.UUID()
    property_id = fields.UUID()
    property_reference = fields.String(metadata={"example": "P-000001"})
    address = fields.String()
    bedrooms = fields.Integer()
    void_date = Date()
    days = fields.Integer(metadata={"description": "Days void so far: today − void date."})
    weekly_rent = Money()
    rent_lost = Money(metadata={"description": "Rent lost to date: weekly rent × days / 7, to the penny."})
    stage = fields.String(metadata={"enum": list(STAGES)})
    advert_reference = fields.String(allow_none=True)
    advert_closes_at = DateTime(allow_none=True)
    offer_reference = fields.String(allow_none=True)
    applicant_reference = fields.String(allow_none=True, metadata={"description": "The applicant offered it."})
    let_date = Date(allow_none=True, metadata={"description": "The signed tenancy's start, when still to come."})


class LiveVoidReport(ma.Schema):
    today = Date()
    total = fields.Integer()
    page = fields.Integer()
    pages = fields.Integer()
    per_page = fields.Integer()
    rent_lost = Money(metadata={"description": "Rent lost to date over every void that matches."})
    voids = fields.List(fields.Nested(LiveVoidLine), metadata={"description": "The longest void first."})


class PerformanceReport(ma.Schema):
    date_from = Date(data_key="from")
    date_to = Date(data_key="to")
    today = Date()
    void_ageing = fields.List(fields.Dict(), metadata={
        "example": [{"band": "0–14 days", "voids": 2, "rent_lost": "140.00"}]})
    void_months = fields.List(fields.Dict(), metadata={
        "example": [{"month": "2026-01", "lets": 2, "void_days": 30, "rent_loss": "420.00",
                     "void_days_per_let": "15.0", "rent_loss_per_let": "210.00"}]})
    offers = fields.Dict(metadata={"example": {"made": 4, "accepted": 2, "refused": 2, "refusal_rate": "0.5000",
                                               "refused_by_reason": [{"reason": "too_far", "refused": 2}]}})
    lets_by_band = fields.List(fields.Dict(), metadata={"example": [{"band": "A", "lets": 3}]})
    register = fields.Dict(metadata={"example": {"bedroom_needs": [1, 2],
                                                 "rows": [{"band": "A", "by_bedroom_need": {"1": 3, "2": 1},
                                                           "total": 4}]}})
