"""``casework.loading``: a schema's load without marshmallow's bookkeeping gives the schema's own
answer: the same data for a body it accepts, the same errors for one it refuses.

Held to that over generated bodies (each field absent, null, a value of its kind, a value its
validators name, or any JSON), for every schema of every service and every event's data.
"""

from __future__ import annotations

import datetime as dt
import importlib
import inspect
from decimal import Decimal

import marshmallow as ma
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from marshmallow import fields, validate

from casework import loading
from casework.contracts import catalogue
from casework.web.fields import BirthDate, Boolean, Date, DateTime, Money

MODULES = [
    "intake.schemas", "intake.batch_schemas", "intake.api.reports",
    "lettings.schemas.statuses", "lettings.schemas.applicant_changes", "lettings.schemas.offers",
    "lettings.schemas.properties", "lettings.schemas.adverts", "lettings.schemas.reports",
    "lettings.schemas.applicants", "notifications.schemas", "sustainment.schemas",
    "casework.web.errors", "casework.contracts.common",
]

JSON = st.recursive(st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False)
                    | st.text(max_size=12),
                    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3),
                    max_leaves=6)


def _of_kind(field: fields.Field, depth: int) -> st.SearchStrategy:
    """Values a field of this kind may well take (its validators' own choices, ranges, patterns);
    objects nested ``depth`` deep at most (the large answers' schemas would take minutes)."""
    for check in field.validators:
        if isinstance(check, validate.OneOf):
            return st.sampled_from(list(check.choices))
        if isinstance(check, validate.Regexp):
            return st.from_regex(check.regex, fullmatch=True)
    if isinstance(field, fields.Nested):
        if not depth:
            return JSON
        bodies = _bodies(field.schema, depth - 1)
        return bodies if not field.many else st.lists(bodies, max_size=2)
    if isinstance(field, fields.List):
        return st.lists(_value(field.inner, depth), max_size=3)
    if isinstance(field, Money):
        return st.from_regex(r"\A-?[0-9]{1,3}(\.[0-9]{1,2})?\Z") | st.sampled_from(["-0", "1e3", " 2.5 ", "3.456"])
    if isinstance(field, fields.Decimal):
        return st.decimals(allow_nan=False, allow_infinity=False, places=2).map(str)
    if isinstance(field, fields.Boolean):
        return st.booleans()
    if isinstance(field, fields.Integer):
        return st.integers(-3, 12) | st.integers()
    if isinstance(field, fields.Float | fields.Number):
        return st.floats(-1e6, 1e6)
    if isinstance(field, fields.DateTime):
        return st.datetimes(dt.datetime(1890, 1, 1), dt.datetime(2110, 1, 1),
                            timezones=st.none() | st.just(dt.UTC)).map(dt.datetime.isoformat)
    if isinstance(field, fields.Date):
        return st.dates(dt.date(1890, 1, 1), dt.date(2110, 1, 1)).map(dt.date.isoformat)
    if isinstance(field, fields.UUID):
        return st.uuids().map(str)
    if isinstance(field, fields.Email):
        return st.emails() | st.sampled_from(["a@b", "not an e-mail", "x@example.com "])
    if isinstance(field, fields.String):
        return st.sampled_from(["", " ", "x", "T-1", "rent_arrears"]) | st.text(max_size=30)
    return JSON


def _value(field: fields.Field, depth: int = 2) -> st.SearchStrategy:
    return st.one_of(_of_kind(field, depth), _of_kind(field, depth), st.none(), JSON)


def _bodies(schema: ma.Schema, depth: int = 2) -> st.SearchStrategy:
    """Bodies for ``schema``: each field absent or some value, sometimes a key it does not know."""
    keys = {(f.data_key or name): f for name, f in schema.load_fields.items()}
    return st.fixed_dictionaries({}, optional={key: _value(f, depth) for key, f in keys.items()}) | st.builds(
        lambda body, extra: {**body, **extra},
        st.fixed_dictionaries({key: _value(f, depth) for key, f in keys.items()}),
        st.dictionaries(st.sampled_from(["unknown", "extra"]), JSON, max_size=1)) | JSON


def answer(load, body):
    """What a load answers: its data, its errors, or the exception it raised."""
    try:
        return "loaded", load(body)
    except ma.ValidationError as error:
        return "refused", error.messages
    except Exception as error:  # noqa: BLE001 - the same either way
        return "raised", type(error).__name__


def _schemas() -> list[tuple[str, ma.Schema]]:
    found = {}
    for module in MODULES:
        for name, cls in inspect.getmembers(importlib.import_module(module), inspect.isclass):
            if issubclass(cls, ma.Schema) and cls.__module__ == module and cls is not ma.Schema:
                try:
                    found[f"{module}.{name}"] = cls()
                except TypeError:
                    continue
    for contract in catalogue.contracts.values():
        found[contract.type] = contract.schema()
    return sorted(found.items())


