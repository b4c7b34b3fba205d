"""The flask-smorest Blueprint every service uses."""

from __future__ import annotations

from typing import Any

import flask_smorest
from webargs.flaskparser import FlaskParser

from casework import loading


class Parser(FlaskParser):
    """webargs' Flask parser, loading with ``casework.loading``: the schema's own answer,
    without marshmallow's per-field bookkeeping for a body it accepts."""

    def _process_location_data(self, location_data: Any, schema: Any, req: Any, location: str,
                               unknown: str | None, validators: Any) -> Any:
        return super()._process_location_data(location_data, _Shortened(schema), req, location, unknown, validators)


class _Shortened:
    """The schema as webargs sees it, its ``load`` through ``casework.loading``."""

    __slots__ = ("schema",)

    def __init__(self, schema: Any) -> None:
        self.schema = schema

    def load(self, data: Any, *, unknown: str | None = None) -> Any:
        return loading.load(self.schema, data, unknown=unknown)


class Blueprint(flask_smorest.Blueprint):
    """flask-smorest's Blueprint, with argument schemas made once.

    Given a schema class, webargs makes a new instance (and one per nested schema) on every
    request; an instance is reused. The OpenAPI document is the same either way.
    """

    ARGUMENTS_PARSER = Parser()

    def arguments(self, schema: Any, *args: Any, **kwargs: Any):
        if isinstance(schema, type):
            schema = schema()
        return super().arguments(schema, *args, **kwargs)
