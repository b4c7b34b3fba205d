"""A change to an applicant (``PATCH /applicants/{id}``) and their band's dated history.

Each field is optional: what is left out stays as it is, and the nested ``needs``, ``income``
and ``contact`` change only the parts they name (``null`` clears an income figure or a contact
detail). The band and effective date are a council's decision, so they change only with
``band_change`` saying why and when it was decided.
"""

import datetime as dt

import marshmallow as ma
from marshmallow import fields, validate

from casework.web.fields import Boolean, Date, DateTime, Money, years

from .applicants import REASONABLE_PREFERENCE, SUPPORT_NEEDS, HouseholdMember, _one_lead, known_band
from .common import not_negative


class NeedsChange(ma.Schema):
    wheelchair = Boolean()
    ground_floor = Boolean()


class IncomeChange(ma.Schema):
    monthly_net = Money(allow_none=True, validate=not_negative, metadata={"example": "1650.00"})
    monthly_outgoings = Money(allow_none=True, validate=not_negative, metadata={"example": "780.00"})


class ContactChange(ma.Schema):
    phone = fields.String(allow_none=True, validate=validate.Length(max=40), metadata={"example": "07700 900123"})
    email = fields.Email(allow_none=True, metadata={"example": "sam@example.org"})


class BandDecision(ma.Schema):
    """Why the band or effective date moved: the decision and the day it was made."""

    reason = fields.String(required=True, validate=validate.Length(min=1, max=500),
                           metadata={"example": "Medical priority awarded by the medical adviser."})
    decision_date = Date(required=True, earliest=-years(30), latest=dt.timedelta(0),
                         metadata={"example": "2026-11-20"})


class ApplicantChange(ma.Schema):
    household = fields.List(fields.Nested(HouseholdMember), validate=validate.Length(min=1, max=20), metadata={
        "description": "The whole household, replaced; the bedroom need is reckoned again."})
    needs = fields.Nested(NeedsChange)
    income = fields.Nested(IncomeChange)
    support_needs = fields.List(fields.String(validate=validate.OneOf(SUPPORT_NEEDS)),
                                metadata={"example": ["mental_health"]})
    reasonable_preference = fields.List(fields.String(validate=validate.OneOf(REASONABLE_PREFERENCE)))
    move_on_from = fields.String(allow_none=True, validate=validate.OneOf(("supported_housing", "care")))
    existing_tenant = Boolean()
    contact = fields.Nested(ContactChange)
    band = fields.String(validate=known_band, metadata={"example": "A"})
    effective_date = Date(latest=years(1), metadata={"example": "2026-11-20"})
    band_change = fields.Nested(BandDecision, metadata={
        "description": "Required with `band` or `effective_date`, and only with them."})

    @ma.validates_schema
    def one_lead(self, data, **_):
        if "household" in data:
            _one_lead(data["household"])


class BandHistoryEntry(ma.Schema):
    band = fields.String(metadata={"example": "A"})
    effective_date = Date()
    reason = fields.String()
    decision_date = Date(allow_none=True, metadata={"description": "None for the band given at registration."})
    changed_by = fields.String()
    changed_at = DateTime()
