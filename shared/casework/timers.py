"""Durable timers: "do this at that time", kept in the database and fired once.

A service schedules a timer in the same transaction as the change that needs it (a case's
first-contact deadline, an offer's response time). The worker's ``Sweeper`` fires due timers,
each in its own transaction with the timer's row locked ``FOR UPDATE SKIP LOCKED``, so any
number of sweepers may run. A timer whose work was done is cancelled (or its handler checks
the record and does nothing).
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
import uuid
from collections.abc import Callable
from typing import Any

from sqlalchemy import Index, Integer, String, Text, Uuid, select, text, update
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Mapped, Session, mapped_column

from casework import appends, context
from casework.db import Database, JSONDoc, KernelBase, UTCDateTime, database_away, utcnow
from casework.metrics import TIMERS_FIRED

log = logging.getLogger(__name__)

TimerHandler = Callable[[Session, "Timer"], None]


class RetryLater(Exception):
    """Raised by a timer handler to keep what it wrote and run again after ``delay`` seconds."""

    def __init__(self, delay: float, reason: str = "") -> None:
        super().__init__(reason or f"retry in {delay}s")
        self.delay = delay


class Timer(KernelBase):
    __tablename__ = "timers"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    kind: Mapped[str] = mapped_column(String(100))
    #: Names the timer for cancelling and rescheduling, e.g. ``first_contact:<case id>``.
    key: Mapped[str] = mapped_column(String(200), unique=True)
    due_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    payload: Mapped[dict] = mapped_column(JSONDoc, default=dict)
    correlation_id: Mapped[str | None] = mapped_column(String(64))
    fired_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    cancelled_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)

    __table_args__ = (
        Index("ix_timers_due", "due_at", postgresql_where=text("fired_at IS NULL AND cancelled_at IS NULL"),
              sqlite_where=text("fired_at IS NULL AND cancelled_at IS NULL")),
    )


def schedule(session: Session, kind: str, *, key: str, due_at: dt.datetime, payload: dict[str, Any] | None = None) -> Timer:
    """Schedule (or move) the timer named ``key`` in the caller's transaction."""
    timer = session.scalar(select(Timer).where(Timer.key == key))
    if timer is None:
        timer = Timer(key=key, kind=kind)
        session.add(timer)
    timer.kind = kind
    timer.due_at = due_at
    timer.payload = payload or {}
    timer.fired_at = None
    timer.cancelled_at = None
    timer.attempts = 0
    timer.correlation_id = context.correlation_id.get()
    return timer


def ensure_pending(session: Session, kind: str, *, key: str) -> None:
    """A recurring timer (one row, rescheduled by its handler) due now unless it is already pending:
    a worker's start, so a run that failed for good or was never scheduled is not lost."""
    timer = session.scalar(select(Timer).where(Timer.key == key))
    if timer is None or timer.fired_at is not None or timer.cancelled_at is not None or timer.attempts >= 5:
        schedule(session, kind, key=key, due_at=utcnow())


def schedule_new(session: Session, kind: str, *, key: str, due_at: dt.datetime,
                 payload: dict[str, Any] | None = None) -> None:
    """Schedule a timer whose ``key`` is new, e.g. named after a record made in this transaction.

    Cheaper than ``schedule``: no look-up first, and no statement of its own: the row is
    appended (``casework.appends``) and written with the transaction's audit entries and events,
    before its next statement or its commit. It never moves a timer: a key already taken means
    the caller was wrong that it is new, and that write raises ``IntegrityError`` (the key is
    unique), failing the transaction.
    """
    appends.append(session, Timer.__table__, {
        "id": uuid.uuid4(), "kind": kind, "key": key, "due_at": due_at, "payload": payload or {}, "attempts": 0,
        "correlation_id": context.correlation_id.get(),
    })


def cancel(session: Session, key: str) -> bool:
    """Cancel a pending timer; True when there was one to cancel."""
    result = session.execute(
        update(Timer)
        .where(Timer.key == key, Timer.fired_at.is_(None), Timer.cancelled_at.is_(None))
        .values(cancelled_at=utcnow())
    )
    return bool(result.rowcount)


class Sweeper:
    """Fires due timers through the handlers registered by kind."""

    def __init__(self, db: Database, handlers: dict[str, TimerHandler], *, service: str,
                 poll_seconds: float = 1.0, max_attempts: int = 5) -> None:
        self.db = db
        self.handlers = handlers
        self.service = service
        self.poll_seconds = poll_seconds
        self.max_attempts = max_attempts
        self.stopping = threading.Event()

    def fire_due(self, now: dt.datetime | None = None, limit: int = 100) -> int:
        """Fire up to ``limit`` due timers, one transaction each; return how many fired."""
        fired = 0
        for _ in range(limit):
            outcome = self._fire_one(now or utcnow())
            if outcome is None:
                break
            fired += outcome
        return fired

    def _fire_one(self, now: dt.datetime) -> int | None:
        session = self.db.session()
        try:
            with session.begin():
                timer = session.scalar(
                    select(Timer)
                    .where(Timer.fired_at.is_(None), Timer.cancelled_at.is_(None),
                           Timer.due_at <= now, Timer.attempts < self.max_attempts)
                    .order_by(Timer.due_at)
                    .limit(1)
                    .with_for_update(skip_locked=True)
                )
                if timer is None:
                    return None
                handler = self.handlers.get(timer.kind)
                due_before = timer.due_at
                retry: RetryLater | None = None
                try:
                    with session.begin_nested(), context.bound(
                        service=self.service, correlation_id=timer.correlation_id or str(timer.id),
                        causation_id=str(timer.id),
                    ):
                        if handler is None:
                            raise LookupError(f"no handler for timer kind {timer.kind!r}")
                        try:
                            handler(session, timer)
                        except RetryLater as later:
                            retry = later  # its writes are kept: the savepoint commits
                except Exception as exc:
                    timer.attempts += 1
                    timer.last_error = f"{type(exc).__name__}: {exc}"[:500]
                    # Try again later, backing off; the deadline itself is in the payload.
                    timer.due_at = now + dt.timedelta(seconds=min(300, 5 * 2 ** timer.attempts))
                    log.exception("timer %s (%s) failed", timer.id, timer.kind)
                    return 0
                if retry is not None:
                    timer.attempts += 1
                    timer.last_error = str(retry)[:500]
                    timer.due_at = now + dt.timedelta(seconds=retry.delay)
                    return 0
                if timer.due_at != due_before and timer.cancelled_at is None:
                    return 0  # the handler rescheduled its own timer: it is not spent
                timer.fired_at = utcnow()
                TIMERS_FIRED.labels(self.service, timer.kind).inc()
                return 1
        finally:
            session.close()

    def run(self) -> None:
        """Sweep every ``poll_seconds`` until stopped. While the database is away (failing over,
        restarting) the sweep says so once and looks again less often, up to every 5 s: not a
        traceback at every poll, nor a connection attempt five times a second."""
        wait, away = self.poll_seconds, False
        while not self.stopping.is_set():
            try:
                self.fire_due()
            except Exception as exc:
                if not (isinstance(exc, DBAPIError) and database_away(exc)):
                    log.exception("timer sweep failed")
                else:
                    if not away:
                        log.warning("database unavailable: timers wait for it (%s)", type(exc.orig).__name__)
                    away, wait = True, max(self.poll_seconds, min(wait * 2, 5.0))
            else:
                if away:
                    log.info("database back: timers fire again")
                away, wait = False, self.poll_seconds
            self.stopping.wait(wait)

    def stop(self) -> None:
        self.stopping.set()
