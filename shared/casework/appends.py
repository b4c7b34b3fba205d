"""Rows appended (audit entries, outbox events, new timers), written together in one statement.

Making a referral writes the referral, an audit entry and an event: three INSERTs, each a
round trip and a pass of the ORM's unit of work. Nothing reads or changes such rows before the
transaction's next statement, so they are gathered on the session and written in one
statement (a data-modifying ``WITH`` on PostgreSQL, which also carries the relay's NOTIFY)
at the last moment they can be: before the session runs any other statement (so a read in
the same transaction sees them), before a savepoint begins, and before a commit (a
savepoint's release included). The one kind of statement they do not wait for is one that
cannot see them: an INSERT of values given as parameters into another table, with no foreign
key to a table with rows waiting (``_cannot_see``). A consumer's batch opens a task per event
and appends its event and timer: they now go in one statement for the batch, not one per event.
A new row of the service's own may be appended too when nothing reads it before the commit (a
new referral, numbered by ``casework.numbering.number_and_read``): then a transaction that only
read before it (or not at all) is that one statement, sent without BEGIN and committed as it
ends (``write``'s ``last``): POST /referrals is two round trips, not four.

Rows added inside a savepoint that is rolled back are dropped with it, as rows flushed there
would have been; rows still waiting when the transaction ends without committing are dropped.
A statement run on ``session.connection()`` directly goes round the session and does not see
rows still waiting: read through ``session.execute`` (or call ``write`` first).
"""

from __future__ import annotations

import functools
from typing import Any

from psycopg.types.json import Jsonb
from sqlalchemy import Connection, Engine, Insert, Table, event, insert
from sqlalchemy import types as sa_types
from sqlalchemy.orm import Session, SessionTransaction

from casework import driver

_PENDING = "casework.appends"

#: Set in ``session.info`` of a session that only reads (``casework.db.Database.session(reads_only=
#: True)``): its rows wait until its transaction ends, for its caller to ``take`` and write in a
#: transaction of their own, and a read in it does not see them.
HELD = "casework.appends.held"


def append(session: Session, table: Table, row: dict[str, Any], *, notify: str | None = None) -> None:
    """Add ``row`` to ``table`` when the session next executes or commits.

    Every row of one table names the same columns (they share one statement's VALUES).
    ``notify``: a channel to NOTIFY (PostgreSQL) in the same statement.
    """
    if not session.in_transaction():
        session.begin()  # so that ending it, committed or not, settles the row
    session.info.setdefault(_PENDING, []).append((session.get_nested_transaction(), table, row, notify))


def write(session: Session, connection: Connection | None = None, *, last: bool = False) -> None:
    """Write the waiting rows now, in the order they were added (ids follow that order), on
    ``connection`` if given, else in the session's current transaction. ``last``: the
    transaction commits after this statement with nothing else to write, so when nothing has
    begun it on the connection yet the statement is the whole transaction (``driver.run``'s
    ``alone``: no BEGIN, and nothing left for its COMMIT to send)."""
    if session.info.get(HELD):
        return
    pending = session.info.pop(_PENDING, None)
    if not pending:
        return
    tables: dict[Table, list[dict[str, Any]]] = {}
    channels: set[str] = set()
    for _, table, row, notify in pending:
        tables.setdefault(table, []).append(row)
        if notify:
            channels.add(notify)
    if session.get_bind().dialect.name != "postgresql":
        with session.no_autoflush:  # as on PostgreSQL: objects added after them are flushed after them
            for table, rows in tables.items():
                (connection or session).execute(insert(table), rows)
        return
    shape = (tuple((table, tuple(rows[0]), len(rows)) for table, rows in tables.items()), tuple(sorted(channels)))
    sql, is_json = _statement(shape)
    params = [Jsonb(row[column]) if json else row[column]
              for (_, columns, _), rows, table_is_json in zip(shape[0], tables.values(), is_json, strict=True)
              for row in rows for column, json in zip(columns, table_is_json, strict=True)]
    driver.run(connection or session.connection(), sql, (*params, *shape[1]), alone=last)


