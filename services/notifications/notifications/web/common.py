"""What every inbox page needs: who is signed in (``signed_in``), the form's CSRF token, a rendered
page, and the services' public URLs for links.

Who is signed in is kept on the server (``casework.web.signin``): the cookie holds only the
session's random id. Every form post carries the session's CSRF token.
"""

from __future__ import annotations

import functools
import hmac
import os
import secrets

from flask import current_app, g, redirect, render_template, request, session, url_for

from casework import context
from casework.auth import OFFICER_ROLES
from casework.context import Principal
from casework.web import db_session, signin
from casework.web.errors import abort
from notifications.models import SignInSession
from notifications.rules import public_urls

from . import EXTENSION, InboxSettings
from .blueprint import blueprint


def inbox_settings() -> InboxSettings:
    return current_app.extensions[EXTENSION]


def csrf_token() -> str:
    """The session's token for form posts (made on first use)."""
    token = session.get("csrf")
    if not token:
        token = session["csrf"] = secrets.token_urlsafe(32)
    return token


def csrf_ok() -> bool:
    sent, expected = request.form.get("csrf_token", ""), session.get("csrf", "")
    return bool(expected) and hmac.compare_digest(sent.encode(), expected.encode())


@blueprint.app_context_processor
def _globals() -> dict:
    return {"csrf_token": csrf_token}


def signed_in_principal() -> Principal | None:
    """The officer behind this request: a verified Authorization header, else the session's sign-in."""
    if g.get("principal") is not None:
        return g.principal
    principal = signin.find(db_session(), SignInSession, session.get("sid", ""))
    if principal is None:
        session.pop("sid", None)  # ended, expired or never started: sign in again
        return None
    g.principal = principal
    g.context_tokens.append((context.principal, context.principal.set(principal)))
    return principal


def wants_json() -> bool:
    """The page's own script asking (it sends ``Accept: application/json``), not a browser's navigation."""
    return request.accept_mimetypes.best == "application/json"


def page(template: str, status: int = 200, **values):
    return render_template(template, **values), status


def signed_in(view):
    """The view needs an officer: others go to the sign-in page; a form post needs its CSRF token."""
    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        if not inbox_settings().session_secret:
            return page("unavailable.html", 503)
        me = signed_in_principal()
        if me is None:
            if wants_json():  # the page's script asking for updates: it stops, and says so
                abort(401, "The session has ended: sign in again.")
            if request.method == "GET":
                return redirect(url_for("inbox_page.sign_in"), 303)
            return page("signin_needed.html", 401)
        if not me.has_any(*OFFICER_ROLES):
            return page("forbidden.html", 403, me=me)
        if request.method == "POST" and not csrf_ok():
            return page("expired_form.html", 400, me=me)
        return view(me, *args, **kwargs)

    return wrapper


def service_urls() -> dict[str, str]:
    return public_urls(os.environ)
