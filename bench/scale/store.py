"""The large council's databases: one per service and backend, kept between runs, filled in bulk."""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Iterable, Iterator
from itertools import islice
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg
from sqlalchemy import create_engine, insert, text
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


def _copy_value(value):
    if isinstance(value, (dict, list)):
        return json.dumps(value, default=str)
    return value


def _chunks(rows: Iterable[dict], size: int) -> Iterator[list[dict]]:
    rows = iter(rows)
    while chunk := list(islice(rows, size)):
        yield chunk


class Bulk:
    """Rows written in bulk into one service's database: ``COPY`` on PostgreSQL; on SQLite the
    service's own table definitions (so times, JSON and decimals are stored as the app stores them)
    in batched inserts. Rows are dicts with the same keys, in the table's column names."""

    def __init__(self, name: str, backend: str) -> None:
        self.name = name
        self.backend = backend
        self.url = database_url(name, backend)
        self.metadata = service(name).metadata
        self.written: dict[str, int] = {}

    def write(self, table: str, rows: Iterable[dict]) -> int:
        count = 0
        if self.backend == "sqlite":
            engine = create_engine(self.url)
            # The kernel's tables (audit_log, timers, outbox) are not in the service's metadata.
            target = self.metadata.tables.get(table)
            if target is None:
                target = KernelBase.metadata.tables[table]
            with engine.begin() as conn:
                conn.exec_driver_sql("PRAGMA foreign_keys = OFF")
                # A bulk load, not the app: no fsync per commit, and a page cache that holds the
                # indexes being filled (SQLite's default 2 MB makes each random key a disk read).
                conn.exec_driver_sql("PRAGMA synchronous = OFF")
                conn.exec_driver_sql(f"PRAGMA cache_size = -{SQLITE_CACHE_KB}")
                for chunk in _chunks(rows, CHUNK):
                    conn.execute(insert(target), chunk)
                    count += len(chunk)
            engine.dispose()
        else:
            with psycopg.connect(self.url) as conn:
                for chunk in _chunks(rows, CHUNK):
                    columns = list(chunk[0])
                    with conn.cursor().copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as out:
                        for row in chunk:
                            out.write_row([_copy_value(row[c]) for c in columns])
                    count += len(chunk)
        self.written[table] = self.written.get(table, 0) + count
        return count

    def sql(self, statement: str, **params) -> list:
        """A statement run on the database (sequences moved on after COPY, say); its rows, if any."""
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
        engine = create_engine(_sqlalchemy_url(self.url))
        try:
            with Session(engine) as session, session.begin():
                yield session
        finally:
            engine.dispose()

    def finish(self) -> None:
        """Planner statistics, as a database that has run a while has them."""
        if self.backend == "sqlite":
            engine = create_engine(self.url)
            with engine.begin() as conn:
                conn.exec_driver_sql("ANALYZE")
            engine.dispose()
        else:
            with psycopg.connect(self.url, autocommit=True) as conn:
                conn.execute("VACUUM ANALYZE")


def _sqlalchemy_url(url: str) -> str:
    return "postgresql+psycopg://" + url[len("postgresql://"):] if url.startswith("postgresql://") else url


def engine(url: str):
    """A plain engine for the baseline's SQL (no ORM, no app)."""
    return create_engine(_sqlalchemy_url(url), pool_size=8)

