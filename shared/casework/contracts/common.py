"""Field types shared by the event contracts."""

import datetime as dt

import marshmallow as ma
from marshmallow import fields, validate

RISK_LEVELS = ("low", "medium", "high", "critical")
CASE_TYPES = ("sustainment", "onboarding")


class _UtcDateTime(fields.AwareDateTime):
    """Writes a naive datetime (SQLite, in embedded mode, hands them back) as the UTC it was stored as."""

    def _serialize(self, value, attr, obj, **kwargs):
        if isinstance(value, dt.datetime) and value.tzinfo is None:
            value = value.replace(tzinfo=dt.UTC)
        return super()._serialize(value, attr, obj, **kwargs)


def Timestamp(**kwargs) -> fields.AwareDateTime:  # noqa: N802 - reads as a field type
    """An ISO-8601 UTC time."""
    return _UtcDateTime(format="iso", default_timezone=dt.UTC, **kwargs)


def RiskLevel(**kwargs) -> fields.String:  # noqa: N802 - reads as a field type
    return fields.String(validate=validate.OneOf(RISK_LEVELS), **kwargs)


class EventData(ma.Schema):
    """Base of every event's data schema."""


class Person(EventData):
    """Who a referral or tenancy is about: only what a consumer needs to make contact."""

    name = fields.String(required=True)
    date_of_birth = fields.Date(allow_none=True)
    phone = fields.String(allow_none=True)
    email = fields.String(allow_none=True)
    address = fields.String(allow_none=True)


class RiskFactor(EventData):
    code = fields.String(required=True)
    points = fields.Integer(required=True)
    detail = fields.String(load_default="", dump_default="")


class Subject(EventData):
    """What a task is about: a referral, case, offer, … in its owning service."""

    type = fields.String(required=True)
    id = fields.String(required=True)
    service = fields.String(required=True)


class RecordsAnonymised(EventData):
    """The retention sweep anonymised this many records of a type (names, contact details and
    free text removed; the facts kept for statistics)."""

    record_type = fields.String(required=True)
    count = fields.Integer(required=True)
    swept_at = Timestamp(required=True)


def register_privacy(catalogue, service: str) -> None:
    """The data-protection events a service publishes: its retention sweep's count (notifications
    consumes every service's, its own included)."""
    catalogue.register(f"casework.{service}.records.anonymised.v1", RecordsAnonymised, producer=service,
                       consumers=("notifications",))
