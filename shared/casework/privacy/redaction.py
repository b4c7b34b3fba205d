"""Redacting a record's personal data in the append-only audit log, keeping who did what and when."""

from __future__ import annotations

from collections import defaultdict
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
    return redact_audits(session, [(record_type, record_id)], keys)


def redact_audits(session: Session, records: Iterable[tuple[str, Any]], keys: Iterable[str]) -> int:
    """``redact_audit`` for many records (``(record_type, record_id)`` pairs) at once: their trails
    read in a few queries and the changed entries updated in one statement, as the retention sweep
    does a batch of records (a trail read and an update per entry would be round trips per record)."""
    keys = frozenset(keys)
    ids_by_type: dict[str, list[str]] = defaultdict(list)
    for record_type, record_id in records:
        ids_by_type[record_type].append(str(record_id))
    changes = []
    for record_type, ids in ids_by_type.items():
        for start in range(0, len(ids), _READ_AT_ONCE):
            entry = audit.AuditEntry
            for ident, was_before, was_after, was_reason in session.execute(
                    select(entry.id, entry.before, entry.after, entry.reason).where(
                        entry.record_type == record_type, entry.record_id.in_(ids[start:start + _READ_AT_ONCE]))):
                before, after = _redacted(was_before, keys), _redacted(was_after, keys)
                reason = None if was_reason is None else REMOVED
                if (before, after, reason) != (was_before, was_after, was_reason):
                    changes.append({"id": ident, "before": before, "after": after, "reason": reason})
    if changes:
        with audit.redacting(session):
            session.execute(update(audit.AuditEntry), changes)  # by primary key, one executemany
        changed = {change["id"] for change in changes}
        for loaded in list(session.identity_map.values()):  # entries this session read before: read again
            if isinstance(loaded, audit.AuditEntry) and loaded.id in changed:
                session.expire(loaded)
    return len(changes)


#: Records whose audit trails are read in one query (an ``IN`` list that size).
_READ_AT_ONCE = 500
