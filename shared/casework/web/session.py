"""One database session per request, committed when the response is good.

Views add and change rows on ``db_session()``; the kernel commits after the response is
built, together with the idempotency record and the audit rows, or rolls everything back
when the response is an error, so nothing is half-written.

A GET (or HEAD, OPTIONS) only reads: on SQLite its transaction begins ``DEFERRED`` and takes
no lock, and its audit entries are written after it in a short transaction of their own
(``casework.db.READS_ONLY``). One that would write after all is begun again as a writer
(``written_instead``).
"""

from __future__ import annotations

from flask import current_app, g, request
from sqlalchemy.orm import Session

#: The methods that only read (RFC 9110 §9.2.1, safe methods).
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def db_session() -> Session:
    """The current request's session (opened on first use)."""
    session = g.get("db_session")
    if session is None:
        reads_only = request.method in SAFE_METHODS and not g.get("db_writes")
        session = current_app.extensions["casework"].db.session(reads_only=reads_only)
        session.begin()
        g.db_session = session
    return session


def written_instead() -> None:
    """The request's reading transaction was about to write: drop it (it wrote nothing), and
    give the request a writing one from now on (the view is then run again)."""
    session = g.pop("db_session", None)
    if session is not None:
        session.rollback()
        session.close()
    g.db_writes = True
