"""The large council's databases: one per service and backend, kept between runs, filled in bulk."""

from __future__ import annotations

import contextlib
import os
import re
import sqlite3
from collections.abc import Iterable, Iterator
from itertools import islice
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import orjson
import psycopg
from sqlalchemy import JSON, create_engine, text
from sqlalchemy.orm import Session

from casework import audit, outbox, timers  # noqa: F401 - their tables, in KernelBase's metadata
from casework.db import KernelBase
from casework.migrations import upgrade
from casework.privacy import holds  # noqa: F401 - legal_holds, in KernelBase's metadata

BACKENDS = ("postgresql", "sqlite")
POSTGRES = os.environ.get("CASEWORK_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
#: SQLite files of the embedded backend (not committed), and the PostgreSQL databases' name prefix:
#: module settings, so the suite's smoke test seeds beside a large council without touching it.
DATA = Path(os.environ.get("CASEWORK_SCALE_DATA", Path(__file__).resolve().parent.parent / ".scale-data"))
DEFAULT_PREFIX = "cw_scale"
PREFIX = os.environ.get("CASEWORK_SCALE_PREFIX", DEFAULT_PREFIX)
CHUNK = 20_000
#: The page cache of a bulk load into SQLite, in KiB (2 GiB: the largest table's indexes fit).
SQLITE_CACHE_KB = 2_000_000


def service(name: str):
    """The service's definition (``SERVICE`` of its package)."""
    return __import__(f"{name}.service", fromlist=["SERVICE"]).SERVICE


def database_url(name: str, backend: str) -> str:
    if backend == "sqlite":
        return f"sqlite:///{DATA}/{name}.db"
    parts = urlsplit(POSTGRES)
    return urlunsplit(parts._replace(path=f"/{PREFIX}_{name}"))


def fresh(name: str, backend: str) -> str:
    """An empty, migrated database for the service (the last one's dropped)."""
    url = database_url(name, backend)
    if backend == "sqlite":
        DATA.mkdir(exist_ok=True)
        for suffix in ("", "-wal", "-shm"):
            Path(f"{DATA}/{name}.db{suffix}").unlink(missing_ok=True)
    else:
        with psycopg.connect(POSTGRES, autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {PREFIX}_{name} WITH (FORCE)")
            conn.execute(f"CREATE DATABASE {PREFIX}_{name}")
    upgrade(service(name), url)
    return url


def exists(name: str, backend: str) -> bool:
    if backend == "sqlite":
        return Path(f"{DATA}/{name}.db").exists()
    with psycopg.connect(POSTGRES, autocommit=True) as conn:
        return conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (f"{PREFIX}_{name}",)).fetchone() is not None




def _jsonb(value) -> bytes:
    """``value`` as JSON text for a JSONB column: what ``json.dumps(value, default=str)`` says, in
    the fewer words orjson writes (the same document once PostgreSQL has read it), a tenth of the
    time. Times as ``str`` gives them, not orjson's own way, as ``json.dumps`` had them."""
    return orjson.dumps(value, default=str, option=orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_NON_STR_KEYS)


def _chunks(rows: Iterable[dict], size: int) -> Iterator[list[dict]]:
    rows = iter(rows)
    while chunk := list(islice(rows, size)):
        yield chunk


class Bulk:
    """Rows written in bulk into one service's database: ``COPY`` on PostgreSQL; on SQLite the
    service's own table definitions' conversions (so times, JSON and decimals are stored as the
    app stores them) in batched inserts. Rows are dicts with the same keys, in the table's column
    names.

    A load into an empty table drops the table's plain indexes (not those of a key or a unique
    constraint) and makes them again, from their own definitions, before anything reads the
    database (``sql``, ``transaction``, ``finish``): an index built once from the whole table
    takes a fraction of one kept up row by row. On SQLite the load is one connection without a
    journal while it fills empty tables (nothing to roll back to), its page cache kept from write
    to write."""

    def __init__(self, name: str, backend: str) -> None:
        self.name = name
        self.backend = backend
        self.url = database_url(name, backend)
        self.metadata = service(name).metadata
        self.written: dict[str, int] = {}
        #: The tables written to so far, and the indexes dropped for the load (their definitions).
        self._seen: set[str] = set()
        self._dropped: list[str] = []
        self._sqlite = None
        self._unjournalled = False

    def _table(self, table: str):
        # The kernel's tables (audit_log, timers, outbox) are not in the service's metadata.
        target = self.metadata.tables.get(table)
        return target if target is not None else KernelBase.metadata.tables[table]

    def write(self, table: str, rows: Iterable[dict]) -> int:
        count = 0
        if self.backend == "sqlite":
            conn = self._loader()
            first = table not in self._seen
            self._seen.add(table)
            if first and conn.execute(f"SELECT NOT EXISTS (SELECT 1 FROM {table})").fetchone()[0]:
                if not self._unjournalled:
                    conn.execute("PRAGMA journal_mode = OFF")
                    self._unjournalled = True
                for name, definition in conn.execute(
                        "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? "
                        "AND sql IS NOT NULL ORDER BY name", (table,)).fetchall():
                    conn.execute(f'DROP INDEX "{name}"')
                    self._dropped.append(definition)
            target = self._table(table)
            conn.execute("BEGIN")
            for chunk in _chunks(rows, CHUNK):
                statement, values = _sqlite_insert(target, self._dialect, chunk)
                conn.executemany(statement, values)
                count += len(chunk)
            conn.execute("COMMIT")
        else:
            json_columns = {c.name for c in self._table(table).c if isinstance(c.type, JSON)}
            with psycopg.connect(self.url) as conn:
                if table not in self._seen:
                    self._seen.add(table)
                    if conn.execute(f"SELECT NOT EXISTS (SELECT 1 FROM {table})").fetchone()[0]:
                        self._drop_indexes(conn, table)
                for chunk in _chunks(rows, CHUNK):
                    columns = list(chunk[0])
                    # (dicts and lists are only ever in the JSON columns, all JSONB)
                    jsons = [i for i, c in enumerate(columns) if c in json_columns]
                    with conn.cursor().copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as out:
                        for row in chunk:
                            values = [row[c] for c in columns]
                            for i in jsons:
                                if isinstance(values[i], (dict, list)):
                                    values[i] = _jsonb(values[i]).decode()
                            out.write_row(values)
                    count += len(chunk)
        self.written[table] = self.written.get(table, 0) + count
        return count

    def _drop_indexes(self, conn, table: str) -> None:
        """The (empty) table's indexes that no constraint owns, dropped, their definitions kept:
        each one whose definition, run again, makes the very same index (tried first under
        another name; see ``_as_written``). The others stay and are kept up during the load."""
        found = conn.execute(
            "SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid) FROM pg_index i "
            "WHERE i.indrelid = %s::regclass AND NOT EXISTS "
            "(SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid AND c.conrelid = i.indrelid) "
            "ORDER BY 1", (table,)).fetchall()
        for name, definition in found:
            again = _as_written(definition)
            trial = again.replace(f" INDEX {name} ON ", " INDEX bulk_trial ON ", 1)
            conn.execute(trial)
            made = conn.execute("SELECT pg_get_indexdef('bulk_trial'::regclass)").fetchone()[0]
            conn.execute("DROP INDEX bulk_trial")
            if made == definition.replace(f" INDEX {name} ON ", " INDEX bulk_trial ON ", 1):
                conn.execute(f"DROP INDEX {name}")
                self._dropped.append(again)

    def _loader(self):
        """The SQLite load's own connection (see the class's text)."""
        if self._sqlite is None:
            self._dialect = create_engine(self.url).dialect
            conn = sqlite3.connect(self.url.removeprefix("sqlite:///"), isolation_level=None)
            conn.execute("PRAGMA foreign_keys = OFF")
            # A bulk load, not the app: no fsync per commit (nor a journal while it fills empty
            # tables), and a page cache that holds the indexes being filled (SQLite's default
            # 2 MB makes each random key a disk read).
            conn.execute("PRAGMA synchronous = OFF")
            conn.execute(f"PRAGMA cache_size = -{SQLITE_CACHE_KB}")
            self._sqlite = conn
        return self._sqlite

    def settle(self) -> None:
        """The load over: the dropped indexes made again, and SQLite's file in WAL mode again, as
        the migrations left it. Called before anything reads the database."""
        if self.backend == "sqlite":
            conn = self._loader() if self._dropped else self._sqlite
            if conn is not None:
                for definition in self._dropped:
                    conn.execute(definition)
                if self._unjournalled:
                    conn.execute("PRAGMA journal_mode = WAL")
                    self._unjournalled = False
                conn.close()
                self._sqlite = None
        elif self._dropped:
            with psycopg.connect(self.url, autocommit=True) as conn:
                conn.execute("SET maintenance_work_mem = '256MB'")
                for definition in self._dropped:
                    conn.execute(definition)
        self._dropped = []

    def sql(self, statement: str, **params) -> list:
        """A statement run on the database (sequences moved on after COPY, say); its rows, if any."""
        self.settle()
        engine = create_engine(_sqlalchemy_url(self.url))
        with engine.begin() as conn:
            result = conn.execute(text(statement), params)
            rows = result.fetchall() if result.returns_rows else []
        engine.dispose()
        return rows

    @contextlib.contextmanager
    def transaction(self) -> Iterator[Session]:
        """A session in one transaction, for the service's own code (its monthly tallies counted
        from the rows written, as a council that ran the use cases has them)."""
        self.settle()
        engine = create_engine(_sqlalchemy_url(self.url))
        try:
            with Session(engine) as session, session.begin():
                yield session
        finally:
            engine.dispose()

    def finish(self) -> None:
        """Planner statistics, as a database that has run a while has them."""
        self.settle()
        if self.backend == "sqlite":
            engine = create_engine(self.url)
            with engine.begin() as conn:
                conn.exec_driver_sql("ANALYZE")
            engine.dispose()
        else:
            with psycopg.connect(self.url, autocommit=True) as conn:
                conn.execute("VACUUM ANALYZE")


def _as_written(definition: str) -> str:
    """An index's definition as PostgreSQL gives it back (``pg_get_indexdef``), in words that make
    the same index again: ``column IN (…)`` of a partial index's condition comes back as
    ``(column)::text = ANY ((ARRAY[…])::text[])``, which, run again, casts each value instead."""
    return re.sub(r"\((\w+)\)::text = ANY \(\(ARRAY\[([^\]]*)\]\)::text\[\]\)", r"(\1 IN (\2))", definition)


def _sqlite_insert(target, dialect, rows: list[dict]) -> tuple[str, list[tuple]]:
    """The INSERT SQLAlchemy's ``insert(target)`` runs for ``rows`` on SQLite, with the values as its
    column types convert them (their bind processors) and the columns' defaults where a row has none;
    without SQLAlchemy's work per row."""
    columns = list(rows[0])
    defaults = {}
    for column in target.c:
        if column.name not in rows[0] and column.default is not None:
            if not column.default.is_scalar:
                raise ValueError(f"{target.name}.{column.name}: rows without a value for a computed default")
            defaults[column.name] = column.default.arg
    names = columns + list(defaults)
    processors = [target.c[name].type._cached_bind_processor(dialect) for name in names]
    constants = tuple(defaults.values())
    statement = (f"INSERT INTO {target.name} ({', '.join(dialect.identifier_preparer.quote(n) for n in names)}) "
                 f"VALUES ({', '.join('?' * len(names))})")
    values = []
    for row in rows:
        found = [row[c] for c in columns]
        found.extend(constants)
        values.append(tuple(v if p is None else p(v) for p, v in zip(processors, found, strict=True)))
    return statement, values


def _sqlalchemy_url(url: str) -> str:
    return "postgresql+psycopg://" + url[len("postgresql://"):] if url.startswith("postgresql://") else url


def engine(url: str):
    """A plain engine for the baseline's SQL (no ORM, no app)."""
    return create_engine(_sqlalchemy_url(url), pool_size=8)

