"""Use cases tested without I/O: an in-memory SQLite session, and what a use case wrote to it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import orjson
from sqlalchemy import MetaData, select
from sqlalchemy.orm import Session


@contextmanager
def memory_session(metadata: MetaData, *, counters: tuple[str, ...] = ()) -> Iterator[Session]:
    """A session on a new in-memory SQLite database holding the kernel's tables, ``metadata``'s and
    the reference ``counters`` (``casework.numbering``) the service's migrations would make."""
    from alembic.migration import MigrationContext
    from alembic.operations import Operations

    from casework import numbering
    from casework.db import Database
    from casework.migrations import target_metadata

    db = Database("sqlite://")
    for tables in target_metadata(metadata):
        tables.create_all(db.engine)
    if counters:
        with db.engine.begin() as connection:
            operations = Operations(MigrationContext.configure(connection))
            for name in counters:
                numbering.create_counter(operations, name)
    try:
        with db.session() as session:
            yield session
    finally:
        db.dispose()


def published(session: Session) -> list[tuple[str, dict[str, Any]]]:
    """The events in the outbox, oldest first: (type without ``casework.``, data)."""
    from casework.outbox import OutboxMessage

    rows = session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).all()
    return [(row.event_type.removeprefix("casework."), orjson.loads(row.body)["data"]) for row in rows]


def audited(session: Session, *, with_record_type: bool = False) -> list[Any]:
    """The audit log's actions, oldest first (with ``with_record_type``: ``(action, record type)``)."""
    from casework.audit import AuditEntry

    if with_record_type:
        rows = session.execute(select(AuditEntry.action, AuditEntry.record_type).order_by(AuditEntry.id))
        return [tuple(row) for row in rows]
    return list(session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)))


def pending_timers(session: Session) -> dict[str, dt.datetime]:
    """Timers neither fired nor cancelled, by key."""
    from casework.timers import Timer

    rows = session.scalars(select(Timer).where(Timer.fired_at.is_(None), Timer.cancelled_at.is_(None))).all()
    return {row.key: row.due_at for row in rows}