SCHEMAS = _schemas()


@pytest.mark.parametrize(("name", "schema"), SCHEMAS, ids=[name for name, _ in SCHEMAS])
@settings(max_examples=10, deadline=None, suppress_health_check=list(HealthCheck))
@given(data=st.data())
def test_the_short_load_answers_as_the_schema_does(name, schema, data):
    body = data.draw(_bodies(schema))
    assert answer(lambda b: loading.load(schema, b), body) == answer(schema.load, body)
    if loading.accepts(schema, body):
        assert schema.validate(body) == {}


# -- the fields and hooks it shortens, one schema -----------------------------------------------


class Contact(ma.Schema):
    name = fields.String(required=True, validate=[validate.Length(min=1, max=20)])
    email = fields.Email(allow_none=True)


def _not_no(value):
    if value == "no":
        raise ma.ValidationError("Not no.")


class Everything(ma.Schema):
    kind = fields.String(required=True, validate=validate.OneOf(["a", "b"]))
    code = fields.String(data_key="ref", validate=validate.Regexp(r"^[A-Z]-\d{1,4}$"))
    count = fields.Integer(validate=validate.Range(min=1, max=9), load_default=3)
    amount = Money(allow_none=True)
    ratio = fields.Decimal(places=2, as_string=True)
    yes = Boolean()
    born = BirthDate(allow_none=True)
    on = Date()
    at = DateTime()
    id = fields.UUID()
    tags = fields.List(fields.String(validate=validate.OneOf(["x", "y"])), validate=validate.Length(min=1))
    contact = fields.Nested(Contact, required=True)
    other = fields.Nested(Contact, allow_none=True)
    renamed = fields.String(attribute="called")
    checked = fields.String(validate=lambda value: _not_no(value))

    @ma.validates_schema
    def not_both(self, data, **kwargs):
        if data.get("tags") and data.get("kind") == "b":
            raise ma.ValidationError("Not with tags.", "tags")

    @ma.validates_schema(pass_original=True)
    def originally(self, data, original, **kwargs):
        if original.get("ref") == "Z-0":
            raise ma.ValidationError("Not Z-0.")


EVERYTHING = Everything()
VALID = {"kind": "a", "ref": "A-12", "amount": "12.50", "ratio": "1.5", "yes": True, "born": "1984-03-02",
         "on": "2026-01-02", "at": "2026-01-02T10:00:00+01:00", "id": "0b5e8a44-46d5-4d4b-9e70-0c3a2c4f6e11",
         "tags": ["x", "y"], "contact": {"name": "Sam", "email": "sam@example.com"}, "other": None,
         "renamed": "r", "checked": "yes"}


def test_a_body_the_schema_accepts_is_loaded_the_short_way():
    assert loading._loader(EVERYTHING, None) is not None
    loaded = loading.load(EVERYTHING, VALID)
    assert loaded == EVERYTHING.load(VALID)
    assert loaded["count"] == 3 and loaded["called"] == "r" and loaded["code"] == "A-12"
    assert loaded["amount"] == Decimal("12.50") and loaded["at"] == dt.datetime(2026, 1, 2, 9, tzinfo=dt.UTC)
    assert list(loaded) == list(EVERYTHING.load(VALID))


class Counted(Everything):
    loads = 0

    def load(self, *args, **kwargs):
        Counted.loads += 1
        return super().load(*args, **kwargs)


def test_only_a_body_in_doubt_goes_to_the_schema():
    counted = Counted()
    loading.load(counted, VALID)
    assert Counted.loads == 0
    with pytest.raises(ma.ValidationError):
        loading.load(counted, {**VALID, "kind": "c"})
    assert Counted.loads == 1


@pytest.mark.parametrize("change", [
    {"kind": "c"}, {"ref": "a-1"}, {"count": 0}, {"count": None}, {"amount": "1.234"}, {"yes": 1},
    {"born": "2990-01-01"}, {"at": "yesterday"}, {"tags": []}, {"tags": ["z"]}, {"tags": "x"},
    {"contact": {"name": ""}}, {"contact": {"name": "S", "phone": "1"}}, {"contact": None}, {"contact": []},
    {"other": {"name": "S", "email": "no"}}, {"unknown": 1}, {"kind": "b"}, {"ref": "Z-0"}, {"checked": "no"},
    {"id": "not-a-uuid"}, {"renamed": 5},
])
def test_a_body_the_schema_refuses_gets_its_errors(change):
    body = {**VALID, **change}
    assert answer(lambda b: loading.load(EVERYTHING, b), body) == answer(EVERYTHING.load, body)
    assert answer(EVERYTHING.load, body)[0] == "refused"
    assert not loading.accepts(EVERYTHING, body)


def test_a_missing_required_field_is_the_schema_s_error():
    body = {k: v for k, v in VALID.items() if k != "contact"}
    assert answer(lambda b: loading.load(EVERYTHING, b), body) == ("refused", {"contact": ["Missing data for required field."]})


