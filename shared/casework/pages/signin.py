"""Who is signed in to the pages: one signed cookie that every service verifies by itself.

The cookie (Flask's session, signed with HMAC-SHA256 and ``CASEWORK_SESSION_SECRET``, the same on
every service) holds the officer's id, name and roles, a random session id and the time the sign-in
ends. Any service reads it without asking another, so each still deploys and runs alone. It is
HttpOnly (no page script reads it), SameSite=Lax (not sent with another site's form posts) and
Secure outside development; forms also carry Flask-WTF's CSRF token.

The trade-off, against the server-side sessions the inbox used to keep: signing out deletes the
cookie from the browser (one cookie, so from every service at once), but a copy taken before
sign-out still works until it ends (``CASEWORK_SESSION_HOURS``, a working day by default), because
no service keeps a list of signed-out sessions: four services with four databases would each need
one, fed by an event, to refuse it sooner. Copying an HttpOnly, Secure cookie takes the officer's
own device; a leaked session secret signs anyone in, so it is kept like the JWT secret.

An identity-aware proxy's ``Authorization: Bearer`` header signs each request in by itself (the
kernel verifies it before the view runs) and needs no cookie.
"""

from __future__ import annotations

import secrets
import time

from flask import g, session

from casework import context
from casework.context import Principal
from casework.db import utcnow

KEY = "officer"


def start(principal: Principal, lifetime_seconds: float) -> None:
    """Sign ``principal`` in on every service (a fresh cookie: a fresh CSRF token too)."""
    session.clear()
    session.permanent = True
    session[KEY] = {"sub": principal.sub, "name": principal.name, "roles": sorted(principal.roles),
                    "sid": secrets.token_urlsafe(16), "ends": int(time.time() + lifetime_seconds)}


def end() -> None:
    """Sign out: the browser deletes the cookie (an empty session is removed, not re-sent)."""
    session.clear()


def signed_in() -> Principal | None:
    """The officer behind this request: a verified ``Authorization`` header, else the cookie's sign-in.

    The officer is also made the request's principal, so the use cases audit them.
    """
    if g.get("principal") is not None:
        return g.principal
    found = session.get(KEY)
    if not isinstance(found, dict) or not isinstance(found.get("ends"), int) or found["ends"] <= utcnow().timestamp():
        if found is not None:
            session.pop(KEY, None)  # ended: sign in again
        return None
    principal = Principal(sub=str(found["sub"]), roles=frozenset(found.get("roles") or ()), name=str(found.get("name", "")))
    g.principal = principal
    g.context_tokens.append((context.principal, context.principal.set(principal)))
    return principal
