"""The large council's bulk load (bench/scale/store.py) stores the rows as the service's own table
definitions would (SQLAlchemy's insert), and leaves the database as the migrations made it: the
indexes it dropped for the load made again the same, SQLite's file in WAL mode again."""

import datetime as dt
import sqlite3
import sys
import uuid
from pathlib import Path

import psycopg
import pytest
from sqlalchemy import create_engine, insert, inspect, text

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "bench"))

from scale import intake_data, store  # noqa: E402

NOW = dt.datetime(2026, 12, 1, 10, 30, tzinfo=dt.UTC)


def _contents(url: str) -> dict[str, list[str]]:
    engine = create_engine(store._sqlalchemy_url(url))
    with engine.connect() as conn:
        found = {}
        for table in ("referrals", "audit_log"):
            columns = ", ".join(f'"{c["name"]}"' for c in inspect(conn).get_columns(table))
            found[table] = sorted(repr(tuple(row)) for row in conn.execute(text(f"SELECT {columns} FROM {table}")))
    engine.dispose()
    return found


def _indexes(url: str, backend: str) -> list:
    if backend == "sqlite":
        with sqlite3.connect(url.removeprefix("sqlite:///")) as conn:
            assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
            return sorted(conn.execute("SELECT name, tbl_name, sql FROM sqlite_master WHERE type = 'index'"))
    with psycopg.connect(url) as conn:
        return conn.execute("SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = 'public' "
                            "ORDER BY 1").fetchall()


@pytest.mark.parametrize("backend", store.BACKENDS)
def test_a_bulk_load_stores_what_an_insert_stores_and_leaves_the_indexes_as_migrated(
        backend, postgres_url, tmp_path, monkeypatch):
    council = intake_data.Council(0.0, NOW)  # 200 referrals, some anonymised, with their audit rows
    referrals, audit = [], []
    for row, entries in council.referrals():
        referrals.append(row)
        audit.extend(entries)
    prefixes = [f"cw_storetest_{uuid.uuid4().hex[:8]}" for _ in range(2)]
    monkeypatch.setattr(store, "POSTGRES", postgres_url)
    try:
        monkeypatch.setattr(store, "PREFIX", prefixes[0])
        monkeypatch.setattr(store, "DATA", tmp_path / "bulk")
        bulk = store.Bulk("intake", backend)
        store.fresh("intake", backend)
        bulk.write("referrals", referrals)
        bulk.write("audit_log", audit)
        bulk.finish()
        loaded, indexes = _contents(bulk.url), _indexes(bulk.url, backend)

        monkeypatch.setattr(store, "PREFIX", prefixes[1])
        monkeypatch.setattr(store, "DATA", tmp_path / "insert")
        url = store.fresh("intake", backend)
        engine = create_engine(store._sqlalchemy_url(url))
        with engine.begin() as conn:
            conn.execute(insert(bulk._table("referrals")), referrals)
            conn.execute(insert(bulk._table("audit_log")), audit)
        engine.dispose()

        assert _contents(url) == loaded
        assert _indexes(url, backend) == indexes
    finally:
        with psycopg.connect(postgres_url, autocommit=True) as conn:
            for prefix in prefixes:
                conn.execute(f"DROP DATABASE IF EXISTS {prefix}_intake WITH (FORCE)")
