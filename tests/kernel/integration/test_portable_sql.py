"""Conditions a service writes once answer the same on PostgreSQL and SQLite."""

import pytest
from sqlalchemy import Column, Integer, MetaData, String, Table, insert, literal, select

from casework.db import JSONDoc, execute_as_driver_sql
from casework.portable import PerDatabase, json_list_contains, one_of

metadata = MetaData()
officers = Table(
    "portable_officers", metadata,
    Column("id", Integer, primary_key=True),
    Column("status", String(20), nullable=False),
    Column("teams", JSONDoc),
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
