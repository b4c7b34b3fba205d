"""A statement run on the driver's own cursor, round SQLAlchemy's execution.

For the few statements every write request runs (a transaction's appended rows, a new referral
with its duplicate candidates): SQLAlchemy's execution of a plain SQL string (its execution
context, events, and a result's metadata made afresh for each) cost more CPU than psycopg's own
work, about 0.12 ms a statement against 0.09 on this machine under load (bench/NOTES.md,
2026-12-07). Errors are SQLAlchemy's as ``exec_driver_sql`` raises them: wrapped as
``DBAPIError``, a lost connection invalidated with its pool, so a request answers 503 when the
database is away as it does for any other statement. Engine statement events
(``before_cursor_execute``) do not see these statements.

Each connection keeps a cursor for each of these statements (``_cursor``): psycopg's cursor
remembers how it adapted each type of value and read each type of column (its ``Transformer``),
but only while it runs the same statement again: a new cursor for every statement looked them
all up again, about 0.07 ms a statement (bench/NOTES.md, eleventh pass), and so did one cursor
shared by a request's two statements, which alternate (its adaptation made afresh at each
change of statement: 130,000 instructions of a referral's 5.1 million, twelfth pass).

A statement that may be a transaction by itself (``alone``) is run without one when nothing has
begun a transaction on the connection yet: psycopg otherwise sends BEGIN first and waits for it,
and the transaction's COMMIT is then one more round trip; a transaction with nothing sent in it
commits without a word. Two such statements: a plain read (no row locks: under READ COMMITTED
each statement reads its own snapshot, in a transaction or not, so it reads the same), and the
one statement that writes everything when it is the transaction's last (``casework.appends``):
a single statement is atomic by itself. POST /referrals: four round trips to two.
"""

from __future__ import annotations

from typing import Any

from psycopg import Cursor
from psycopg.pq import TransactionStatus
from psycopg.rows import namedtuple_row, tuple_row
from sqlalchemy import Connection
from sqlalchemy.pool import PoolProxiedConnection

#: Where a connection keeps its cursors for these statements, by statement: the pooled
#: connection's ``info``, which lives as long as the driver's connection (emptied when it is
#: invalidated or closed).
_CURSORS = "casework.driver.cursors"

#: The most statements a connection keeps a cursor for (a request runs two or three of them; the
#: appended rows' statement has a shape per mix of tables): beyond, the one least recently made
#: is closed.
MAX_CURSORS = 16


def run(connection: Connection, sql: str, params: Any, *, rows: bool = False, alone: bool = False) -> list[Any]:
    """Run the driver's ``sql`` with ``params`` in ``connection``'s transaction; its rows as
    named tuples when ``rows`` (read by attribute, as SQLAlchemy's rows are), else none.

    ``alone``: the statement may be a transaction by itself (a read that locks nothing, or the
    transaction's last statement): if none is open on the connection yet, it runs without BEGIN
    and, for a write, is committed as it ends (the transaction's COMMIT then sends nothing)."""
    raw = connection.connection
    cursor = _cursor(raw, sql)
    row_factory = namedtuple_row if rows else tuple_row
    if cursor.row_factory is not row_factory:
        cursor.row_factory = row_factory
    dbapi = raw.dbapi_connection
    # (A connection SQLAlchemy put in autocommit itself is left so.)
    alone = alone and not dbapi.autocommit and dbapi.pgconn.transaction_status == TransactionStatus.IDLE
    try:
        if alone:
            dbapi.autocommit = True
        cursor.execute(sql, params)
        return cursor.fetchall() if rows else []
    except Exception as error:
        connection._handle_dbapi_exception(error, sql, params, cursor, None)  # wraps, invalidates, raises
        raise  # not reached
    finally:
        if alone:
            _in_transactions_again(raw)


def _in_transactions_again(raw: PoolProxiedConnection) -> None:
    """The connection back to beginning a transaction at its next statement. One that cannot be
    (a statement cut short mid-way) is thrown away: it must never go back to the pool committing
    each statement by itself."""
    dbapi = raw.dbapi_connection
    if dbapi is None or dbapi.closed:
        return  # invalidated with the error: never used again
    if dbapi.pgconn.transaction_status == TransactionStatus.IDLE:
        dbapi.autocommit = False
    else:
        raw.invalidate()


def _cursor(raw: PoolProxiedConnection, sql: str) -> Cursor:
    """The connection's own cursor for ``sql``, made on its first run there."""
    cursors = raw.info.get(_CURSORS)
    if cursors is None:
        cursors = raw.info[_CURSORS] = {}
    cursor = cursors.get(sql)
    if cursor is None or cursor.closed or cursor.connection is not raw.dbapi_connection:
        if cursor is None and len(cursors) >= MAX_CURSORS:
            cursors.pop(next(iter(cursors))).close()
        cursor = cursors[sql] = raw.dbapi_connection.cursor()
    return cursor
