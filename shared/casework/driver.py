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
"""

from __future__ import annotations

from typing import Any

from psycopg import Cursor
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


def run(connection: Connection, sql: str, params: Any, *, rows: bool = False) -> list[Any]:
    """Run the driver's ``sql`` with ``params`` in ``connection``'s transaction; its rows as
    named tuples when ``rows`` (read by attribute, as SQLAlchemy's rows are), else none."""
    cursor = _cursor(connection.connection, sql)
    row_factory = namedtuple_row if rows else tuple_row
    if cursor.row_factory is not row_factory:
        cursor.row_factory = row_factory
    try:
        cursor.execute(sql, params)
        return cursor.fetchall() if rows else []
    except Exception as error:
        connection._handle_dbapi_exception(error, sql, params, cursor, None)  # wraps, invalidates, raises
        raise  # not reached


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
