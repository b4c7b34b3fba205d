"""The kernel's web fields: money, booleans, and dates and times only in a sane range for their field."""

import datetime as dt
import pathlib
import re
from decimal import Decimal

import marshmallow as ma
import pytest

from casework.web.fields import BirthDate, Boolean, Date, DateTime, Money, NearDate, NearDateTime
from casework.workdays import london_today


def load(field: ma.fields.Field, value):
    return ma.Schema.from_dict({"value": field})().load({"value": value})["value"]


def refused(field: ma.fields.Field, value) -> list[str]:
    with pytest.raises(ma.ValidationError) as caught:
        load(field, value)
    return caught.value.messages["value"]


# -- money -------------------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["12.50", "0", "0.00", "-12.50", "99999999.99", " 7.5 "])
def test_money_reads_pounds_and_pence(value):
    assert load(Money(), value) == Decimal(value.strip()).quantize(Decimal("0.01"))


@pytest.mark.parametrize("value", [
    "-0", "-0.00", "-00.0",             # a negative zero, stored and shown as "-0.00"
    "١٢٣.٤٥", "１２３", "12.٥",          # digits that are not ASCII
    "100000000", "1e9", "12.345", "12.", ".5", "+1", "NaN", "Infinity", 12.5, True, "",
])
def test_money_refuses_what_is_not_plainly_an_amount(value):
    assert refused(Money(), value)


# -- booleans ----------------------------------------------------------------------------------


@pytest.mark.parametrize("value", [True, False])
def test_a_boolean_is_true_or_false(value):
    assert load(Boolean(), value) is value


@pytest.mark.parametrize("value", [1, 0, "1", "0", "true", "yes", "on", None, 1.0])
def test_a_boolean_is_nothing_else(value):
    assert refused(Boolean(allow_none=False), value)


# -- dates -------------------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["0001-01-01", "1899-12-31", "2101-01-01", "9999-12-31"])
def test_a_date_outside_the_widest_range_is_refused(value):
    assert refused(Date(), value) == ["Give a date from 1900-01-01 to 2100-12-31."]


def test_a_date_of_birth_is_from_1900_to_today():
    today = london_today()
    assert load(BirthDate(), "1900-01-01") == dt.date(1900, 1, 1)
    assert load(BirthDate(), today.isoformat()) == today
    assert refused(BirthDate(), "0001-01-01")
    assert refused(BirthDate(), (today + dt.timedelta(days=1)).isoformat())


def test_a_near_date_is_within_its_years_of_today():
    today = london_today()
    assert load(NearDate(past=1, future=1), (today + dt.timedelta(days=300)).isoformat())
    assert refused(NearDate(past=1, future=1), (today + dt.timedelta(days=400)).isoformat())
    assert refused(NearDate(past=1, future=1), (today - dt.timedelta(days=400)).isoformat())
    assert refused(NearDate(), "9999-12-31")


# -- times -------------------------------------------------------------------------------------


def test_a_time_is_read_as_utc():
    assert load(DateTime(), "2026-03-02T10:00:00+01:00") == dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
    assert load(DateTime(), "2026-03-02T10:00:00") == dt.datetime(2026, 3, 2, 10, 0, tzinfo=dt.UTC)


@pytest.mark.parametrize("value", [
    "9999-12-31T23:59:59-14:00",  # past the end of datetime once in UTC: an OverflowError before
    "0001-01-01T00:00:00+14:00",
    "0001-01-01T00:00:00Z", "2101-01-01T00:00:00Z",
])
def test_a_time_outside_the_range_is_refused_not_overflowed(value):
    assert refused(DateTime(), value)


def test_a_near_time_is_within_its_years_of_today():
    assert refused(NearDateTime(), "2999-01-01T00:00:00Z")
    assert load(NearDateTime(), dt.datetime.now(dt.UTC).isoformat())


def test_a_naive_time_from_the_database_is_written_as_utc():
    schema = ma.Schema.from_dict({"at": DateTime()})()
    assert schema.dump({"at": dt.datetime(2026, 3, 2, 9, 0)}) == {"at": "2026-03-02T09:00:00+00:00"}


# -- every service uses them ---------------------------------------------------------------------

SERVICES = pathlib.Path(__file__).parents[3] / "services"


def test_no_service_schema_reads_a_date_or_time_without_a_range():
    """marshmallow's own date fields take year 1 to 9999, and 9999-12-31 plus a day is an OverflowError."""
    pattern = re.compile(r"fields\.(Date|DateTime|AwareDateTime|NaiveDateTime)\(|Timestamp\(")
    found = [f"{path.relative_to(SERVICES)}:{number}"
             for path in SERVICES.glob("*/*/**/*.py") if "migrations" not in path.parts
             for number, line in enumerate(path.read_text().splitlines(), 1) if pattern.search(line)]
    assert found == []
