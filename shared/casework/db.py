"""Database access: engines made after fork, PostgreSQL and SQLite alike.

Each service has its own ``DeclarativeBase`` for its domain tables; the kernel's tables
(outbox, inbox, timers, idempotency keys, audit) live on ``KernelBase`` and every
service's Alembic history creates them in its own database.
"""

from __future__ import annotations

import datetime as dt
import functools
import os
import re
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import orjson
from psycopg.types.json import Jsonb
from sqlalchemy import (
    ARRAY,
    JSON,
    Boolean,
    DateTime,
    Engine,
    Interval,
    MetaData,
    TypeDecorator,
    create_engine,
    event,
    text,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker

from casework import appends, driver
from casework.database_url import database_name, engine_url, with_database

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

#: JSON that is JSONB on PostgreSQL.
JSONDoc = JSON().with_variant(postgresql.JSONB(), "postgresql")


def naming_metadata() -> MetaData:
    """A MetaData with the constraint naming convention Alembic needs for stable names."""
    return MetaData(naming_convention=NAMING)


class KernelBase(DeclarativeBase):
    """Base of the kernel's own tables, present in every service database."""

    metadata = naming_metadata()


def utcnow() -> dt.datetime:
    """Timezone-aware now in UTC."""
    return dt.datetime.now(dt.UTC)


def as_utc(value: dt.datetime | None) -> dt.datetime | None:
    """``value`` in UTC; a naive value is taken to be UTC already."""
    if value is None:
        return None
    if value.tzinfo is None:
        return value.replace(tzinfo=dt.UTC)
    return value if value.tzinfo is dt.UTC else value.astimezone(dt.UTC)


class UTCDateTime(TypeDecorator):
    """A moment in time, the column type of every time in every service: stored as UTC and
    always read back timezone-aware in UTC, on PostgreSQL and SQLite alike.

    PostgreSQL keeps the moment (``timestamptz``) and psycopg returns it in the connection's time
    zone: it is converted to UTC. SQLite has no time type: SQLAlchemy writes the wall-clock text
    and drops the zone, so a value is converted to UTC before it is written (a London time would
    otherwise be stored, compared and read back an hour out in summer) and read back as UTC.
    A naive value is taken to be UTC, as ``utcnow()`` and every time the services make are.
    (SQLAlchemy's documented pattern: "Store Timezone Aware Timestamps as Timezone Naive UTC".)
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Any) -> dt.datetime | None:
        if value is None:
            return None
        if not isinstance(value, dt.datetime):
            raise TypeError(f"a time column takes a datetime, not {type(value).__name__}")
        value = as_utc(value)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: dt.datetime | None, dialect: Any) -> dt.datetime | None:
        return as_utc(value)

    def coerce_compared_value(self, op: Any, value: Any) -> Any:
        # ``column - timedelta(...)``: the interval is an interval, not a time to convert.
        if isinstance(value, dt.timedelta):
            return Interval()
        return self


class Database:
    """One service's database: a lazily created engine and a session factory.

    Nothing connects at import or construction time; the engine is made on first use
    in the process that uses it, and thrown away in a forked child.
    """

    def __init__(self, url: str, *, pool_size: int = 5, echo: bool = False) -> None:
        self.url = url
        self._pool_size = pool_size
        self._echo = echo
        self._engine: Engine | None = None
        self._lock = threading.Lock()
        self._pid = os.getpid()
        self.sessions = sessionmaker(expire_on_commit=False)

    @property
    def is_sqlite(self) -> bool:
        return self.url.startswith("sqlite")

    @property
    def engine(self) -> Engine:
        if self._engine is None or self._pid != os.getpid():
            with self._lock:
                if self._engine is None or self._pid != os.getpid():
                    self._engine = self._create_engine()
                    self._pid = os.getpid()
                    self.sessions.configure(bind=self._engine)
        return self._engine

    def _create_engine(self) -> Engine:
        url = engine_url(self.url)
        if url.get_backend_name() == "sqlite":
            path = url.database or ""
            if path and path != ":memory:":
                os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
            engine = create_engine(url, echo=self._echo, connect_args={"timeout": 30})
            event.listen(engine, "connect", _sqlite_pragmas)
            event.listen(engine, "begin", _sqlite_begin)
            event.listen(engine, "before_cursor_execute", _sqlite_refuse_writes_when_reading)
            return engine
        return create_engine(
            url,
            echo=self._echo,
            pool_size=self._pool_size,
            max_overflow=self._pool_size,
            # No pre-ping: it costs a round trip on every checkout (an eighth of POST /referrals).
            # A connection the server dropped fails its request with 503 once, and SQLAlchemy then
            # invalidates the whole pool, so the next requests connect afresh.
            pool_pre_ping=False,
            pool_recycle=1800,
            # A server that does not answer is given up after 5 s (the next host of a URL naming
            # several is tried then), unless the URL says otherwise.
            connect_args={} if "connect_timeout" in url.query else {"connect_timeout": 5},
            # JSON and JSONB values (audit snapshots, event bodies, risk factors) written and read
            # with orjson: its dump of a referral's audit snapshot takes a tenth of json.dumps's.
            json_serializer=_json_dumps,
            json_deserializer=orjson.loads,
        )

    def session(self, *, reads_only: bool = False) -> Session:
        """A new session; ``reads_only``: for a request that should only read (a GET), which on
        SQLite then begins ``DEFERRED`` and takes no lock (see ``READS_ONLY``)."""
        _ = self.engine  # binds the session factory on first use
        if reads_only and self.is_sqlite:
            session = self.sessions(execution_options={READS_ONLY: True})
            session.info[appends.HELD] = True
            return session
        return self.sessions()

    def commit(self, session: Session) -> None:
        """Commit ``session``. A reading one (``session(reads_only=True)``) wrote nothing: the rows
        it appended (the audit entries of what it read) are then written in a short transaction of
        their own, which begins ``IMMEDIATE`` as every writer does."""
        held = appends.take(session) if session.info.get(appends.HELD) else []
        session.commit()
        if held:
            with self.transaction() as writing:
                appends.put(writing, held)

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """A session in a transaction: committed on success, rolled back on error."""
        session = self.session()
        try:
            with session.begin():
                yield session
        finally:
            session.close()

    def ping(self) -> bool:
        """True when the database answers ``SELECT 1``."""
        try:
            with self.engine.connect() as conn:
                conn.execute(text("SELECT 1"))
            return True
        except Exception:
            return False

    def dispose(self) -> None:
        if self._engine is not None:
            self._engine.dispose()
            self._engine = None


def _json_dumps(value: Any) -> bytes:
    # Keys that are not strings written as strings, as json.dumps does.
    return orjson.dumps(value, option=orjson.OPT_NON_STR_KEYS)


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    # Let pysqlite leave transactions to us, so BEGIN IMMEDIATE takes the write lock
    # up front and two writers queue on busy_timeout instead of failing mid-way.
    dbapi_conn.isolation_level = None
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA busy_timeout=30000")
    cur.close()


#: The execution option of a SQLite session that only reads (``Database.session(reads_only=True)``).
#:
#: Every other SQLite transaction begins ``IMMEDIATE``: it takes the database's one write lock
#: first, so two writers queue on ``busy_timeout``. (In WAL mode a ``DEFERRED`` transaction that
#: read and then writes after another writer committed cannot upgrade: it fails at once with
#: "database is locked", ``busy_timeout`` or not.) A reading one begins ``DEFERRED``: it takes no
#: lock and reads its snapshot while a writer works (a GET no longer waits for the retention
#: sweep's batch, bench/NOTES.md). It never writes: a statement that would is refused with
#: ``WritesNeeded`` before it runs, and the request is begun again as a writer (``casework.web``).
READS_ONLY = "casework_reads_only"


class WritesNeeded(Exception):
    """A transaction begun to only read was about to write: begin it again as a writer."""


def _sqlite_begin(conn: Any) -> None:
    conn.exec_driver_sql("BEGIN" if conn.get_execution_options().get(READS_ONLY) else "BEGIN IMMEDIATE")


_WRITES = re.compile(r"\s*(INSERT|UPDATE|DELETE|REPLACE|CREATE|DROP|ALTER)\b", re.IGNORECASE)
_WITH_WRITES = re.compile(r"\s*WITH\b.*\b(INSERT|UPDATE|DELETE|REPLACE)\b", re.IGNORECASE | re.DOTALL)


def _sqlite_refuse_writes_when_reading(conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
    if conn.get_execution_options().get(READS_ONLY) and (_WRITES.match(statement) or _WITH_WRITES.match(statement)):
        raise WritesNeeded(statement.split(None, 1)[0])


def insert_ignoring_conflict(session: Session, table: Any, values: dict, *, returning: Any):
    """``INSERT … ON CONFLICT DO NOTHING RETURNING`` on PostgreSQL and SQLite.

    Returns the returned value, or None when the row already existed. (``rowcount`` is
    -1 for this statement under SQLAlchemy 2.1 with psycopg 3, so RETURNING is the test.)
    """
    stmt = _insert_ignoring_conflict(session.get_bind().dialect.name, table, returning)
    return session.execute(stmt, values).scalar_one_or_none()


def insert_all_ignoring_conflict(session: Session, table: Any, rows: list[dict], *, returning: Any) -> list:
    """The same for several rows in one statement (one multi-row INSERT); the values returned
    for the rows inserted. A row that conflicts with one before it in ``rows`` is not inserted."""
    stmt = _insert_ignoring_conflict(session.get_bind().dialect.name, table, returning)
    return list(session.execute(stmt, rows).scalars())


@functools.cache
def _insert_ignoring_conflict(dialect: str, table: Any, returning: Any):
    # Made once and given the values as parameters: building the statement with the values
    # in it (coercing each, then a cache key over them) cost more than executing it.
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    return insert(table).on_conflict_do_nothing().returning(returning)


def database_away(error: DBAPIError) -> bool:
    """Whether a database error means the database is away for now (connection lost or refused,
    a locked or unreadable SQLite file), not a fault in the statement.

    SQLite reports a mistake in the SQL (a syntax error, a missing table or column) as an
    OperationalError too, with the generic SQLITE_ERROR code: ours to fix, not something to
    wait out (the embedded shortlist's unsupported LATERAL answered 503 and logged no traceback).
    """
    if getattr(error, "connection_invalidated", False):
        return True
    return isinstance(error, OperationalError) and getattr(error.orig, "sqlite_errorname", None) != "SQLITE_ERROR"


def execute_as_driver_sql(session: Session, statement: Any, params: dict[str, Any]):
    """Run a Core ``statement`` made once (its values bound by name) on PostgreSQL as the
    driver's SQL, compiled once per statement and set of columns; elsewhere ``session.execute``.

    For the statements on a request's hot path: SQLAlchemy's ORM execution, compiled-statement
    lookup and bind processing cost about 0.4 ms a statement, more than psycopg's own work
    (POST /referrals, cProfile in process). What ``session.execute`` would do first is done
    first: the session's pending objects flushed and its appended rows (``casework.appends``)
    written. JSON values go as ``Jsonb``, ``None`` as JSON null, as SQLAlchemy's JSON type
    sends them; psycopg adapts the rest (UUIDs, decimals, dates, times, lists) itself.
    """
    if session.get_bind().dialect.name != "postgresql":
        return session.execute(statement, params)
    sql, params = _as_driver_sql(session, statement, params)
    return session.connection().exec_driver_sql(sql, params)


def rows_as_driver_sql(session: Session, statement: Any, params: dict[str, Any], *, alone: bool = False) -> list[Any]:
    """``execute_as_driver_sql``'s rows, all of them, read by attribute; on PostgreSQL run on the
    driver's own cursor (``casework.driver``), round SQLAlchemy's execution and result: for the
    one statement POST /referrals runs before its commit. ``alone``: a read that locks nothing,
    run before the transaction's BEGIN when it is its first statement (``driver.run``)."""
    if session.get_bind().dialect.name != "postgresql":
        return list(session.execute(statement, params).all())
    sql, params = _as_driver_sql(session, statement, params)
    return driver.run(session.connection(), sql, params, rows=True, alone=alone)


def _as_driver_sql(session: Session, statement: Any, params: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    sql, json_names, converters = _driver_sql(statement, tuple(params), session.get_bind().dialect)
    session.flush()
    appends.write(session)
    if json_names or converters:
        params = {name: Jsonb(value) if name in json_names else converters[name](value) if name in converters
                  else value for name, value in params.items()}
    return sql, params


@functools.lru_cache(maxsize=256)
def _driver_sql(statement: Any, names: tuple[str, ...], dialect: Any) -> tuple[str, frozenset[str], dict[str, Any]]:
    compiled = statement.compile(dialect=dialect, column_keys=list(names))
    if compiled.positiontup is not None or any(b.expanding for b in compiled.binds.values()):
        raise ValueError("execute_as_driver_sql needs named, non-expanding parameters")
    json_names = frozenset(name for name, bind in compiled.binds.items() if isinstance(bind.type, JSON))
    converters: dict[str, Any] = {}
    for name, bind in compiled.binds.items():
        # Our own types (a TypeDecorator: UTCDateTime) convert their values here as SQLAlchemy
        # would. Any other type that converts would be skipped: refuse it. Booleans' processor
        # only checks that the value is one; an array's makes a list of its items (given as a
        # list here) with its item type's processor.
        kind = bind.type.item_type if isinstance(bind.type, ARRAY) else bind.type
        if name in json_names or isinstance(kind, Boolean):
            continue
        processor = kind.dialect_impl(dialect).bind_processor(dialect)
        if processor is None:
            continue
        if isinstance(bind.type, TypeDecorator) and bind.type.impl.dialect_impl(dialect).bind_processor(dialect) is None:
            converters[name] = processor
        else:
            raise ValueError(f"execute_as_driver_sql cannot send {name!r}: its type converts values")
    return str(compiled), json_names, converters


def _admin_engine(server_url: str) -> Engine:
    return create_engine(engine_url(server_url), isolation_level="AUTOCOMMIT")


def create_database(server_url: str, prefix: str = "cw_test") -> str:
    """A new empty PostgreSQL database with a unique name on the server; returns its URL."""
    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    engine = _admin_engine(server_url)
    with engine.connect() as conn:
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    engine.dispose()
    return with_database(server_url, name)


def ensure_database(server_url: str, name: str) -> str:
    """Create database ``name`` on the server unless it exists; returns its URL."""
    engine = _admin_engine(server_url)
    try:
        with engine.connect() as conn:
            found = conn.execute(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}).scalar()
            if not found:
                conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    finally:
        engine.dispose()
    return with_database(server_url, name)


def drop_database(database_url: str) -> None:
    name = database_name(database_url)
    engine = _admin_engine(with_database(database_url, "postgres"))
    with engine.connect() as conn:
        conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    engine.dispose()
