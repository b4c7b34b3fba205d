"""Validators shared by the lettings schemas (field types come from the kernel)."""

from decimal import Decimal

import marshmallow as ma


def not_negative(value: Decimal) -> None:
    if value < 0:
        raise ma.ValidationError("Must not be negative.")


