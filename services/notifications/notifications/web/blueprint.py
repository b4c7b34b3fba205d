"""The inbox's Flask blueprint (plain Flask: these pages are not part of the JSON API)."""

from __future__ import annotations

from flask import Blueprint, Response

blueprint = Blueprint("inbox_page", __name__, template_folder="templates", static_folder="static",
                      static_url_path="/inbox/static")

SECURITY_HEADERS = {
    # Scripts and styles only from this service; no framing (click-jacking).
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'; "
                               "form-action 'self'; base-uri 'none'",
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}


@blueprint.after_request
def _secure(response: Response) -> Response:
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    if response.mimetype == "text/html":
        response.headers["Cache-Control"] = "no-store"
    return response


def accepts_form(view):
    """Mark a view as taking a form post (the kernel answers 415 to non-JSON bodies otherwise)."""
    view.accepts_form = True
    return view
