"""Redacting a record's personal data in the append-only audit log, keeping who did what and when."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from casework import audit

#: What replaces a removed name, contact detail or free text.
REMOVED = "[removed]"


def _redacted(value: Any, keys: frozenset[str]) -> Any:
    if isinstance(value, dict):
        return {k: (REMOVED if k in keys and v not in (None, "", [], {}) else _redacted(v, keys))
                for k, v in value.items()}
    if isinstance(value, list):
        return [_redacted(v, keys) for v in value]
    return value


def redact_audit(session: Session, record_type: str, record_id: Any, keys: Iterable[str]) -> int:
    """Replace the values of ``keys`` (at any depth) in a record's audit snapshots, and any free-text
    reason, with ``REMOVED``; returns the rows changed. Who did what and when stays.

    The audit log stays append-only: its guard lets ``before``, ``after`` and ``reason`` change
    only inside ``audit.redacting``, for the moment of the update.
    """
    return redact_audits(session, record_type, [record_id], keys)


#: Records whose audit trails are read in one statement (well under SQLite's bound parameters).
_AT_ONCE = 500


def redact_audits(session: Session, record_type: str, record_ids: Iterable[Any], keys: Iterable[str]) -> int:
    """``redact_audit`` for many records of a type, their trails read together (the retention
    sweep's batch: one read, not one per record)."""
    keys = frozenset(keys)
    ids = sorted({str(record_id) for record_id in record_ids})
    changed = 0
    for start in range(0, len(ids), _AT_ONCE):
        entries = session.scalars(select(audit.AuditEntry).where(
            audit.AuditEntry.record_type == record_type, audit.AuditEntry.record_id.in_(ids[start:start + _AT_ONCE]))
            .order_by(audit.AuditEntry.id)).all()
        for entry in entries:
            before, after = _redacted(entry.before, keys), _redacted(entry.after, keys)
            reason = None if entry.reason is None else REMOVED
            if (before, after, reason) == (entry.before, entry.after, entry.reason):
                continue
            with audit.redacting(session):
                session.execute(update(audit.AuditEntry).where(audit.AuditEntry.id == entry.id)
                                .values(before=before, after=after, reason=reason)
                                .execution_options(synchronize_session=False))
            session.expire(entry)
            changed += 1
    return changed
