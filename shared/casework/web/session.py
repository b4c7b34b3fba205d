"""One database session per request, committed when the response is good.

Views add and change rows on ``db_session()``; the kernel commits after the response is
built, together with the idempotency record and the audit rows, or rolls everything back
when the response is an error, so nothing is half-written.
"""

from __future__ import annotations

from flask import current_app, g
from sqlalchemy.orm import Session


def db_session() -> Session:
    """The current request's session (opened on first use)."""
    session = g.get("db_session")
    if session is None:
        session = current_app.extensions["casework"].db.session()
        session.begin()
        g.db_session = session
    return session
