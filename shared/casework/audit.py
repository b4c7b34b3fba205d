"""The audit trail: every change (who, when, what, before and after) and every read.

Rows are written in the same transaction as the change they record and never updated;
on PostgreSQL a trigger refuses UPDATE and DELETE. Records are named by type and id
(``referral``, ``case``); team leaders read a record's trail over its service's API.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import marshmallow as ma
from sqlalchemy import BigInteger, Index, Integer, Select, String, select, text
from sqlalchemy.orm import Mapped, Session, mapped_column

from casework import appends, context
from casework.db import JSONDoc, KernelBase, UTCDateTime, utcnow


class AuditEntry(KernelBase):
    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True)
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    actor: Mapped[str] = mapped_column(String(200))
    actor_roles: Mapped[list] = mapped_column(JSONDoc, default=list)
    action: Mapped[str] = mapped_column(String(60))
    record_type: Mapped[str] = mapped_column(String(60))
    record_id: Mapped[str] = mapped_column(String(64))
    before: Mapped[dict | None] = mapped_column(JSONDoc)
    after: Mapped[dict | None] = mapped_column(JSONDoc)
    reason: Mapped[str | None] = mapped_column(String(500))
    correlation_id: Mapped[str | None] = mapped_column(String(64))

    __table_args__ = (Index("ix_audit_log_record", "record_type", "record_id", "at"),)


_TABLE = AuditEntry.__table__


#: Values that are already JSON as they are (the exact types: a subclass goes the long way).
_PLAIN = frozenset({str, int, float, bool, type(None)})


def _jsonable(value: Any) -> Any:
    # Most of a snapshot is plain strings and numbers (it is usually a schema's dump): let
    # those through on one look-up, before the checks for what needs converting.
    kind = type(value)
    if kind in _PLAIN:
        return value
    if kind is dict:
        return {k: v if type(v) in _PLAIN else _jsonable(v) for k, v in value.items()}
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, int | float | str | bool) or value is None:
        return value
    return str(value)


def record(session: Session, action: str, record_type: str, record_id: Any, *,
           before: dict | None = None, after: dict | None = None, reason: str | None = None) -> None:
    """Append an audit entry for the current principal, in the caller's transaction.

    Written with the transaction's other appended rows (``casework.appends``), before its next
    statement or its commit.
    """
    principal = context.principal.get()
    appends.append(session, _TABLE, {
        "at": utcnow(), "actor": principal.sub, "actor_roles": sorted(principal.roles), "action": action,
        "record_type": record_type, "record_id": str(record_id), "before": _jsonable(before),
        "after": _jsonable(after), "reason": reason, "correlation_id": context.correlation_id.get(),
    })


def read(session: Session, record_type: str, record_id: Any) -> None:
    """Record that the current principal read a record."""
    record(session, "read", record_type, record_id)


def changed(session: Session, action: str, record_type: str, record_id: Any, before: dict | None,
            after: dict | None, reason: str | None = None) -> None:
    """Record a change: the fields that differ, before and after (a creation keeps ``before`` empty)."""
    if before is None or after is None:
        record(session, action, record_type, record_id, before=before, after=after, reason=reason)
        return
    before, after = _jsonable(before), _jsonable(after)
    keys = set(before) | set(after)
    diff_before = {k: before.get(k) for k in keys if before.get(k) != after.get(k)}
    diff_after = {k: after.get(k) for k in keys if before.get(k) != after.get(k)}
    record(session, action, record_type, record_id, before=diff_before or None,
           after=diff_after or None, reason=reason)


def _of(record_type: str, record_id: Any) -> Select:
    return select(AuditEntry).where(AuditEntry.record_type == record_type, AuditEntry.record_id == str(record_id))


def trail(session: Session, record_type: str, record_id: Any) -> list[AuditEntry]:
    """A record's audit trail, oldest first (all of it: a subject-access export's)."""
    return list(session.scalars(_of(record_type, record_id).order_by(AuditEntry.id)))


def newest_first(record_type: str, record_id: Any) -> Select:
    """A record's audit trail, newest first, as a statement to read a page of (``@blp.paginate(
    SelectPage)``): every read is in a trail, so a long-lived record's runs to thousands of entries.

    In the order of ``ix_audit_log_record`` (its time, then the entry's id for entries written in
    the same instant), so a page is read from the index without sorting the whole trail.
    """
    return _of(record_type, record_id).order_by(AuditEntry.at.desc(), AuditEntry.id.desc())


class AuditEntrySchema(ma.Schema):
    """One line of a record's audit trail."""

    at = ma.fields.AwareDateTime(default_timezone=dt.UTC)
    actor = ma.fields.String()
    actor_roles = ma.fields.List(ma.fields.String())
    action = ma.fields.String()
    record_type = ma.fields.String()
    record_id = ma.fields.String()
    before = ma.fields.Dict(allow_none=True)
    after = ma.fields.Dict(allow_none=True)
    reason = ma.fields.String(allow_none=True)
    correlation_id = ma.fields.String(allow_none=True)


#: Installed by each service's first migration: the audit log is append-only.
APPEND_ONLY_TRIGGER = """
CREATE OR REPLACE FUNCTION casework_audit_append_only() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION 'audit_log is append-only';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
  FOR EACH ROW EXECUTE FUNCTION casework_audit_append_only();
"""

#: The same guard on SQLite (kernel schema v3): no DELETE ever, and no UPDATE but while ``redacting``.
SQLITE_GUARDS = {
    "audit_log_no_delete": "CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log "
                           "BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END",
    "audit_log_no_update": "CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log "
                           "BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END",
}


@contextmanager
def redacting(session: Session) -> Iterator[None]:
    """For the block, in this transaction only, let audit entries' ``before``, ``after`` and
    ``reason`` be redacted (``casework.privacy.redact_audit``); everything else stays refused.

    PostgreSQL's trigger reads a transaction-local setting. SQLite's triggers read no setting, so
    the UPDATE guard is lifted and made again within the transaction: its writers take the
    database in turn (``BEGIN IMMEDIATE``), so no other transaction ever sees it lifted, and a
    rollback puts it back with the rest.
    """
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SET LOCAL casework.redacting = 'on'"))
        yield  # (if the block fails, PostgreSQL aborts the transaction, and the setting with it)
        session.execute(text("SET LOCAL casework.redacting = 'off'"))
        return
    session.execute(text("DROP TRIGGER IF EXISTS audit_log_no_update"))
    try:
        yield
    finally:  # SQLite refuses the statement, not the transaction: the guard goes back either way
        session.execute(text(SQLITE_GUARDS["audit_log_no_update"]))