@functools.lru_cache(maxsize=256)
def _statement(shape: tuple) -> tuple[str, tuple[tuple[bool, ...], ...]]:
    """One statement per shape (which tables and columns, how many rows, which channels), made
    once; and for each table, which of its columns are JSON (their values go as ``Jsonb``, as
    SQLAlchemy's JSON type sends them, ``None`` as JSON null).

    Written as the driver's SQL with positional values and run on the driver's cursor
    (``casework.driver``): it runs in every request that changes anything, and SQLAlchemy's
    compiled-statement lookup, bind processing and execution cost more than the driver's own
    work (POST /referrals in process: 0.14 ms of 5.7)."""
    tables, channels = shape
    ctes, is_json = [], []
    for table, columns, count in tables:
        is_json.append(tuple(isinstance(table.c[column].type, sa_types.JSON) for column in columns))
        row = "(" + ", ".join(["%s"] * len(columns)) + ")"
        ctes.append(f"appended_{table.name} AS (INSERT INTO {table.name} ({', '.join(columns)}) "
                    f"VALUES {', '.join([row] * count)})")
    notices = ", ".join(["pg_notify(%s, '')"] * len(channels)) or "1"
    return f"WITH {', '.join(ctes)} SELECT {notices}", tuple(is_json)


def take(session: Session) -> list:
    """The rows waiting on ``session``, taken off it (for ``put`` on another session)."""
    return session.info.pop(_PENDING, None) or []


def put(session: Session, taken: list) -> None:
    """Add rows ``take`` took from another session to ``session``'s, to be written as its own."""
    for _, table, row, notify in taken:
        append(session, table, row, notify=notify)


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
    pending = state.session.info.get(_PENDING)
    if pending and not _cannot_see(state.statement, {table for _, table, _, _ in pending}):
        write(state.session)


def _cannot_see(statement: Any, waiting: set[Table]) -> bool:
    """Whether ``statement`` neither reads nor refers to rows of the ``waiting`` tables, so they
    may wait until after it: a Core INSERT whose values come as parameters (not a SELECT, no SQL
    expressions among its values), into a table that is not waiting and has no foreign key to
    one, returning its own columns only, and at most ON CONFLICT DO NOTHING (DO UPDATE may read)."""
    if not isinstance(statement, Insert) or statement.select is not None or statement._values \
            or statement._multi_values:
        return False
    table = statement.table
    conflict = getattr(statement, "_post_values_clause", None)
    return (isinstance(table, Table) and (conflict is None or type(conflict).__name__ == "OnConflictDoNothing")
            and table not in waiting and not any(key.column.table in waiting for key in table.foreign_keys)
            and all(getattr(column, "table", None) is table for column in statement._returning))


@event.listens_for(Session, "after_transaction_create")
def _before_savepoint(session: Session, transaction: SessionTransaction) -> None:
    # What was added before a savepoint belongs outside it (a rolled-back savepoint must not take
    # it along): written in the enclosing transaction before the SAVEPOINT, as the ORM flushes.
    if transaction.nested and session.info.get(_PENDING):
        write(session, transaction.parent.connection(None))


@event.listens_for(Session, "before_commit")
def _before_commit(session: Session) -> None:
    write(session, last=_commits_after(session))


def _commits_after(session: Session) -> bool:
    """Whether the session's own transaction commits once the waiting rows are written: its
    outermost (not a savepoint's release), nothing left for the ORM to flush after them, and
    begun by the session on its engine (a session given a connection may be inside its caller's
    transaction, which goes on)."""
    return (isinstance(session.bind, Engine) and not session.in_nested_transaction()
            and not (session.new or session.deleted or session.identity_map.check_modified()))


@event.listens_for(Session, "after_soft_rollback")
def _after_rollback(session: Session, previous_transaction: SessionTransaction) -> None:
    _drop(session, previous_transaction)


@event.listens_for(Session, "after_transaction_end")
def _after_end(session: Session, transaction: SessionTransaction) -> None:
    if transaction.parent is None:  # closed without a commit: nothing waiting may outlive it
        session.info.pop(_PENDING, None)
