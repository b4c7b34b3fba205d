"""RFC 9457 problem details for every error a service answers.

Validation errors are 422 with an ``errors`` map of field → messages, the field named by its
dotted path (``person.date_of_birth``, ``reasons.0``). Nothing from inside the server
(stack traces, SQL) ever reaches a response.
"""

from __future__ import annotations

import http
import logging
from typing import Any

import marshmallow as ma
from flask import Response, current_app, g, json, request
from sqlalchemy.exc import DataError, DBAPIError, IntegrityError
from werkzeug.exceptions import HTTPException

from casework.db import database_away
from casework.problems import abort, invalid  # noqa: F401 - part of this module's API

log = logging.getLogger(__name__)

PROBLEM = "application/problem+json"


class ProblemSchema(ma.Schema):
    """An RFC 9457 problem: ``type``, ``title``, ``status``, ``detail``, ``instance``, and for
    validation failures ``errors``: field → messages."""

    type = ma.fields.String(metadata={"example": "about:blank"})
    title = ma.fields.String(metadata={"example": "Unprocessable Content"})
    status = ma.fields.Integer(metadata={"example": 422})
    detail = ma.fields.String()
    instance = ma.fields.String()
    request_id = ma.fields.String()
    errors = ma.fields.Dict(
        keys=ma.fields.String(), values=ma.fields.List(ma.fields.String()),
        metadata={"example": {"person.date_of_birth": ["Not a valid date."]}},
    )


def problem(status: int, detail: str | None = None, *, title: str | None = None,
            errors: dict[str, list[str]] | None = None, headers: dict[str, str] | None = None,
            type: str = "about:blank") -> Response:
    """A problem+json response."""
    body: dict[str, Any] = {
        "type": type,
        "title": title or _phrase(status),
        "status": status,
    }
    if detail:
        body["detail"] = detail
    body["instance"] = request.path if request else ""
    request_id = getattr(g, "request_id", None)
    if request_id:
        body["request_id"] = request_id
    if errors:
        body["errors"] = errors
    response = current_app.response_class(json.dumps(body), status=status, mimetype=PROBLEM)
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def flatten_errors(messages: Any, prefix: str = "") -> dict[str, list[str]]:
    """webargs' nested ``{"json": {"person": {"name": [...]}}}`` → ``{"person.name": [...]}``."""
    out: dict[str, list[str]] = {}
    if isinstance(messages, dict):
        for key, value in messages.items():
            if not prefix and key in ("json", "query", "querystring", "form", "headers", "view_args", "files"):
                name = ""
            elif key == "_schema":
                name = prefix
            else:
                name = f"{prefix}.{key}" if prefix else str(key)
            for field, msgs in flatten_errors(value, name).items():
                out.setdefault(field, []).extend(msgs)
    elif isinstance(messages, list | tuple):
        if all(isinstance(m, str) for m in messages):
            out[prefix or "_body"] = list(messages)
        else:
            for i, value in enumerate(messages):
                for field, msgs in flatten_errors(value, f"{prefix}.{i}" if prefix else str(i)).items():
                    out.setdefault(field, []).extend(msgs)
    elif messages is not None:
        out[prefix or "_body"] = [str(messages)]
    return out


def _phrase(status: int) -> str:
    try:
        return http.HTTPStatus(status).phrase
    except ValueError:
        return "Error"


def handle_http_exception(error: HTTPException) -> Response:
    data = getattr(error, "data", None) or {}
    status = error.code or 500
    detail = data.get("message") or (error.description if status != 500 else None)
    errors = None
    raw = data.get("errors") if "errors" in data else data.get("messages")
    if raw:
        errors = flatten_errors(raw) if not _is_flat(raw) else raw
    if status == 422 and not data.get("message"):
        detail = "The request has invalid fields."
    if status == 404 and not data.get("message"):
        detail = "There is nothing here, or nothing you may see."
    if status == 400 and errors:
        detail = "The request body is not valid JSON."
        errors = None
    headers = dict(data.get("headers") or {})
    if status == 405 and hasattr(error, "valid_methods") and error.valid_methods:
        headers["Allow"] = ", ".join(error.valid_methods)
    if status == 401:
        headers.setdefault("WWW-Authenticate", 'Bearer realm="casework"')
    if status == 413:
        detail = f"The request body is larger than {current_app.config.get('MAX_CONTENT_LENGTH')} bytes."
    return problem(status, detail, errors=errors, headers=headers)


def _is_flat(raw: Any) -> bool:
    return isinstance(raw, dict) and all(isinstance(v, list) and all(isinstance(m, str) for m in v) for v in raw.values()) \
        and not any(k in ("json", "query", "querystring", "form", "headers", "view_args") for k in raw)


def handle_database_error(error: DBAPIError) -> Response:
    if isinstance(error, IntegrityError):
        log.warning("integrity error answered as 409")
        return problem(409, "The change conflicts with the current state of the record.")
    if isinstance(error, DataError):
        # A value the schema let through but the column cannot hold (too long, out of range):
        # the caller's input, not our fault. The schema should have said so; log it to fix.
        log.warning("data error answered as 422: %s", type(error.orig).__name__ if error.orig else "")
        return problem(422, "A value is longer or larger than this service can store.")
    if database_away(error):
        log.error("database unavailable: %s", type(error.orig).__name__ if error.orig else "")
        return problem(503, "The database is not available; try again shortly.", headers={"Retry-After": "5"})
    log.exception("database error")
    return problem(500, "Something went wrong on our side; it has been logged.")


def handle_unexpected(error: Exception) -> Response:
    if isinstance(error, HTTPException):
        return handle_http_exception(error)
    if isinstance(error, DBAPIError):
        return handle_database_error(error)
    log.exception("unhandled error")
    return problem(500, "Something went wrong on our side; it has been logged.")
