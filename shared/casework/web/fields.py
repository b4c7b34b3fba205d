"""Field types every service's schemas share: money, booleans, and dates and times in a sane range.

A value outside what the field can mean is a 422 naming the field, here, at the edge: a date of
9999-12-31 let through is an ``OverflowError`` in the first deadline counted from it, far from
the request that brought it (and, in a consumer, an event parked for good).
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Any

from marshmallow import fields

from casework.workdays import london_today

# -- money -------------------------------------------------------------------------------------

#: Pounds and pence: ASCII digits only (``\d`` would take Arabic-Indic and other digits), at most
#: 99,999,999.99 (every money column holds that), at most two decimal places.
MONEY_PATTERN = r"^-?[0-9]{1,8}(\.[0-9]{1,2})?$"


class Money(fields.Decimal):
    """Pounds and pence as a decimal string (``"123.45"``), as the HTTP contract says.

    A JSON number is refused rather than read: it would be a float on the way in, and the
    document promises a string. So is a string with more than two decimal places, a digit
    that is not ASCII, an amount of £100,000,000 or more, and a negative zero (``"-0"``).
    """

    default_error_messages = {
        "money": 'Give an amount of money as a decimal string, e.g. "123.45".',
        "negative_zero": 'Zero has no sign: give "0.00".',
    }

    def __init__(self, **kwargs: Any) -> None:
        metadata = {"type": "string", "format": "decimal", "pattern": MONEY_PATTERN, **kwargs.pop("metadata", {})}
        kwargs.setdefault("allow_nan", False)
        super().__init__(places=2, as_string=True, metadata=metadata, **kwargs)

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> Decimal | None:
        if not isinstance(value, str) or not re.fullmatch(MONEY_PATTERN, value.strip()):
            raise self.make_error("money")
        amount = super()._deserialize(value.strip(), attr, data, **kwargs)
        if amount is not None and amount.is_zero() and amount.is_signed():
            raise self.make_error("negative_zero")
        return amount


# -- booleans ----------------------------------------------------------------------------------


class Boolean(fields.Boolean):
    """``true`` or ``false`` in a JSON body, and nothing else: ``1``, ``0`` or ``"yes"`` is 422.

    For query arguments, which arrive as text, use marshmallow's own ``fields.Boolean``.
    """

    default_error_messages = {"invalid": "Give true or false."}

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> bool:
        if not isinstance(value, bool):
            raise self.make_error("invalid")
        return value


# -- dates and times -----------------------------------------------------------------------------

#: The widest range any date may take: every sum of a date and a deadline, a support window or a
#: reporting period stays computable inside it, and no housing record falls outside it.
EARLIEST = dt.date(1900, 1, 1)
LATEST = dt.date(2100, 12, 31)

#: A bound: a fixed date, or an offset from today in London (``dt.timedelta(0)`` is today).
Bound = dt.date | dt.timedelta


def years(count: int) -> dt.timedelta:
    """An offset of about ``count`` years, for a bound relative to today."""
    return dt.timedelta(days=round(365.25 * count))


def _day(bound: Bound) -> dt.date:
    return london_today() + bound if isinstance(bound, dt.timedelta) else bound


class Date(fields.Date):
    """A calendar date (``"2026-03-02"``) within a sane range for its field; outside it is 422.

    ``earliest`` and ``latest`` are dates, or offsets from today (``years(5)``, ``-years(5)``);
    by default the widest range, ``EARLIEST`` to ``LATEST``.
    """

    default_error_messages = {"range": "Give a date from {earliest} to {latest}."}

    def __init__(self, *, earliest: Bound = EARLIEST, latest: Bound = LATEST, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.earliest, self.latest = earliest, latest

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> dt.date:
        day = super()._deserialize(value, attr, data, **kwargs)
        earliest, latest = max(_day(self.earliest), EARLIEST), min(_day(self.latest), LATEST)
        if not earliest <= day <= latest:
            raise self.make_error("range", earliest=earliest.isoformat(), latest=latest.isoformat())
        return day


def BirthDate(**kwargs: Any) -> Date:  # noqa: N802 - reads as a field type
    """A date of birth: not before 1900, not after today."""
    return Date(earliest=dt.date(1900, 1, 1), latest=dt.timedelta(0), **kwargs)


def NearDate(*, past: int = 5, future: int = 5, **kwargs: Any) -> Date:  # noqa: N802 - reads as a field type
    """A date in the working life of a case or a home (a tenancy start, a void, a due date): within
    ``past`` years before today and ``future`` years after."""
    return Date(earliest=-years(past), latest=years(future), **kwargs)


class DateTime(fields.AwareDateTime):
    """An ISO 8601 time, read as UTC when it gives no offset and answered in UTC, within a sane
    range (by default ``EARLIEST`` to ``LATEST``; bounds as for ``Date``); outside it is 422.

    A naive datetime (SQLite hands them back in embedded mode) is written as the UTC it was stored as.
    """

    default_error_messages = {"range": "Give a time from {earliest} to {latest}."}

    def __init__(self, *, earliest: Bound = EARLIEST, latest: Bound = LATEST, **kwargs: Any) -> None:
        kwargs.setdefault("default_timezone", dt.UTC)
        kwargs.setdefault("format", "iso")
        super().__init__(**kwargs)
        self.earliest, self.latest = earliest, latest

    def _serialize(self, value: Any, attr: str | None, obj: Any, **kwargs: Any) -> Any:
        if isinstance(value, dt.datetime) and value.tzinfo is None:
            value = value.replace(tzinfo=dt.UTC)
        return super()._serialize(value, attr, obj, **kwargs)

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> dt.datetime:
        moment = super()._deserialize(value, attr, data, **kwargs)
        earliest, latest = max(_day(self.earliest), EARLIEST), min(_day(self.latest), LATEST)
        try:
            moment = moment.astimezone(dt.UTC)  # 0001-01-01T00:00+01:00 is before year 1 in UTC
        except OverflowError:
            moment = None
        if moment is None or not earliest <= moment.date() <= latest:
            raise self.make_error("range", earliest=earliest.isoformat(), latest=latest.isoformat())
        return moment


def NearDateTime(*, past: int = 5, future: int = 5, **kwargs: Any) -> DateTime:  # noqa: N802 - reads as a field type
    """A time in the working life of a case or a home (a visit, an advert's closing, an offer's
    answer): within ``past`` years before today and ``future`` years after."""
    return DateTime(earliest=-years(past), latest=years(future), **kwargs)
