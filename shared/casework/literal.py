"""Values written into the SQL itself, not sent as parameters, where a plan made for any value is
a bad one.

psycopg prepares a statement once it has run five times on a connection, and PostgreSQL then
soon plans it once for whatever parameters come (a generic plan), guessing their selectivity.
Two such plans were found at a large council (bench/NOTES.md):

* ``status IN ($1, $2)`` cannot be proved to match a partial index's ``WHERE status IN ('open',
  'acknowledged')``: an officer's inbox walked two million tasks (notifications).
* ``tenancy_start BETWEEN $1 AND $2`` is guessed at 0.5% of the rows whatever the period: a year
  of lets, paired with the voids they ended, was planned as a nested loop over 126 lets and ran
  5,561 times over, 75-90 seconds a report (lettings performance).

Written in the statement, the values are constants: a statement run again with the same ones is
planned as well as the first time, and other values make another statement. Only for values of
our own (constants, or a ``date`` already parsed): never for text an officer typed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from sqlalchemy import ColumnElement, Date, String, literal_column


def written_in(column: ColumnElement[str], values: Iterable[str]) -> ColumnElement[bool]:
    """``column`` is one of ``values`` (our own constants), written in the SQL as a partial
    index's WHERE has them."""
    return column.in_([text_of(value) for value in values])


def text_of(value: str) -> ColumnElement[str]:
    """One of our own constants (a status, a code) as SQL text: letters, digits, ``_``, ``-`` and
    spaces only; anything else is refused (ValueError)."""
    if not all(ch.isalnum() or ch in "_- " for ch in value):
        raise ValueError(f"not a constant to write into SQL: {value!r}")
    return literal_column(f"'{value}'", String)


def day_of(value: dt.date) -> ColumnElement[dt.date]:
    """A date written in the SQL as ``'YYYY-MM-DD'`` (a date column compares with it on both
    backends: PostgreSQL reads it as a date, SQLite stores dates as that text)."""
    if isinstance(value, dt.datetime) or not isinstance(value, dt.date):
        raise TypeError(f"day_of takes a date, not {type(value).__name__}")
    return literal_column(f"'{value.isoformat()}'", Date)
