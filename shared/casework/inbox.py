"""The inbox: an event takes effect once, however often it is delivered.

A consumer records the event id in the same transaction as its effect. A redelivered event
finds its id already there and is acknowledged without being handled again.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import String
from sqlalchemy.orm import Mapped, Session, mapped_column

from casework.db import KernelBase, UTCDateTime, insert_all_ignoring_conflict, utcnow
from casework.events import Event


class InboxEntry(KernelBase):
    __tablename__ = "inbox"

    event_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    event_type: Mapped[str] = mapped_column(String(200))
    received_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


def claim(session: Session, event: Event) -> bool:
    """Record the event in the caller's transaction; False when it was handled before.

    A concurrent delivery of the same event waits on the primary key until the first
    transaction ends, then sees the conflict: only one of them takes effect.
    """
    return event.id in claim_all(session, [event])


def claim_all(session: Session, events: list[Event]) -> set[str]:
    """Record a batch of events with one statement; the ids of those not handled before.

    What ``claim`` does for each (an id delivered twice in the batch is recorded once), in
    one round trip rather than one per event: the consumer claims a whole batch before
    handling it. Claimed in the order of their ids, so that two consumers claiming redelivered
    events at once take their locks in the same order and never deadlock.
    """
    if not events:
        return set()
    now = utcnow()
    rows = [{"event_id": e.id, "event_type": e.type, "received_at": now} for e in sorted(events, key=lambda e: e.id)]
    return set(insert_all_ignoring_conflict(session, InboxEntry.__table__, rows, returning=InboxEntry.event_id))
