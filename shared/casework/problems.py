"""Stopping a request with a problem (RFC 9457), from anywhere in the kernel or a service.

Kept apart from ``casework.web`` (which builds the app and imports ``casework.auth``), so that
``casework.auth`` can refuse a request without importing the web package: the answer is made
into problem details by ``casework.web.errors``' handler.
"""

from __future__ import annotations

from typing import Any

from flask_smorest import abort as _smorest_abort


def abort(status: int, detail: str | None = None, *, errors: dict[str, list[str]] | None = None,
          headers: dict[str, str] | None = None) -> None:
    """Stop the request with a problem. ``errors`` names the fields a user would fix."""
    kwargs: dict[str, Any] = {}
    if detail:
        kwargs["message"] = detail
    if errors:
        kwargs["errors"] = errors
    if headers:
        kwargs["headers"] = headers
    _smorest_abort(status, **kwargs)


def invalid(field: str, message: str) -> None:
    """Stop with a 422 naming one field."""
    abort(422, "The request has invalid fields.", errors={field: [message]})
