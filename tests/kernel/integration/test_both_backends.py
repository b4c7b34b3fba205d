"""The kernel's answers to what differs between PostgreSQL and SQLite, on both: times come back
timezone-aware in UTC, and each service's migrated database has its partial indexes."""

import datetime as dt
import uuid
import zoneinfo

import pytest
from sqlalchemy import Column, Integer, MetaData, Table, bindparam, insert, select, text

from casework.db import UTCDateTime, execute_as_driver_sql
from casework.migrations import target_metadata, upgrade
from casework.service import installed
from casework_dev.testing import create_database, drop_database

LONDON = zoneinfo.ZoneInfo("Europe/London")
SUMMER_NOON_IN_LONDON = dt.datetime(2026, 7, 1, 12, 0, tzinfo=LONDON)  # 11:00 UTC

metadata = MetaData()
moments = Table("moments", metadata, Column("id", Integer, primary_key=True), Column("at", UTCDateTime))


@pytest.fixture
def moments_db(any_database):
    metadata.create_all(any_database.engine)
    yield any_database


def test_a_time_comes_back_aware_in_utc_whatever_zone_it_was_written_in(moments_db):
    written = [SUMMER_NOON_IN_LONDON, dt.datetime(2026, 7, 1, 11, 0, tzinfo=dt.UTC), dt.datetime(2026, 7, 1, 11, 0)]
    with moments_db.transaction() as session:
        session.execute(insert(moments), [{"id": i, "at": at} for i, at in enumerate(written)])
    with moments_db.transaction() as session:
        read = session.scalars(select(moments.c.at).order_by(moments.c.id)).all()
    assert [at.tzinfo for at in read] == [dt.UTC] * 3
    assert read == [dt.datetime(2026, 7, 1, 11, 0, tzinfo=dt.UTC)] * 3


def test_times_compare_as_moments_not_as_wall_clock_text(moments_db):
    with moments_db.transaction() as session:
        session.execute(insert(moments), [{"id": 1, "at": dt.datetime(2026, 7, 1, 11, 30, tzinfo=dt.UTC)}])
    with moments_db.transaction() as session:
        # 11:30 UTC is 12:30 in London: after London's noon, though its text in UTC is "earlier".
        after_noon = session.scalars(select(moments.c.id).where(moments.c.at > SUMMER_NOON_IN_LONDON)).all()
    assert after_noon == [1]


def test_the_driver_sql_path_converts_times_as_the_orm_does(moments_db):
    statement = insert(moments).values(id=bindparam("id"), at=bindparam("at"))
    with moments_db.transaction() as session:
        execute_as_driver_sql(session, statement, {"id": 7, "at": SUMMER_NOON_IN_LONDON})
    with moments_db.transaction() as session:
        assert session.scalar(select(moments.c.at)) == dt.datetime(2026, 7, 1, 11, 0, tzinfo=dt.UTC)


@pytest.fixture(params=["postgresql", "sqlite"])
def backend(request, postgres_url, tmp_path):
    made = []

    def database_for(service: str) -> str:
        if request.param == "sqlite":
            return f"sqlite:///{tmp_path}/{service}-{uuid.uuid4().hex[:6]}.db"
        url = create_database(postgres_url, prefix=f"cw_{service}")
        made.append(url)
        return url

    yield request.param, database_for
    for url in made:
        drop_database(url)


@pytest.mark.parametrize("service_name", sorted(installed()))
def test_a_migrated_database_has_every_partial_index_with_its_where(backend, service_name):
    """Read from the database itself, so a migration that forgot a backend's WHERE fails here."""
    name, database_for = backend
    service = installed()[service_name]
    url = database_for(service_name)
    upgrade(service, url)
    partial = {index.name for metadata in target_metadata(service.metadata) for table in metadata.tables.values()
               for index in table.indexes if index.dialect_options["postgresql"].get("where") is not None}
    assert partial, "every service has a partial index (the kernel's outbox and timers at least)"
    from casework.db import Database

    db = Database(url)
    try:
        with db.engine.connect() as conn:
            query = ("SELECT name, sql FROM sqlite_master WHERE type = 'index'" if name == "sqlite"
                     else "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = 'public'")
            found = dict(conn.execute(text(query)).all())
    finally:
        db.dispose()
    assert {index for index in partial if " WHERE " not in (found.get(index) or "").upper()} == set()


def test_a_time_shifted_by_an_interval_in_sql_stays_a_time(postgres_url):
    """``opened_at = closed_at - timedelta(days=30)``: the interval is bound as an interval, not
    converted as a time. (SQLite has no interval arithmetic, so PostgreSQL only.)"""
    from casework.db import Database

    url = create_database(postgres_url, prefix="cw_kernel")
    db = Database(url)
    try:
        metadata.create_all(db.engine)
        with db.transaction() as session:
            session.execute(insert(moments), [{"id": 1, "at": SUMMER_NOON_IN_LONDON}])
            shifted = session.scalar(select(moments.c.at - dt.timedelta(days=30)))
        assert shifted == dt.datetime(2026, 6, 1, 11, 0, tzinfo=dt.UTC)
    finally:
        db.dispose()
        drop_database(url)
