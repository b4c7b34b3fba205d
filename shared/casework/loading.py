"""A schema's ``load``, shortened for a body the schema accepts.

marshmallow loads a body field by field through its own bookkeeping (an error store, a getter
made for each field, ``And`` of the field's validators made on each call, a nested schema's whole
``load`` for each object inside): on POST /referrals that bookkeeping was most of the request's
largest single cost (bench/NOTES.md, fourteenth pass). ``load`` takes the schema's own fields
and calls their own conversion and validators, in the schema's order, without it; the moment
anything is not plainly right (a field missing that is required, a null where none is allowed,
an unknown key, a value a field or validator refuses, a field or hook it does not know how to
shorten) it stops, and the schema's own ``load`` answers: the same data for a body the schema
accepts, the same ``ValidationError`` (every field, in the schema's words and order) for one it
refuses. ``accepts`` does the same for ``schema.validate`` (outgoing events are checked so). The schema stays the one definition; ``tests/kernel/unit/test_loading.py`` holds the two
to the same answers over generated bodies.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from marshmallow import RAISE, Schema, fields
from marshmallow.decorators import POST_LOAD, PRE_LOAD, VALIDATES, VALIDATES_SCHEMA
from marshmallow.utils import is_collection
from marshmallow.utils import missing as MISSING  # noqa: N812


class _Unsure(Exception):
    """Not plainly valid: the schema's own load decides."""


Loader = Callable[[Any], Any]


def load(schema: Schema, data: Any, *, unknown: str | None = None) -> Any:
    """``schema.load(data, unknown=unknown)``: the same data, or the same ``ValidationError``."""
    loader = _loader(schema, unknown)
    if loader is not None:
        try:
            return loader(data)
        except Exception:  # noqa: BLE001 - anything unsure: the schema answers, errors and all
            pass
    return schema.load(data, unknown=unknown) if unknown else schema.load(data)


def accepts(schema: Schema, data: Any) -> bool:
    """Whether the short load takes ``data`` as it is: True means ``schema.validate(data)`` is
    ``{}``; False, that the schema's own ``validate`` has to say."""
    loader = _loader(schema, None)
    if loader is None:
        return False
    try:
        loader(data)
    except Exception:  # noqa: BLE001 - unsure
        return False
    return True


def _loader(schema: Schema, unknown: str | None) -> Loader | None:
    """The schema's short load for ``unknown``, made once and kept on the schema (None: none)."""
    made = schema.__dict__.setdefault("_casework_loaders", {})
    if unknown not in made:
        try:
            made[unknown] = _make(schema, unknown)
        except Exception:  # noqa: BLE001 - marshmallow's insides not as this knows them: its own load only
            made[unknown] = None
    return made[unknown]


def _overrides(field: fields.Field, *names: str) -> bool:
    return any(getattr(type(field), name) is not getattr(fields.Field, name) for name in names)


def _make(schema: Schema, unknown: str | None) -> Loader | None:
    unknown = schema.unknown if unknown is None else unknown
    hooks = schema._hooks
    if schema.many or schema.partial or unknown != RAISE or hooks[PRE_LOAD] or hooks[POST_LOAD] \
            or hooks[VALIDATES]:
        return None
    plan = []
    for name, field in schema.load_fields.items():
        key = field.attribute or name
        value_of = _field_loader(field)
        if value_of is None or "." in key:
            return None
        plan.append((field.data_key if field.data_key is not None else name, key, field, value_of))
    keys = frozenset(data_key for data_key, *_ in plan)
    validators = [(getattr(schema, name), options.get("pass_original", False))
                  for pass_collection in (True, False)
                  for name, hook_many, options in hooks[VALIDATES_SCHEMA] if hook_many == pass_collection]
    new = schema.dict_class

    def loaded(data: Any) -> Any:
        if not isinstance(data, Mapping) or not keys.issuperset(data):
            raise _Unsure
        result = new()
        for data_key, key, field, value_of in plan:
            value = data.get(data_key, MISSING)
            if value is MISSING:
                if field.required:
                    raise _Unsure
                value = field.load_default
                if callable(value):
                    value = value()
                if value is not MISSING:
                    result[key] = value
            else:
                result[key] = value_of(value, data_key, data)
        for validator, pass_original in validators:
            if pass_original:
                validator(result, data, partial=None, many=False, unknown=unknown)
            else:
                validator(result, partial=None, many=False, unknown=unknown)
        return result

    return loaded


def _field_loader(field: fields.Field) -> Callable[[Any, Any, Any], Any] | None:
    """How one present value is loaded by ``field``: its own conversion and validators, as
    ``Field.deserialize`` applies them, less the bookkeeping (None: the field is not one we know)."""
    if _overrides(field, "deserialize", "_validate", "_validate_all", "_validate_missing") \
            or field.pre_load or field.post_load:
        return None
    convert: Callable[[Any, Any, Any], Any]
    if isinstance(field, fields.Nested):
        if type(field)._deserialize is not fields.Nested._deserialize or field.many:
            return None
        nested = _loader(field.schema, field.unknown)
        if nested is None:
            return None

        def convert(value: Any, _key: Any, _data: Any) -> Any:
            return nested(value)
    elif isinstance(field, fields.List):
        inner = _field_loader(field.inner)
        if type(field)._deserialize is not fields.List._deserialize or inner is None:
            return None

        def convert(value: Any, _key: Any, _data: Any) -> Any:
            if not is_collection(value):
                raise _Unsure
            return [inner(each, None, None) for each in value]
    else:
        convert = field._deserialize
    checks = list(field.validators)
    allow_none = field.allow_none

    def value_of(value: Any, key: Any, data: Any) -> Any:
        if value is None:
            if allow_none:
                return None
            raise _Unsure
        output = convert(value, key, data)
        for check in checks:  # each one, as marshmallow's ``And`` of them calls them
            check(output)
        return output

    return value_of
