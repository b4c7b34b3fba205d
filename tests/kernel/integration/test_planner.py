"""``casework.planner``: on SQLite the worker keeps the planner's statistics (``ANALYZE`` at start
and daily); on PostgreSQL it leaves them to autovacuum and schedules nothing."""

import datetime as dt

import pytest
from sqlalchemy import Column, Index, Integer, MetaData, String, Table, insert, select, text

from casework import planner
from casework.db import Database, KernelBase, as_utc, utcnow
from casework.timers import Sweeper, Timer
from casework_dev.testing import create_database, drop_database

METADATA = MetaData()
CASES = Table("cases", METADATA, Column("id", Integer, primary_key=True), Column("status", String(10)),
              Index("ix_cases_status", "status"))


def _database(url: str) -> Database:
    database = Database(url)
    KernelBase.metadata.create_all(database.engine, tables=[Timer.__table__])
    METADATA.create_all(database.engine)
    with database.transaction() as session:
        session.execute(insert(CASES), [{"id": n, "status": "closed" if n % 2 else "open"} for n in range(1, 2001)])
    return database


@pytest.fixture
def sqlite_db(tmp_path):
    database = _database(f"sqlite:///{tmp_path}/planner.db")
    yield database
    database.dispose()


@pytest.fixture
def postgresql_db(postgres_url):
    url = create_database(postgres_url, prefix="cw_planner")
    database = _database(url)
    yield database
    database.dispose()
    drop_database(url)


def _statistics(db) -> list[tuple]:
    with db.transaction() as session:
        return list(session.execute(text("SELECT tbl, idx, stat FROM sqlite_stat1 WHERE tbl = 'cases'")))


def _timers(db) -> list[tuple]:
    with db.transaction() as session:
        return [(t.kind, as_utc(t.due_at), t.fired_at) for t in session.scalars(select(Timer))]


def test_on_sqlite_the_statistics_are_written_at_start_and_again_each_day(sqlite_db):
    db = sqlite_db
    with db.transaction() as session:
        assert session.scalar(text("SELECT count(*) FROM sqlite_master WHERE name = 'sqlite_stat1'")) == 0
    planner.ensure(db)
    planner.ensure(db)  # a second start: still one run pending
    (kind, due, fired), = _timers(db)
    assert kind == planner.STATISTICS and due <= utcnow() and fired is None

    Sweeper(db, planner.handlers(db), service="sample").fire_due()  # 0 fired: the handler moves its own timer
    (table, index, stat), = _statistics(db)
    rows, per_value = map(int, stat.split())  # estimated from the sample: two statuses, about half each
    assert (table, index) == ("cases", "ix_cases_status") and rows > 1000 and per_value > 250
    (_, due, fired), = _timers(db)
    assert fired is None and due > utcnow() + planner.EVERY - dt.timedelta(minutes=1)


def test_on_postgresql_nothing_is_scheduled(postgresql_db):
    db = postgresql_db
    assert planner.handlers(db) == {}
    planner.ensure(db)
    assert _timers(db) == []
