"""Signed-out sign-ins: a copy of the pages' cookie taken before sign-out signs nobody in.

Every service verifies the sign-in cookie by itself (``casework.pages.signin``), so signing out
cannot reach into the others. Instead each service keeps its own list of the sign-ins that have
ended early, ``signed_out_sessions``: a SHA-256 of the cookie's random session id (never the id
itself) and the time the sign-in would have ended. Signing out at a service writes its row at once
and publishes ``casework.pages.signed_out.v1`` through the outbox; every service (that one too,
idempotently) records the event in its own table. A page request looks its session up once, by the
primary key. A row is of no use once its sign-in would have ended anyway (the cookie's end time
refuses it then), so every insert purges the rows past their time.

What remains: a copy is refused at the service where the officer signed out at once, and at the
others once the event reaches them; with the broker away, after the relay's backlog drains.

The handler is the kernel's: every service the catalogue names a consumer gets it from
``Service`` (``KERNEL_HANDLERS``), so no service writes it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any

from sqlalchemy import Index, String, delete, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from casework import outbox
from casework.db import KernelBase, UTCDateTime, insert_ignoring_conflict, utcnow
from casework.events import Event

#: Published by whichever service the officer signs out at; consumed by all four.
SIGNED_OUT = "casework.pages.signed_out.v1"


class SignedOutSession(KernelBase):
    __tablename__ = "signed_out_sessions"

    #: SHA-256 (hex) of the cookie's session id: the lookup on every page request is by this key.
    sid_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    #: When the sign-in would have ended: the row is purged after it.
    until: Mapped[dt.datetime] = mapped_column(UTCDateTime)

    __table_args__ = (Index("ix_signed_out_sessions_until", "until"),)


_TABLE = SignedOutSession.__table__


def hash_of(sid: str) -> str:
    return hashlib.sha256(sid.encode()).hexdigest()


def is_signed_out(session: Session, sid: str) -> bool:
    """Whether the sign-in with this session id was signed out (one primary-key lookup)."""
    return session.scalar(select(_TABLE.c.sid_hash).where(_TABLE.c.sid_hash == hash_of(sid))) is not None


def record(session: Session, sid_hash: str, until: dt.datetime, *, now: dt.datetime | None = None) -> None:
    """Note a sign-in as signed out (again: nothing changes), and purge the rows past their time.
    A sign-in that has ended by ``now`` needs no row: its cookie is refused for its time."""
    now = now or utcnow()
    purge(session, now)
    if until > now:
        insert_ignoring_conflict(session, _TABLE, {"sid_hash": sid_hash, "until": until}, returning=_TABLE.c.sid_hash)


def purge(session: Session, now: dt.datetime | None = None) -> int:
    """Delete the rows whose sign-in has ended by ``now``: the cookie's own end time refuses those."""
    return session.execute(delete(_TABLE).where(_TABLE.c.until <= (now or utcnow()))).rowcount or 0


def sign_out(session: Session, sid: str, until: dt.datetime) -> None:
    """The sign-out at this service: refused here at once, and told to every service by event."""
    digest = hash_of(sid)
    record(session, digest, until)
    outbox.emit(session, SIGNED_OUT, subject=digest, data={"session": digest, "until": until})


def on_signed_out(session: Session, event: Event, data: dict[str, Any]) -> None:
    """The handler every service has: record the sign-out another service (or this one) published."""
    record(session, data["session"], data["until"])


#: The kernel's own event handlers, added to each service the catalogue names a consumer.
KERNEL_HANDLERS = {SIGNED_OUT: on_signed_out}
