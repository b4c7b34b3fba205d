"""Conditions a service writes once answer the same on PostgreSQL and SQLite."""

import datetime as dt
import uuid

import pytest
from sqlalchemy import Column, Integer, MetaData, String, Table, Uuid, func, insert, literal, select

from casework.db import JSONDoc, UTCDateTime, execute_as_driver_sql
from casework.portable import PerDatabase, days_between, json_list_contains, one_of, uuid_text

metadata = MetaData()
officers = Table(
    "portable_officers", metadata,
    Column("id", Integer, primary_key=True),
    Column("status", String(20), nullable=False),
    Column("teams", JSONDoc),
    Column("joined_at", UTCDateTime),
    Column("left_at", UTCDateTime),
)
IN_STATUSES = select(officers.c.id).where(one_of(officers.c.status, "statuses")).order_by(officers.c.id)


@pytest.fixture
def db(any_database):
    metadata.create_all(any_database.engine)
    with any_database.transaction() as session:
        session.execute(insert(officers), [
            {"id": 1, "status": "open", "teams": ["north", "south"]},
            {"id": 2, "status": "closed", "teams": ["north-east"]},
            {"id": 3, "status": "waiting", "teams": []},
            {"id": 4, "status": "open", "teams": None},
        ])
    return any_database


@pytest.mark.parametrize(("statuses", "ids"), [
    (["open"], [1, 4]), (["open", "waiting"], [1, 3, 4]), (["gone"], []), ([], []),
])
def test_one_of_matches_the_values_given_at_execution(db, statuses, ids):
    with db.transaction() as session:
        assert list(session.scalars(IN_STATUSES, {"statuses": statuses})) == ids


def test_one_of_runs_as_the_drivers_sql_on_a_hot_path(db):
    with db.transaction() as session:
        found = execute_as_driver_sql(session, IN_STATUSES, {"statuses": ["closed", "waiting"]})
        assert [row.id for row in found] == [2, 3]


@pytest.mark.parametrize(("team", "ids"), [("north", [1]), ("south", [1]), ("north-east", [2]), ("nor", []),
                                           ('"north"', [])])
def test_json_list_contains_matches_whole_items_only(db, team, ids):
    with db.transaction() as session:
        found = session.scalars(select(officers.c.id).where(json_list_contains(officers.c.teams, team))
                                .order_by(officers.c.id))
        assert list(found) == ids


def test_per_database_gives_the_statement_for_the_sessions_database(db):
    statements = PerDatabase(postgresql=select(literal("postgresql")), sqlite=select(literal("sqlite")))
    with db.transaction() as session:
        assert session.scalar(statements.for_(session)) == db.engine.dialect.name


def test_days_between_two_moments_is_the_same_on_both_databases(db):
    joined = dt.datetime(2026, 3, 28, 12, 0, tzinfo=dt.UTC)  # across the clocks going forward in London
    with db.transaction() as session:
        session.execute(officers.update().where(officers.c.id == 1).values(
            joined_at=joined, left_at=joined + dt.timedelta(days=2, hours=6)))
        session.execute(officers.update().where(officers.c.id == 2).values(joined_at=joined))
        found = dict(session.execute(select(officers.c.id, days_between(officers.c.joined_at, officers.c.left_at))
                                     .where(officers.c.id.in_([1, 2]))).all())
    assert found[1] == pytest.approx(2.25, abs=1e-6) and found[2] is None


def test_days_between_is_a_double_on_postgresql_not_a_numeric():
    """``extract`` gives a numeric since PostgreSQL 14: dividing and averaging a year of a large
    council's cases took 1.6-2.7 times as long (bench/NOTES.md, "Sustainment at full size, third pass")."""
    from sqlalchemy.dialects import postgresql

    sql = str(select(days_between(officers.c.joined_at, officers.c.left_at)).compile(dialect=postgresql.dialect()))
    assert "date_part(" in sql and "EXTRACT" not in sql.upper(), sql


letters = Table("portable_letters", metadata, Column("id", Uuid, primary_key=True), Column("about", String(36)))


def test_a_uuid_column_as_text_matches_the_text_the_kernel_writes_for_it_on_both_databases(db):
    # The audit log names a record by str(uuid); SQLite keeps a Uuid column as 32 hex digits, so a
    # plain cast there never matched (lettings' retention found no applicant's trail on SQLite).
    ids = [uuid.UUID("0b7e0c2e-5a1f-4f5e-9a51-3c1f0d6f2a01"), uuid.UUID("A0000000-0000-4000-8000-00000000000B")]
    with db.transaction() as session:
        session.execute(insert(letters), [{"id": ident, "about": str(ident)} for ident in ids])
        as_text = session.scalars(select(uuid_text(letters.c.id)).order_by(letters.c.about)).all()
        matched = session.scalar(select(func.count()).select_from(letters).where(letters.c.about == uuid_text(letters.c.id)))
    assert as_text == sorted(str(ident) for ident in ids)
    assert matched == 2
