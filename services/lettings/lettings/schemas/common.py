"""Field helpers shared by the lettings schemas."""

import datetime as dt
from decimal import Decimal

import marshmallow as ma
from marshmallow import fields

from casework.web.fields import Money as MoneyField


def not_negative(value: Decimal) -> None:
    if value < 0:
        raise ma.ValidationError("Must not be negative.")


def Money(**kwargs) -> fields.Decimal:  # noqa: N802 - reads as a field type
    """Money as a decimal string, e.g. ``"123.45"`` (documented as a string, as it travels)."""
    return MoneyField(**kwargs)


def Timestamp(**kwargs) -> fields.AwareDateTime:  # noqa: N802 - reads as a field type
    return fields.AwareDateTime(format="iso", default_timezone=dt.UTC, **kwargs)
