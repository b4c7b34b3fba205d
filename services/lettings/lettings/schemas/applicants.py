"""The housing register."""

import marshmallow as ma
from marshmallow import fields, validate

from casework.web.fields import BirthDate, Boolean, Date, Money, years
from casework.workdays import london_today
from lettings import policy
from lettings.domain.household import HouseholdInvalid, check_household
from lettings.domain.statuses import STATUSES

from .common import not_negative

RELATIONSHIPS = ("applicant", "partner", "child", "other")


def known_band(band: str) -> None:
    """A band of the council's allocation scheme (``bands`` in its policy), not a fixed A to D."""
    bands = policy.current().bands
    if band not in bands:
        raise ma.ValidationError(f"Must be one of the scheme's bands: {', '.join(bands)}.")
SUPPORT_NEEDS = ("mental_health", "physical_health", "learning_disability", "substance_misuse",
                 "domestic_abuse", "young_person", "care_leaver", "offending", "financial_hardship",
                 "hoarding", "older_person", "other")
REASONABLE_PREFERENCE = ("homeless", "insanitary_or_overcrowded", "medical_or_welfare", "hardship")


class HouseholdMember(ma.Schema):
    name = fields.String(required=True, validate=validate.Length(min=1, max=200), metadata={"example": "Sam Patel"})
    date_of_birth = BirthDate(required=True, metadata={"example": "1990-04-12"})
    sex = fields.String(required=True, validate=validate.OneOf(("F", "M")), metadata={"example": "F"})
    relationship = fields.String(required=True, validate=validate.OneOf(RELATIONSHIPS),
                                 metadata={"example": "applicant"})

    @ma.validates("date_of_birth")
    def not_in_future(self, value, **_):
        if value > london_today():
            raise ma.ValidationError("A date of birth cannot be in the future.")


def _one_lead(household: list[dict]) -> None:
    try:
        check_household(m["relationship"] for m in household)
    except HouseholdInvalid as exc:
        raise ma.ValidationError(str(exc), field_name="household") from exc


class Household(ma.Schema):
    household = fields.List(fields.Nested(HouseholdMember), required=True, validate=validate.Length(min=1, max=20))

    @ma.validates_schema
    def one_lead(self, data, **_):
        _one_lead(data.get("household", []))


class Needs(ma.Schema):
    wheelchair = Boolean(load_default=False)
    ground_floor = Boolean(load_default=False)


class Income(ma.Schema):
    monthly_net = Money(load_default=None, allow_none=True, validate=not_negative,
                        metadata={"example": "1650.00"})
    monthly_outgoings = Money(load_default=None, allow_none=True, validate=not_negative,
                              metadata={"example": "780.00"})


class Contact(ma.Schema):
    phone = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=40),
                          metadata={"example": "07700 900123"})
    email = fields.Email(load_default=None, allow_none=True, metadata={"example": "sam@example.org"})


class ApplicantCreate(Household):
    band = fields.String(required=True, validate=known_band, metadata={"example": "B"})
    effective_date = Date(latest=years(1), required=True, metadata={"example": "2024-06-01"})
    application_date = Date(latest=years(1), load_default=london_today, metadata={"example": "2024-05-20"})
    needs = fields.Nested(Needs, load_default=lambda: {"wheelchair": False, "ground_floor": False})
    income = fields.Nested(Income, load_default=lambda: {"monthly_net": None, "monthly_outgoings": None})
    support_needs = fields.List(fields.String(validate=validate.OneOf(SUPPORT_NEEDS)), load_default=list,
                                metadata={"example": ["mental_health"]})
    reasonable_preference = fields.List(fields.String(validate=validate.OneOf(REASONABLE_PREFERENCE)),
                                        load_default=list, metadata={"example": ["medical_or_welfare"]})
    move_on_from = fields.String(load_default=None, allow_none=True,
                                 validate=validate.OneOf(("supported_housing", "care")))
    existing_tenant = Boolean(load_default=False, metadata={
        "description": "A council or housing-association tenant transferring (keeps a secure tenancy)."})
    contact = fields.Nested(Contact, load_default=lambda: {"phone": None, "email": None})


class Applicant(ma.Schema):
    id = fields.UUID()
    reference = fields.String(metadata={"example": "A-000002"})
    housing_ref = fields.String(allow_none=True, metadata={
        "example": "APP0004321", "description": "The housing management system's reference, when imported from it."})
    household = fields.List(fields.Nested(HouseholdMember))
    band = fields.String()
    effective_date = Date()
    application_date = Date()
    needs = fields.Function(lambda a: {"wheelchair": a.needs_wheelchair, "ground_floor": a.needs_ground_floor},
                            metadata={"example": {"wheelchair": False, "ground_floor": False}})
    income = fields.Function(lambda a: {
        "monthly_net": None if a.monthly_net_income is None else f"{a.monthly_net_income:.2f}",
        "monthly_outgoings": None if a.monthly_outgoings is None else f"{a.monthly_outgoings:.2f}"})
    support_needs = fields.List(fields.String())
    reasonable_preference = fields.List(fields.String())
    move_on_from = fields.String(allow_none=True)
    existing_tenant = Boolean()
    contact = fields.Function(lambda a: {"phone": a.phone, "email": a.email})
    status = fields.String(metadata={"example": "active", "description": "active, suspended, housed or cancelled"})
    status_reason = fields.String(allow_none=True)
    suspended_until = Date(allow_none=True, metadata={"description": "While suspended: the day it ends."})
    suspended_by_offer_id = fields.UUID(allow_none=True, metadata={
        "description": "While suspended for unreasonable refusals: the refusal that reached the limit."})
    bedroom_need = fields.Integer(metadata={"example": 2, "description": "By the bedroom standard, computed; reckoned again when someone in the household turns 10 or 16."})


class ApplicantQueryArgs(ma.Schema):
    band = fields.String(validate=known_band)
    status = fields.String(validate=validate.OneOf(STATUSES))
    bedroom_need = fields.Integer()
    reference = fields.String(validate=validate.Length(min=1, max=40), metadata={
        "example": "A-000012", "description": "The record with this reference (as officers quote it)."})

