"""Rows only ever appended (audit entries, outbox events), written together in one statement.

Making a referral writes the referral, an audit entry and an event: three INSERTs, each a
round trip and a pass of the ORM's unit of work. The transaction that writes audit entries and
outbox rows never changes them, so they are gathered on the session and written in one
statement (a data-modifying ``WITH`` on PostgreSQL, which also carries the relay's NOTIFY)
at the last moment they can be: before the session runs any other statement (so a read in
the same transaction sees them), before a savepoint begins, and before a commit (a
savepoint's release included).

Rows added inside a savepoint that is rolled back are dropped with it, as rows flushed there
would have been; rows still waiting when the transaction ends without committing are dropped.
A statement run on ``session.connection()`` directly goes round the session and does not see
rows still waiting: read through ``session.execute`` (or call ``write`` first).
"""

from __future__ import annotations

import functools
from typing import Any

from sqlalchemy import Connection, Table, TextClause, bindparam, event, insert, text
from sqlalchemy.orm import Session, SessionTransaction

_PENDING = "casework.appends"


def append(session: Session, table: Table, row: dict[str, Any], *, notify: str | None = None) -> None:
    """Add ``row`` to ``table`` when the session next executes or commits.

    Every row of one table names the same columns (they share one statement's VALUES).
    ``notify``: a channel to NOTIFY (PostgreSQL) in the same statement.
    """
    if not session.in_transaction():
        session.begin()  # so that ending it, committed or not, settles the row
    session.info.setdefault(_PENDING, []).append((session.get_nested_transaction(), table, row, notify))


def write(session: Session, connection: Connection | None = None) -> None:
    """Write the waiting rows now, in the order they were added (ids follow that order), on
    ``connection`` if given, else in the session's current transaction."""
    pending = session.info.pop(_PENDING, None)
    if not pending:
        return
    run = connection if connection is not None else session
    tables: dict[Table, list[dict[str, Any]]] = {}
    channels: set[str] = set()
    for _, table, row, notify in pending:
        tables.setdefault(table, []).append(row)
        if notify:
            channels.add(notify)
    if session.get_bind().dialect.name != "postgresql":
        for table, rows in tables.items():
            run.execute(insert(table), rows)
        return
    shape = (tuple((table, tuple(rows[0]), len(rows)) for table, rows in tables.items()), tuple(sorted(channels)))
    params = {f"{table.name}_{n}_{column}": value
              for table, rows in tables.items() for n, row in enumerate(rows) for column, value in row.items()}
    run.execute(_statement(shape), params)


@functools.lru_cache(maxsize=256)
def _statement(shape: tuple) -> TextClause:
    """One statement per shape (which tables and columns, how many rows, which channels), made
    once with its values bound by name. Written as text: SQLAlchemy does not cache the compiled
    form of a ``WITH`` of INSERTs, and compiling it for every request cost more than it saved."""
    tables, channels = shape
    ctes, binds = [], []
    for table, columns, count in tables:
        rows = []
        for n in range(count):
            names = [f"{table.name}_{n}_{column}" for column in columns]
            binds += [bindparam(name, type_=table.c[column].type) for name, column in zip(names, columns, strict=True)]
            rows.append("(" + ", ".join(f":{name}" for name in names) + ")")
        ctes.append(f"appended_{table.name} AS (INSERT INTO {table.name} ({', '.join(columns)}) "
                    f"VALUES {', '.join(rows)})")
    notices = ", ".join(f"pg_notify(:channel_{n}, '')" for n in range(len(channels))) or "1"
    binds += [bindparam(f"channel_{n}", value=channel) for n, channel in enumerate(channels)]
    return text(f"WITH {', '.join(ctes)} SELECT {notices}").bindparams(*binds)


def _drop(session: Session, ended: SessionTransaction) -> None:
    """Forget rows added inside ``ended`` (or a savepoint within it), which was rolled back."""
    pending = session.info.get(_PENDING)
    if not pending:
        return
    if ended.parent is None:
        session.info.pop(_PENDING, None)
        return
    session.info[_PENDING] = [p for p in pending if not _within(p[0], ended)]


def _within(transaction: SessionTransaction | None, outer: SessionTransaction) -> bool:
    while transaction is not None:
        if transaction is outer:
            return True
        transaction = transaction.parent
    return False


@event.listens_for(Session, "do_orm_execute")
def _before_statement(state) -> None:
    write(state.session)


@event.listens_for(Session, "after_transaction_create")
def _before_savepoint(session: Session, transaction: SessionTransaction) -> None:
    # What was added before a savepoint belongs outside it (a rolled-back savepoint must not take
    # it along): written in the enclosing transaction before the SAVEPOINT, as the ORM flushes.
    if transaction.nested and session.info.get(_PENDING):
        write(session, transaction.parent.connection(None))


@event.listens_for(Session, "before_commit")
def _before_commit(session: Session) -> None:
    write(session)


@event.listens_for(Session, "after_soft_rollback")
def _after_rollback(session: Session, previous_transaction: SessionTransaction) -> None:
    _drop(session, previous_transaction)


@event.listens_for(Session, "after_transaction_end")
def _after_end(session: Session, transaction: SessionTransaction) -> None:
    if transaction.parent is None:  # closed without a commit: nothing waiting may outlive it
        session.info.pop(_PENDING, None)
