"""What a test's code sent to the database: each statement as the driver was given it."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Engine, event


@contextmanager
def statements_sent(engine: Engine) -> Iterator[list[tuple[str, Any]]]:
    """The (SQL, parameters) of every statement ``engine`` sends inside the ``with`` (an
    executemany is one, with its parameter sets), in order."""
    sent: list[tuple[str, Any]] = []

    def seen(conn, cursor, statement, parameters, context, executemany) -> None:
        sent.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", seen)
    try:
        yield sent
    finally:
        event.remove(engine, "before_cursor_execute", seen)


def plan_of(engine: Engine, statement: str, parameters: Any = ()) -> str:
    """The database's plan of a statement as ``statements_sent`` saw it, a line a step:
    PostgreSQL's ``EXPLAIN`` with sequential scans priced out (an index named is one the statement
    lets the planner use, however few the test's rows), SQLite's ``EXPLAIN QUERY PLAN``."""
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            conn.exec_driver_sql("SET LOCAL enable_seqscan = off")
            return "\n".join(row[0] for row in conn.exec_driver_sql("EXPLAIN " + statement, parameters))
        return "\n".join(row[-1] for row in conn.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, parameters))
