"""Who is signed in to the pages: one signed cookie that every service verifies by itself.

The cookie (Flask's session, signed with HMAC-SHA256 and ``CASEWORK_SESSION_SECRET``, the same on
every service) holds the officer's id, name and roles, a random session id and the time the sign-in
ends. Any service reads it without asking another, so each still deploys and runs alone. It is
HttpOnly (no page script reads it), SameSite=Lax (not sent with another site's form posts) and
Secure outside development; forms also carry Flask-WTF's CSRF token.

Signing out deletes the cookie from the browser (one cookie, so from every service at once) and
ends the sign-in itself (``casework.signouts``): the service where the officer signs out notes its
session id (a SHA-256 of it) in its own ``signed_out_sessions`` table and publishes
``casework.pages.signed_out.v1``, which every service records in its own. Every page request looks
its session up there (one primary-key lookup), so a copy of the cookie taken before sign-out signs
nobody in: at the service where the officer signed out at once, at the others once the event is
delivered (normally well under a second; with the broker away, once the relay's backlog drains
after it returns). No service asks another at request time, so each still deploys and runs alone.
A sign-in not signed out ends at its time (``CASEWORK_SESSION_HOURS``, a working day by default).
A leaked session secret signs anyone in, so it is kept like the JWT secret.

An identity-aware proxy's ``Authorization: Bearer`` header signs each request in by itself (the
kernel verifies it before the view runs) and needs no cookie.
"""

from __future__ import annotations

import datetime as dt
import secrets
import time

from flask import g, session
from sqlalchemy.orm import Session

from casework import context, signouts
from casework.context import Principal
from casework.db import utcnow
from casework.web.session import db_session

KEY = "officer"


def start(principal: Principal, lifetime_seconds: float) -> None:
    """Sign ``principal`` in on every service (a fresh cookie: a fresh CSRF token too)."""
    session.clear()
    session.permanent = True
    session[KEY] = {"sub": principal.sub, "name": principal.name, "roles": sorted(principal.roles),
                    "sid": secrets.token_urlsafe(16), "ends": int(time.time() + lifetime_seconds)}


def end(db: Session) -> None:
    """Sign out: the browser deletes the cookie (an empty session is removed, not re-sent), and
    the sign-in is noted as signed out here and, by event, at every service, so a copy of the
    cookie signs nobody in either."""
    found = session.get(KEY)
    if isinstance(found, dict) and isinstance(found.get("sid"), str) and isinstance(found.get("ends"), int):
        until = dt.datetime.fromtimestamp(found["ends"], dt.UTC)
        if until > utcnow():
            signouts.sign_out(db, found["sid"], until)
    session.clear()


def signed_in() -> Principal | None:
    """The officer behind this request: a verified ``Authorization`` header, else the cookie's sign-in.

    The officer is also made the request's principal, so the use cases audit them.
    """
    if g.get("principal") is not None:
        return g.principal
    found = session.get(KEY)
    if not isinstance(found, dict) or not isinstance(found.get("ends"), int) or found["ends"] <= utcnow().timestamp() \
            or not isinstance(found.get("sid"), str) or signouts.is_signed_out(db_session(), found["sid"]):
        if found is not None:
            session.pop(KEY, None)  # ended or signed out: sign in again
        return None
    principal = Principal(sub=str(found["sub"]), roles=frozenset(found.get("roles") or ()), name=str(found.get("name", "")))
    g.principal = principal
    g.context_tokens.append((context.principal, context.principal.set(principal)))
    return principal