@given(data=st.data())
@settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
def test_every_field_kind_answers_as_the_schema_does(data):
    body = data.draw(st.builds(lambda base, change: {**base, **change}, st.just(VALID),
                               st.dictionaries(st.sampled_from(sorted(VALID) + ["unknown"]),
                                               st.one_of(*(_value(f) for f in EVERYTHING.load_fields.values())),
                                               max_size=3)))
    assert answer(lambda b: loading.load(EVERYTHING, b), body) == answer(EVERYTHING.load, body)
    assert loading.accepts(EVERYTHING, body) is (EVERYTHING.validate(body) == {})


@pytest.mark.parametrize("schema", [
    ma.Schema.from_dict({"a": fields.String()})(unknown=ma.EXCLUDE),
    ma.Schema.from_dict({"a": fields.String()})(many=True),
    ma.Schema.from_dict({"a": fields.String()})(partial=True),
    ma.Schema.from_dict({"a": fields.Nested(Contact, many=True)})(),
    ma.Schema.from_dict({"a": fields.Dict()})(),
])
def test_what_it_does_not_shorten_is_the_schema_s_own_load(schema):
    assert loading._loader(schema, None) is None or isinstance(schema.fields["a"], fields.Dict)
    for body in ({"a": "x"}, [{"a": "x"}], {}, {"b": 1}, {"a": {"k": 1}}):
        assert answer(lambda b: loading.load(schema, b), body) == answer(schema.load, body)


class WithHooks(ma.Schema):
    a = fields.String()

    @ma.post_load
    def made(self, data, **kwargs):
        return {"made": data}


def test_a_schema_with_load_hooks_is_loaded_by_itself():
    assert loading._loader(WithHooks(), None) is None
    assert loading.load(WithHooks(), {"a": "x"}) == {"made": {"a": "x"}}
    assert not loading.accepts(WithHooks(), {"a": "x"})


# -- the referral's body, as POST /referrals takes it ------------------------------------------


def _referral_body() -> tuple[ma.Schema, dict]:
    """The schema instance POST /referrals loads its body with, and the example it documents."""
    from intake.api.referrals import Referrals

    (argument,) = Referrals.post._apidoc["arguments"]["parameters"]
    return argument["schema"], argument["example"]


REFERRAL_CREATE, REFERRAL = _referral_body()
GONE = object()


def _changes(schema: ma.Schema, depth: int = 2) -> st.SearchStrategy:
    """One change to a body of ``schema``: a field (at any depth) given another value, or taken away."""
    options = []
    for name, field in schema.load_fields.items():
        key = field.data_key or name
        options.append(st.tuples(st.just((key,)), st.just(GONE) | _value(field, 0)))
        if isinstance(field, fields.Nested) and not field.many and depth:
            options.append(_changes(field.schema, depth - 1).map(lambda change, key=key: ((key, *change[0]), change[1])))
    return st.one_of(options)


def _changed(body: dict, path: tuple, value) -> dict:
    body = dict(body)
    if len(path) > 1:
        inner = body.get(path[0])
        body[path[0]] = _changed(inner, path[1:], value) if isinstance(inner, dict) else inner
    elif value is GONE:
        body.pop(path[0], None)
    else:
        body[path[0]] = value
    return body


@given(changes=st.lists(st.deferred(lambda: _changes(REFERRAL_CREATE)), max_size=3))
@settings(max_examples=200, deadline=None, suppress_health_check=list(HealthCheck))
def test_a_referral_answers_as_the_schema_does(changes):
    body = REFERRAL
    for path, value in changes:
        body = _changed(body, path, value)
    assert answer(lambda b: loading.load(REFERRAL_CREATE, b), body) == answer(REFERRAL_CREATE.load, body)


def test_the_referral_body_is_loaded_the_short_way():
    assert loading._loader(REFERRAL_CREATE, None) is not None
    assert loading.accepts(REFERRAL_CREATE, REFERRAL)
    assert loading.load(REFERRAL_CREATE, REFERRAL) == REFERRAL_CREATE.load(REFERRAL)


def test_a_schema_whose_insides_are_not_as_expected_is_loaded_by_itself(monkeypatch):
    """Should a marshmallow 4 release change what the short load reads (its hooks' table, say),
    the schema's own load answers, rather than the request failing."""

    class Odd(ma.Schema):
        a = fields.String(required=True)

    def changed(schema, unknown):
        raise AttributeError("'Odd' object has no attribute '_hooks'")

    monkeypatch.setattr(loading, "_make", changed)
    assert loading.load(Odd(), {"a": "x"}) == {"a": "x"}
    with pytest.raises(ma.ValidationError) as refused:
        loading.load(Odd(), {})
    assert refused.value.messages == {"a": ["Missing data for required field."]}
    assert not loading.accepts(Odd(), {"a": "x"})
