"""Who is using the inbox: a signed session cookie holding an opaque session id (``casework.web.signin``).

- Development: pick an officer from the directory.
- Production: the same bearer tokens as the API, verified by the same ``TokenVerifier`` — pasted
  into the sign-in form (the session then ends when the token would, and the token itself is not
  kept), or put on every request as ``Authorization: Bearer`` by an identity-aware reverse proxy
  (the kernel verifies that header before the view runs).

Who is signed in is kept on the server; the cookie carries no token the API would take, and
signing out deletes the session, so a copy of the cookie signs nobody in. Every form post carries
the session's CSRF token; the cookie is HttpOnly and SameSite=Lax.
"""

from __future__ import annotations

import datetime as dt
import functools
import hmac
import secrets

import jwt
from flask import current_app, flash, g, redirect, render_template, request, session, url_for
from sqlalchemy import select

from casework import context
from casework.auth import OFFICER_ROLES, AuthError
from casework.context import Principal
from casework.web import db_session, signin
from casework.web.errors import abort
from notifications.models import Officer, SignInSession

from . import EXTENSION, InboxSettings
from .blueprint import accepts_form, blueprint


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


@blueprint.get("/inbox/sign-in")
def sign_in():
    if not inbox_settings().session_secret:
        return page("unavailable.html", 503)
    return _sign_in_page()


def _sign_in_page(status: int = 200, errors: dict[str, str] | None = None, chosen: str | None = None):
    officers = []
    if inbox_settings().dev_signin:
        officers = list(db_session().scalars(select(Officer).where(Officer.active.is_(True)).order_by(Officer.name)))
    return page("signin.html", status, officers=officers, dev_signin=inbox_settings().dev_signin,
                errors=errors or {}, chosen=chosen)


@blueprint.post("/inbox/sign-in")
@accepts_form
def sign_in_with_token():
    """A bearer token pasted into the form (or posted by a reverse proxy with the CSRF token)."""
    if not inbox_settings().session_secret:
        return page("unavailable.html", 503)
    if not csrf_ok():
        return page("expired_form.html", 400, me=None)
    token = request.form.get("token", "").strip().removeprefix("Bearer ").strip()
    if not token:
        return _sign_in_page(422, {"token": "Enter your bearer token"})
    try:
        principal = current_app.extensions["casework"].verifier.verify(token)
    except AuthError:
        return _sign_in_page(422, {"token": "The token is not valid or has expired: get a new one and try again"})
    if not principal.has_any(*OFFICER_ROLES):
        return _sign_in_page(422, {"token": "The token is not an officer's: the inbox is for officers"})
    return _start_session(principal, ends=_expiry(token))


def _expiry(token: str) -> dt.datetime | None:
    """When the (already verified) token expires: the session ends then at the latest."""
    exp = jwt.decode(token, options={"verify_signature": False}).get("exp")
    return dt.datetime.fromtimestamp(exp, dt.UTC) if isinstance(exp, int | float) else None


@blueprint.post("/inbox/sign-in/development")
@accepts_form
def sign_in_for_development():
    """Development only: sign in as an officer from the directory with a minted token."""
    settings = inbox_settings()
    if not settings.session_secret or not settings.dev_signin:
        return page("unavailable.html", 404)
    if not csrf_ok():
        return page("expired_form.html", 400, me=None)
    officer_id = request.form.get("officer", "")
    officer = db_session().get(Officer, officer_id) if officer_id else None
    if officer is None or not officer.active:
        return _sign_in_page(422, {"officer": "Select the officer you are signing in as"})
    return _start_session(Principal(sub=officer.id, roles=frozenset(officer.roles or []), name=officer.name))


def _start_session(principal: Principal, ends: dt.datetime | None = None):
    session.clear()  # a fresh CSRF token for the new session
    session["sid"] = signin.start(db_session(), SignInSession, principal, ends)
    csrf_token()
    flash(f"Signed in as {principal.name or principal.sub}.", "success")
    return redirect(url_for("inbox_page.inbox"), 303)


@blueprint.post("/inbox/sign-out")
@accepts_form
def sign_out():
    if csrf_ok():
        signin.end(db_session(), SignInSession, session.get("sid", ""))
        session.clear()
    return redirect(url_for("inbox_page.sign_in"), 303)
