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

import jwt
from flask import current_app, flash, redirect, request, session, url_for
from sqlalchemy import select

from casework.auth import OFFICER_ROLES, AuthError
from casework.context import Principal
from casework.web import db_session, signin
from notifications.models import Officer, SignInSession

from .blueprint import accepts_form, blueprint
from .common import csrf_ok, csrf_token, inbox_settings, page


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
