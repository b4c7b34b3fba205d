"""Signed-in sessions kept on the server: the browser's cookie holds only an opaque session id.

A page's session cookie (Flask's, signed but readable) carries a random id and nothing a browser
could use elsewhere: no bearer token, no identity. Who is signed in, with which roles and until
when, is a row on the server, found by a hash of the id (a copy of the table does not sign anyone
in). Signing out deletes the row, so a copied cookie is refused from then on.

A service that serves pages declares the table on its own models and migrates it::

    class SignInSession(signin.SignInSessionColumns, Base):
        __tablename__ = "signin_sessions"

and calls ``start`` at sign-in, ``find`` on each page request and ``end`` at sign-out, with its
request's database session.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from sqlalchemy import String, delete
from sqlalchemy.orm import Mapped, Session, mapped_column

from casework.context import Principal
from casework.db import JSONDoc, UTCDateTime, as_utc, utcnow

#: The longest a sign-in lasts, whatever signed the officer in.
LIFETIME = dt.timedelta(hours=12)


class SignInSessionColumns:
    """The columns of a service's sign-in session table (mix into one of its models)."""

    #: SHA-256 of the cookie's session id, in hex.
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    officer_id: Mapped[str] = mapped_column(String(200))
    name: Mapped[str] = mapped_column(String(200))
    roles: Mapped[list] = mapped_column(JSONDoc)
    started_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, index=True)


def _key(session_id: str) -> str:
    return hashlib.sha256(session_id.encode()).hexdigest()


def start(db: Session, model: type[SignInSessionColumns], principal: Principal,
          ends: dt.datetime | None = None) -> str:
    """Record a sign-in for ``principal`` (ending at ``ends`` at the latest); return the cookie's session id.

    Sessions that have ended are cleared out on the way.
    """
    now = utcnow()
    expires = min(now + LIFETIME, as_utc(ends)) if ends else now + LIFETIME
    db.execute(delete(model).where(model.expires_at < now))
    session_id = secrets.token_urlsafe(32)
    db.add(model(id=_key(session_id), officer_id=principal.sub, name=principal.name, roles=sorted(principal.roles),
                 started_at=now, expires_at=expires))
    return session_id


def find(db: Session, model: type[SignInSessionColumns], session_id: str) -> Principal | None:
    """Who is signed in with this session id, or None when it was never started, has ended or expired."""
    if not session_id:
        return None
    row = db.get(model, _key(session_id))
    if row is None or row.expires_at <= utcnow():
        return None
    return Principal(sub=row.officer_id, roles=frozenset(row.roles or ()), name=row.name)


def end(db: Session, model: type[SignInSessionColumns], session_id: str) -> None:
    """Sign out: the session id signs nobody in again."""
    if session_id:
        db.execute(delete(model).where(model.id == _key(session_id)))
