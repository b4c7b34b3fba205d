"""The retention sweep: records past their period anonymised (held ones skipped), their audit
snapshots redacted, and a count published per record type."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import flag_modified

from casework import audit, outbox, policy, timers
from casework.db import Database, utcnow

from .holds import held
from .redaction import redact_audits

#: The recurring timer of each service's retention sweep (one row, rescheduled after each run).
RETENTION_SWEEP = "retention_sweep"
#: Records of each type one sweep anonymises, in one short transaction. A ``due`` may return just
#: this many (and the held ones it skips) rather than every record past its period.
SWEEP_BATCH = 500


@dataclass
class RetentionRule:
    """One record type's retention: which records are past their period, and what anonymising one means."""

    record_type: str
    #: ``due(session, now)``: the records past their retention period not yet anonymised.
    due: Callable[[Session, dt.datetime], Iterable[Any]]
    #: ``anonymise(session, record)``: names, contact details and free text replaced, statistics kept.
    anonymise: Callable[[Session, Any], None]
    #: Keys of the audit log's before/after snapshots that hold personal data for this record type.
    audit_keys: frozenset[str] = field(default_factory=frozenset)
    #: The record types whose audit trails also belong to the record (e.g. a household member's).
    related: Callable[[Any], Iterable[tuple[str, Any]]] = lambda record: ()
    #: ``together(session, records)``: what anonymising a batch changes in other tables, done once
    #: for the whole batch (a statement for all its records, not one a record: each statement a
    #: record made the sweep wait on a round trip and flushed the records one at a time).
    together: Callable[[Session, list[Any]], None] | None = None


def all_written(record: Any, *columns: str) -> None:
    """For an ``anonymise``: each of the record's columns marked written, one that kept its value
    (empty before, empty after) too. Every record's UPDATE then names the same columns, and the
    flush sends a sweep's batch as one statement with many rows; otherwise each run of records whose
    empty fields happen to differ is a statement of its own (bench/NOTES.md, "Sweeping a year")."""
    for column in columns:
        flag_modified(record, column)


def sweep(session: Session, rules: Iterable[RetentionRule], *, service: str, now: dt.datetime | None = None,
          batch: int = SWEEP_BATCH) -> dict[str, int]:
    """Anonymise what has passed its retention period (held records skipped); emit a count per type."""
    now = now or utcnow()
    counts: dict[str, int] = {}
    for rule in rules:
        holds = held(session, rule.record_type)
        swept = []
        for record in rule.due(session, now):
            if str(record.id) in holds:
                continue
            rule.anonymise(session, record)
            swept.append(record)
            if len(swept) >= batch:
                break
        if swept and rule.together is not None:
            rule.together(session, swept)
        # The batch's audit trails redacted together (a few reads, one update), not a record at a time.
        redact_audits(session, [(kind, ident) for record in swept
                                for kind, ident in ((rule.record_type, record.id), *rule.related(record))],
                      rule.audit_keys)
        for record in swept:
            audit.record(session, "anonymise", rule.record_type, record.id, after={"anonymised_at": now})
        session.flush()
        count = counts[rule.record_type] = len(swept)
        if count:
            outbox.emit(session, f"{service}.records.anonymised.v1", subject=rule.record_type,
                        data={"record_type": rule.record_type, "count": count, "swept_at": now})
    return counts


#: Records a run of the timer anonymises in one transaction, and the pause before the next run
#: while there are more. On SQLite a run holds the database's write lock, which a request that
#: writes (a read's audit entry too) waits for: there a run is shorter and the next waits a little,
#: long enough for the waiting requests' busy handlers to look (runs back to back starved them).
#: Was 25 a second: a large council's year of closures (200,000) would have taken three hours;
#: 200 every 0.2 s swept 4,018 in 24 s against 217 s, the api's p99 during it 777 ms against
#: 1,100 ms (load 10; bench/NOTES.md, "Sweeping a year").
RUNS = {"postgresql": (SWEEP_BATCH, dt.timedelta(0)), "sqlite": (200, dt.timedelta(seconds=0.2))}


def retention_sweep(rules: Iterable[RetentionRule], *, service: str,
                    every: dt.timedelta = dt.timedelta(days=1)) -> Callable[[Session, timers.Timer], None]:
    """The handler of the ``retention_sweep`` timer: sweep a run's worth (``RUNS``), then run again
    soon while a run finds a full batch (a backlog goes in short transactions, the api and the
    worker's other timers between them), else after ``every``."""
    rules = list(rules)

    def handler(session: Session, timer: timers.Timer) -> None:
        batch, pause = RUNS.get(session.get_bind().dialect.name, RUNS["postgresql"])
        counts = sweep(session, rules, service=service, batch=batch)
        more = any(count >= batch for count in counts.values())
        timers.schedule(session, RETENTION_SWEEP, key=RETENTION_SWEEP, due_at=utcnow() + (pause if more else every))

    return handler


def ensure_retention_sweep(db: Database, timer_handlers: dict[str, Any]) -> None:
    """Schedule the service's recurring retention sweep when it has one and none is pending."""
    if RETENTION_SWEEP not in timer_handlers:
        return
    with db.transaction() as session:
        timers.ensure_pending(session, RETENTION_SWEEP, key=RETENTION_SWEEP)


def retention_policy(service: str) -> dict[str, Any]:
    """The ``retention`` section of the service's policy (the council's file merged over the defaults)."""
    return policy.current(service, _document).get("retention") or {}


def _document(document: dict[str, Any]) -> dict[str, Any]:
    return document


def years_before(now: dt.datetime, years: float) -> dt.datetime:
    """The moment ``years`` (of 365.25 days) before ``now``: records closed before it are due."""
    return now - dt.timedelta(days=365.25 * float(years))
