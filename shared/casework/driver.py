"""A statement run on the driver's own cursor, round SQLAlchemy's execution; the transaction's
BEGIN sent with it when it opens one, and its COMMIT when it closes one.

For the few statements every write request runs (a transaction's appended rows, a new referral
with its duplicate candidates): SQLAlchemy's execution of a plain SQL string (its execution
context, events, and a result's metadata made afresh for each) cost more CPU than psycopg's own
work, about 0.12 ms a statement against 0.09 on this machine under load (bench/NOTES.md,
2026-12-07). Errors are SQLAlchemy's as ``exec_driver_sql`` raises them: wrapped as
``DBAPIError``, a lost connection invalidated with its pool, so a request answers 503 when the
database is away as it does for any other statement. Engine statement events
(``before_cursor_execute``) do not see these statements.

**Round trips.** psycopg sends a transaction's BEGIN on its own before the first statement, and
COMMIT on its own: POST /referrals was four round trips (BEGIN; the INSERT with its duplicate
read; the appended audit entry and event; COMMIT), each a wake-up of PostgreSQL and of the api
on a machine whose cores are both busy (bench/NOTES.md, tenth pass). Here the BEGIN goes in the
same message as the transaction's first statement, and COMMIT in the same message as its last
(``commit=True``: the appended rows, ``casework.appends``), in psycopg's pipeline mode, so the
statements keep their server-side parameters and prepared plans: two round trips. (One simple
query with the values bound in it by the client, ``BEGIN; …``, was tried: PostgreSQL then parses
and plans the statement every time, and its CPU a referral rose from about 1.0 to 1.6 ms.) psycopg
would send its own BEGIN and wait for it (even in a pipeline), so for a transaction this module
opens the connection is put in psycopg's autocommit mode (no implicit BEGIN) with the BEGIN
sent explicitly: the same transaction, SQLAlchemy's commit and rollback end it as before
(psycopg sends COMMIT or ROLLBACK whenever one is open), and the connection is put back out of
autocommit as soon as the transaction is over (here after the COMMIT; else when SQLAlchemy next
begins on it, or when it goes back to the pool: ``restore``).
"""

from __future__ import annotations

import weakref
from typing import Any

from psycopg import capabilities
from psycopg.pq import TransactionStatus
from psycopg.rows import namedtuple_row
from sqlalchemy import Connection, event

#: The engines whose connections ``restore`` looks after (``install``): only on those is a
#: transaction opened here (elsewhere psycopg sends its own BEGIN, as before).
_INSTALLED: weakref.WeakSet = weakref.WeakSet()
#: Whether the libpq psycopg runs on has pipeline mode (14 and later); without it, as before.
_PIPELINE = capabilities.has_pipeline()
#: The connection record's mark: this module put the connection in autocommit to send BEGIN itself.
_OPENED = "casework.driver.opened"


def run(connection: Connection, sql: str, params: Any, *, rows: bool = False, commit: bool = False) -> list[Any]:
    """Run the driver's ``sql`` with ``params`` in ``connection``'s transaction; its rows as
    named tuples when ``rows`` (read by attribute, as SQLAlchemy's rows are), else none.

    The transaction's BEGIN is sent with the statement if it opens the transaction; with
    ``commit`` the transaction is committed with it (SQLAlchemy's commit that follows then finds
    nothing open and sends nothing)."""
    fairy = connection.connection
    raw = fairy.driver_connection
    opening = raw.info.transaction_status == TransactionStatus.IDLE and not raw.autocommit \
        and connection.engine in _INSTALLED
    commit = commit and _PIPELINE
    cursor = None
    try:
        if opening or commit:
            if opening:
                raw.autocommit = True  # psycopg sends no BEGIN of its own: the pipeline's is the one
                fairy.info[_OPENED] = True
            cursor = raw.cursor(row_factory=namedtuple_row) if rows else raw.cursor()
            control = raw.cursor()  # BEGIN's and COMMIT's results, not the statement's
            try:
                with raw.pipeline():  # its end sends everything queued and waits once
                    if opening:
                        control.execute("BEGIN")
                    cursor.execute(sql, params)
                    if commit:
                        control.execute("COMMIT")
            finally:
                control.close()
            if commit:
                restore(raw, fairy.info)
        else:
            cursor = raw.cursor(row_factory=namedtuple_row) if rows else raw.cursor()
            cursor.execute(sql, params)
        return cursor.fetchall() if rows else []
    except Exception as error:
        connection._handle_dbapi_exception(error, sql, params, cursor, None)  # wraps, invalidates, raises
        raise  # not reached
    finally:
        if cursor is not None:
            cursor.close()


def install(engine: Any) -> None:
    """On a PostgreSQL engine: connections this module opened a transaction on are put back out
    of autocommit (``restore``) when SQLAlchemy next begins on one and when one is checked in."""
    if _PIPELINE:
        _INSTALLED.add(engine)
    event.listen(engine, "begin", lambda conn: restore(conn.connection.driver_connection, conn.connection.info))
    event.listen(engine.pool, "checkin", lambda raw, record: restore(raw, record.info))


def restore(raw: Any, info: dict) -> None:
    """Put a connection this module opened a transaction on back out of autocommit once that
    transaction is over: when SQLAlchemy begins on it again, and when it goes back to the pool
    (after the pool's rollback). Called with a transaction still open, it leaves it alone."""
    if raw is None or not info.get(_OPENED) or raw.closed \
            or raw.info.transaction_status != TransactionStatus.IDLE:
        return
    raw.autocommit = False
    del info[_OPENED]
