"""The transactional outbox: events are rows written with the change that caused them.

The API process only ever writes rows (``emit``); the worker's ``Relay`` publishes them
with publisher confirms, in order, marks them sent, and leaves them waiting while the
broker is away. Several relays may run at once: rows are claimed ``FOR UPDATE SKIP LOCKED``.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
import time
from typing import Any

from sqlalchemy import BigInteger, Index, Integer, String, Text, bindparam, func, text
from sqlalchemy import select as sa_select
from sqlalchemy import update as sa_update
from sqlalchemy.orm import Mapped, Session, mapped_column

from casework import appends, events
from casework.contracts import catalogue
from casework.db import Database, KernelBase, UTCDateTime, as_utc, utcnow
from casework.metrics import OUTBOX_PENDING_AGE, OUTBOX_PUBLISHED

log = logging.getLogger(__name__)


class OutboxMessage(KernelBase):
    __tablename__ = "outbox"

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True)
    event_id: Mapped[str] = mapped_column(String(36), unique=True)
    event_type: Mapped[str] = mapped_column(String(200))
    routing_key: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)

    __table_args__ = (Index("ix_outbox_unsent", "id", postgresql_where=text("sent_at IS NULL"),
                            sqlite_where=text("sent_at IS NULL")),)


_TABLE = OutboxMessage.__table__
_UNSENT = (sa_select(_TABLE.c.id, _TABLE.c.routing_key, _TABLE.c.body, _TABLE.c.event_id, _TABLE.c.created_at)
           .where(_TABLE.c.sent_at.is_(None)).order_by(_TABLE.c.id).limit(bindparam("batch"))
           .with_for_update(skip_locked=True))
#: The listener's cheap look while the relay lingers: served by the partial index of unsent rows.
_ANYTHING_WAITING = "SELECT EXISTS (SELECT 1 FROM outbox WHERE sent_at IS NULL)"
_SENT = sa_update(_TABLE).where(_TABLE.c.id.in_(bindparam("ids", expanding=True))).values(sent_at=bindparam("now"))
_FAILED = (sa_update(_TABLE).where(_TABLE.c.id.in_(bindparam("ids", expanding=True)))
           .values(attempts=_TABLE.c.attempts + 1, last_error=bindparam("error")))


def notify_channel(service: str) -> str:
    return f"casework_outbox_{service}"


def emit(session: Session, type: str, *, subject: str, data: dict[str, Any]) -> events.Event:
    """Validate ``data`` against the catalogue and add the event to the outbox.

    It is published when the caller's transaction commits, never before and never
    without it. Returns the event (its id is what the caller may record as the cause).
    """
    if not type.startswith("casework."):
        type = "casework." + type
    payload = catalogue.serialise(type, data)
    event = events.make(type, subject=subject, data=payload)
    add(session, event)
    return event


def add(session: Session, event: events.Event) -> None:
    """Add an already-built event to the outbox in the caller's transaction.

    Written with the transaction's other appended rows (``casework.appends``): one statement
    with the audit entries, before the transaction's next statement or its commit.
    """
    notify = None
    if session.get_bind().dialect.name == "postgresql" and _notify_due():
        # Delivered at commit: wakes the relay without it polling.
        from casework import context

        notify = notify_channel(context.service.get())
    appends.append(session, _TABLE, {
        "event_id": event.id, "event_type": event.type, "routing_key": event.routing_key,
        "body": event.to_json(), "created_at": utcnow(), "attempts": 0,
    }, notify=notify)


#: A process sends NOTIFY at most this often. PostgreSQL holds one database-wide lock from a
#: notifying transaction's commit until its WAL is flushed, so a NOTIFY per request makes every
#: commit wait in line (measured: 4 concurrent clients fell from 125 to 34 referrals/s). The
#: relay keeps polling briefly after each wake-up (``Relay.LINGER_SECONDS``), which covers the
#: events whose NOTIFY was skipped.
NOTIFY_EVERY_SECONDS = 0.05
_last_notify = [0.0]


def _notify_due() -> bool:
    now = time.monotonic()
    if now - _last_notify[0] < NOTIFY_EVERY_SECONDS:
        return False
    _last_notify[0] = now
    return True


def pending_count(session: Session) -> int:
    return session.scalar(sa_select(func.count()).select_from(OutboxMessage).where(OutboxMessage.sent_at.is_(None)))


class Relay:
    """Publishes unsent outbox rows in id order and marks them sent.

    ``publisher`` is a ``casework.bus.Publisher``: ``publish(routing_key, body, message_id)``
    returns after the broker confirms the message, and raises when it cannot.
    """

    #: After publishing (or being woken), poll every LINGER_POLL_SECONDS for this long before
    #: going back to waiting on NOTIFY.
    LINGER_SECONDS = 0.25
    LINGER_POLL_SECONDS = 0.01

    def __init__(self, db: Database, publisher: Any, *, service: str, batch: int = 100,
                 poll_seconds: float = 1.0) -> None:
        self.db = db
        self.publisher = publisher
        self.service = service
        self.batch = batch
        self.poll_seconds = poll_seconds
        self.stopping = threading.Event()
        self.healthy = True

    def relay_once(self) -> int:
        """Publish one batch; return how many rows were sent. Raises when the broker is away."""
        failure: Exception | None = None
        # Core statements made once on a plain connection, not the ORM: the relay's hot path,
        # run a hundred times a second while it lingers (the ORM's statement compilation and
        # bulk-update bookkeeping were two thirds of its CPU).
        with self.db.engine.begin() as conn:
            rows = conn.execute(_UNSENT, {"batch": self.batch}).all()
            if not rows:
                OUTBOX_PENDING_AGE.labels(self.service).set(0)
                return 0
            ids = [row.id for row in rows]
            try:
                self.publisher.publish_many([(row.routing_key, row.body, row.event_id) for row in rows])
            except Exception as exc:  # broker away: the rows stay unsent and are tried again
                failure = exc
                conn.execute(_FAILED, {"ids": ids, "error": f"{type(exc).__name__}: {exc}"[:500]})
                oldest = utcnow() - as_utc(rows[0].created_at)
                OUTBOX_PENDING_AGE.labels(self.service).set(oldest.total_seconds())
            else:
                conn.execute(_SENT, {"ids": ids, "now": utcnow()})  # one statement for the batch
        if failure is not None:
            self.healthy = False
            log.warning("outbox relay could not publish: %s", type(failure).__name__)
            raise failure
        self.healthy = True
        OUTBOX_PUBLISHED.labels(self.service).inc(len(rows))
        return len(rows)

    def drain(self) -> int:
        """Publish until nothing is waiting (used by tests and the embedded runner)."""
        total = 0
        while True:
            n = self.relay_once()
            total += n
            if n == 0:
                return total

    def catch_up(self) -> int:
        """Publish while batches come back full. A part-full batch means the relay has caught up:
        what lands next is found by the next wake-up or linger poll, without one more query now
        to see nothing (that empty query was a third of the relay's work under steady load)."""
        total = 0
        while not self.stopping.is_set():
            n = self.relay_once()
            total += n
            if n < self.batch:
                return total
        return total

    def run(self) -> None:
        """Relay until stopped: woken by LISTEN/NOTIFY on PostgreSQL, polling otherwise."""
        listener = _Listener(self.db, notify_channel(self.service)) if not self.db.is_sqlite else None
        backoff = self.poll_seconds
        active_at = time.monotonic()
        while not self.stopping.is_set():
            try:
                sent = self.catch_up()
                backoff = self.poll_seconds
            except Exception:
                # Wait longer each time the broker or database is away, up to 30 s.
                backoff = min(max(backoff * 2, 0.5), 30.0)
                self.stopping.wait(backoff)
                continue
            if sent:
                active_at = time.monotonic()
            if listener is None:
                self.stopping.wait(self.poll_seconds)
                continue
            if time.monotonic() - active_at < self.LINGER_SECONDS:
                # Busy a moment ago: writers may have skipped their NOTIFY (see
                # outbox.NOTIFY_EVERY_SECONDS). Look again every LINGER_POLL_SECONDS with one
                # read on the listener's own connection (no transaction, no lock), and take a
                # batch only when something waits. (Not by waiting on NOTIFY meanwhile: each
                # wait costs psycopg about 0.9 ms of CPU, whatever its timeout.)
                while (not self.stopping.wait(self.LINGER_POLL_SECONDS)
                       and time.monotonic() - active_at < self.LINGER_SECONDS
                       and not listener.anything_waiting()):
                    pass
                continue
            heartbeat = getattr(self.publisher, "heartbeat", None)
            if heartbeat is not None:
                heartbeat()
            if listener.wait(self.poll_seconds, self.stopping):
                active_at = time.monotonic()
        if listener is not None:
            listener.close()

    def stop(self) -> None:
        self.stopping.set()


class _Listener:
    """A raw psycopg connection LISTENing on the outbox channel."""

    def __init__(self, db: Database, channel: str) -> None:
        self.db = db
        self.channel = channel
        self.conn: Any = None

    def _connect(self) -> None:
        raw = self.db.engine.raw_connection()
        # Take the driver's connection before detaching: a detached proxy no longer has it.
        conn = raw.driver_connection
        # Detach from the pool: this connection lives as long as the relay.
        raw.detach()
        self.conn = conn
        self.conn.rollback()  # the pool's ping may have left a transaction open
        self.conn.autocommit = True
        self.conn.execute(f'LISTEN "{self.channel}"')

    def wait(self, timeout: float, stopping: threading.Event) -> bool:
        """Wait for a NOTIFY (True) or the timeout (False)."""
        try:
            if self.conn is None or self.conn.closed:
                self._connect()
            return any(True for _ in self.conn.notifies(timeout=timeout, stop_after=1))
        except Exception:
            log.warning("outbox listener lost its connection; polling until it is back")
            self.close()
            stopping.wait(min(timeout, 1.0))
            return False

    def anything_waiting(self) -> bool:
        """Whether an unsent row is there (True too when it cannot tell: the relay then looks
        the usual way, and finds out)."""
        try:
            if self.conn is None or self.conn.closed:
                self._connect()
            return bool(self.conn.execute(_ANYTHING_WAITING).fetchone()[0])
        except Exception:
            self.close()
            return True

    def close(self) -> None:
        if self.conn is not None:
            try:
                self.conn.close()
            except Exception:
                pass
            self.conn = None


__all__ = ["OutboxMessage", "Relay", "add", "emit", "pending_count"]
