"""Human references officers quote (R-000123, S-000042, P-000007), numbered one way in every service.

Each kind of reference counts from a ``Counter`` declared once by its service: a sequence on
PostgreSQL; on SQLite, which has no sequences, a table of the same name whose AUTOINCREMENT key
counts, a row per number (SQLite never hands out a key below the highest it has given, and its
writers take the database lock in turn, so two never get the same number). A number taken by a
transaction that rolls back is skipped on PostgreSQL and given again on SQLite: references are
unique and rising, not gapless. A service's migration makes its counters with ``create_counter``,
counting on from the highest number already in use, so an existing database keeps its numbering
continuous.
"""

from __future__ import annotations

import functools
import re
from typing import Any

from sqlalchemy import Select, literal_column, select, text, true
from sqlalchemy.orm import Session

from casework.db import rows_as_driver_sql

_NAME = re.compile(r"[a-z_][a-z0-9_]*")


class Counter:
    """The numbers of one kind of reference: ``Counter("referral_reference_seq")``."""

    def __init__(self, name: str) -> None:
        if not _NAME.fullmatch(name):
            raise ValueError(f"a counter's name is a plain SQL name, not {name!r}")
        self.name = name

    def next(self, session: Session) -> int:
        """The next number, taken in the session's transaction (one statement)."""
        return session.execute(_next_number(session.get_bind().dialect.name, self.name)).scalar_one()

    def next_reference(self, session: Session, prefix: str) -> str:
        """The next number as a reference: ``P-000042``."""
        return reference(prefix, self.next(session))

    def next_references(self, session: Session, prefix: str, count: int) -> list[str]:
        """The next ``count`` numbers as references, rising, in one statement on PostgreSQL (a
        bulk import numbers its records a batch at a time)."""
        if count <= 0:
            return []
        if session.get_bind().dialect.name == "postgresql":
            numbers = session.execute(text(f"SELECT nextval('{self.name}') FROM generate_series(1, :n)"), {"n": count})
            return [reference(prefix, n) for n in sorted(numbers.scalars())]
        return [self.next_reference(session, prefix) for _ in range(count)]  # in-process: no round trips to save

    def __repr__(self) -> str:
        return f"Counter({self.name!r})"


def reference(prefix: str, number: int) -> str:
    """``R-000123``: at least six digits; past 999999 the number simply grows."""
    return f"{prefix}-{number:06d}"


@functools.cache
def _next_number(dialect: str, name: str) -> Any:
    if dialect == "postgresql":
        return text(f"SELECT nextval('{name}')")
    return text(f"INSERT INTO {name} DEFAULT VALUES RETURNING n")


def _reference_in_sql(prefix: str, counter: Counter) -> Any:
    # PostgreSQL: the same reference as ``reference`` (to_char's thirteen 9s and six 0s give at
    # least six digits and at most nineteen, every bigint), numbered in the statement that reads.
    return literal_column(f"'{prefix}-' || to_char(nextval('{counter.name}'), 'FM9999999999999000000')")


def number_and_read(session: Session, counter: Counter, prefix: str, reading: Select,
                    params: dict[str, Any]) -> tuple[str, list[Any]]:
    """The next reference of ``counter``, and the rows of ``reading`` (its parameters bound by name
    from ``params``), for a new row the caller then writes: appended (``casework.appends.append``),
    it goes in one statement with the transaction's audit entry and event at its commit.

    On PostgreSQL one statement, ``WITH new AS (SELECT <next reference>) SELECT new.reference,
    reading.* FROM new LEFT JOIN reading ON true``, which reads only (the sequence is not undone
    by a rollback anyway): the transaction's first statement, it is run before its BEGIN
    (``casework.driver``'s ``alone``), a round trip fewer on a hot path (POST /referrals).
    Elsewhere the query, then the number. ``reading`` should be built once: the statement is
    made once for each.
    """
    if session.get_bind().dialect.name != "postgresql":
        found = session.execute(reading, params).all()
        return counter.next_reference(session, prefix), found
    found = rows_as_driver_sql(session, _numbered_reading(counter.name, prefix, reading), params, alone=True)
    return found[0].new_reference, [found_row for found_row in found if found_row.read_back is not None]


@functools.cache
def _numbered_reading(counter: str, prefix: str, reading: Select) -> Select:
    # A CTE with a volatile function is evaluated once; with nothing read, the LEFT JOIN still
    # gives one row (``read_back`` null) carrying the reference.
    new = select(_reference_in_sql(prefix, Counter(counter)).label("new_reference")).cte("new")
    read = reading.add_columns(literal_column("1").label("read_back")).subquery("read")
    return select(new.c.new_reference, read).select_from(new.outerjoin(read, true()))


# -- in migrations ---------------------------------------------------------------------------


def create_counter(op: Any, name: str, *, highest: str | None = None, owned_by: str | None = None) -> None:
    """In a service's migration: make the counter ``name`` if it is not there yet, and move it so
    the next number follows ``highest`` (SQL for the highest number already in use, or NULL).
    A counter already past it stays where it is: no number is given twice. ``owned_by``
    (``"table.column"``) ties a PostgreSQL sequence to the column it numbers, so it goes with
    the table and ``TRUNCATE … RESTART IDENTITY`` restarts it.
    """
    Counter(name)  # checks the name
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"CREATE SEQUENCE IF NOT EXISTS {name}")
        if owned_by:
            if not all(_NAME.fullmatch(part) for part in owned_by.split(".")):
                raise ValueError(f"owned_by is table.column, not {owned_by!r}")
            op.execute(f"ALTER SEQUENCE {name} OWNED BY {owned_by}")
        if highest:
            op.execute(f"SELECT setval('{name}', h) FROM (SELECT ({highest}) AS h) AS highest "
                       f"WHERE h > (SELECT CASE WHEN is_called THEN last_value ELSE last_value - 1 END FROM {name})")
    else:
        op.execute(f"CREATE TABLE IF NOT EXISTS {name} (n INTEGER PRIMARY KEY AUTOINCREMENT)")
        if highest:
            # An AUTOINCREMENT key goes on from the highest it has held, so one row there is enough.
            op.execute(f"INSERT OR IGNORE INTO {name} (n) SELECT h FROM (SELECT ({highest}) AS h) AS highest "
                       "WHERE h IS NOT NULL")


def drop_counter(op: Any, name: str) -> None:
    """In a migration's downgrade: the counter ``name`` dropped."""
    Counter(name)
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"DROP SEQUENCE IF EXISTS {name}")
    else:
        op.execute(f"DROP TABLE IF EXISTS {name}")
