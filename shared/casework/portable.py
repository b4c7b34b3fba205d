"""SQL a service writes once and PostgreSQL and SQLite each run in their own words.

Services never ask which database they are on (DESIGN §8: the kernel owns every such
difference). Where the two differ, the kernel gives one expression that compiles to each
database's form (``one_of``, ``json_list_contains``, ``upsert``), or, for the rare query whose good plan on
PostgreSQL needs SQL that SQLite lacks, holds a statement for each (``PerDatabase``).
"""

from __future__ import annotations

from typing import Any, Generic, TypeVar

from sqlalchemy import ARRAY, Boolean, Connection, Float, String, any_, bindparam, exists, func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Session
from sqlalchemy.sql.functions import FunctionElement

T = TypeVar("T")


class one_of(FunctionElement):  # noqa: N801 (an SQL expression, named as SQLAlchemy's are)
    """``column`` is one of the list given at execution as parameter ``name``: ``column =
    ANY(:name)`` on PostgreSQL (one array parameter, so the statement's text is the same for any
    number of values), ``column IN (…)`` with the list expanded elsewhere."""

    type = Boolean()
    inherit_cache = True
    _is_implicitly_boolean = True  # a condition as it stands: no ``= 1`` after it on SQLite

    def __init__(self, column: Any, name: str) -> None:
        super().__init__(column, bindparam(name))


@compiles(one_of)
def _one_of_in(element: one_of, compiler: Any, **kw: Any) -> str:
    column, name = _column_and_name(element)
    return compiler.process(column.in_(bindparam(name, expanding=True)), **kw)


@compiles(one_of, "postgresql")
def _one_of_any(element: one_of, compiler: Any, **kw: Any) -> str:
    column, name = _column_and_name(element)
    return compiler.process(column == any_(bindparam(name, type_=ARRAY(column.type))), **kw)


def _column_and_name(element: one_of) -> tuple[Any, str]:
    column, parameter = element.clauses.clauses
    return column, parameter.key


class json_list_contains(FunctionElement):  # noqa: N801
    """``column`` (a JSON list) holds ``value``: JSONB containment on PostgreSQL (which a GIN
    index can answer), a look through ``json_each`` on SQLite."""

    type = Boolean()
    inherit_cache = True
    _is_implicitly_boolean = True


@compiles(json_list_contains)
def _json_each_holds(element: json_list_contains, compiler: Any, **kw: Any) -> str:
    column, value = element.clauses.clauses
    items = func.json_each(column).table_valued("value")
    return compiler.process(exists(select(1).select_from(items).where(items.c.value == value)), **kw)


@compiles(json_list_contains, "postgresql")
def _jsonb_contains(element: json_list_contains, compiler: Any, **kw: Any) -> str:
    column, value = (compiler.process(clause, **kw) for clause in element.clauses.clauses)
    return f"({column} @> jsonb_build_array(CAST({value} AS text)))"


class days_between(FunctionElement):  # noqa: N801
    """The days (fractional) from the moment ``start`` to the moment ``end``, NULL when either is:
    ``date_part('epoch', end - start) / 86400`` on PostgreSQL (a double: ``extract`` gives a
    ``numeric`` since PostgreSQL 14, whose division and average took 1.6-2.7 times as long over a
    year of a large council's cases: bench/NOTES.md, "Sustainment at full size, third pass"), the
    difference of their Julian days on SQLite (which keeps times as text)."""

    type = Float()
    inherit_cache = True

    def __init__(self, start: Any, end: Any) -> None:
        super().__init__(start, end)


@compiles(days_between)
def _julian_days_between(element: days_between, compiler: Any, **kw: Any) -> str:
    start, end = element.clauses.clauses
    return compiler.process(func.julianday(end) - func.julianday(start), **kw)


@compiles(days_between, "postgresql")
def _epoch_days_between(element: days_between, compiler: Any, **kw: Any) -> str:
    start, end = element.clauses.clauses
    return compiler.process(func.date_part("epoch", end - start) / 86400, **kw)


class uuid_text(FunctionElement):  # noqa: N801
    """A UUID column as the text the kernel writes for it elsewhere (``str(uuid)``: 36 characters,
    lower case, with hyphens), to compare with a text column such as the audit log's
    ``record_id``: a cast on PostgreSQL; on SQLite, which keeps a UUID as 32 hex digits, the
    hyphens put back."""

    type = String()
    inherit_cache = True

    def __init__(self, column: Any) -> None:
        super().__init__(column)


@compiles(uuid_text)
def _hyphenated_hex(element: uuid_text, compiler: Any, **kw: Any) -> str:
    (column,) = element.clauses.clauses
    hexed = func.lower(column)
    parts = [func.substr(hexed, start, length) for start, length in ((1, 8), (9, 4), (13, 4), (17, 4), (21, 12))]
    joined = parts[0]
    for part in parts[1:]:
        joined = joined.concat("-").concat(part)
    return compiler.process(joined, **kw)


@compiles(uuid_text, "postgresql")
def _uuid_cast(element: uuid_text, compiler: Any, **kw: Any) -> str:
    (column,) = element.clauses.clauses
    return f"CAST({compiler.process(column, **kw)} AS text)"


class PerDatabase(Generic[T]):
    """A statement built once for PostgreSQL and once for SQLite, for a query whose good plan on
    PostgreSQL needs SQL SQLite has not (a LATERAL look-up, say); ``statements.for_(session)``
    gives the one for the session's database."""

    def __init__(self, *, postgresql: T, sqlite: T) -> None:
        self._statements = {"postgresql": postgresql, "sqlite": sqlite}

    def for_(self, session: Session) -> T:
        return self._statements[session.get_bind().dialect.name]


def upsert(session: Session | Connection, table: Any) -> Any:
    """``INSERT INTO table`` as the session's database writes it, with ``ON CONFLICT`` at hand
    (``.on_conflict_do_update(…)``, ``.on_conflict_do_nothing()``): PostgreSQL and SQLite spell
    the clause the same, but SQLAlchemy builds it from each dialect's own ``insert``."""
    insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    return insert(table)
