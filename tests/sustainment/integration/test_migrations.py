"""Sustainment's Alembic history: the tables the models describe, and case numbers that go on
from the highest on both databases the service runs on."""

import pytest
from alembic import command
from sqlalchemy import inspect, text

from casework import context
from casework.contracts import catalogue
from casework.migrations import config, target_metadata, upgrade
from casework_dev.testing import schema_drift
from sustainment.models import Base
from sustainment.service import SERVICE

from .conftest import LEADER


def test_the_migrated_database_matches_the_models(sustainment):
    assert schema_drift(sustainment, target_metadata(Base.metadata)) == []


@pytest.fixture
def any_sustainment(sustainment):
    """``sustainment`` itself, which runs on PostgreSQL and on the embedded SQLite file."""
    return sustainment


@pytest.fixture
def open_case_on(referral_accepted):
    """Open a case from an accepted referral on a harness; returns its reference."""

    def run(harness) -> str:
        event = referral_accepted()
        with harness.db.transaction() as session, context.bound(service="sustainment"):
            SERVICE.handlers[event.type](session, event, catalogue.load(event.type, event.data))
        found = harness.client.get(f"/cases?referral_id={event.data['referral_id']}", headers=LEADER)
        assert found.status_code == 200, found.json
        return found.json[0]["reference"]

    return run


def test_an_existing_database_numbers_cases_on_from_its_highest(any_sustainment, open_case_on):
    url = any_sustainment.db.url
    assert [open_case_on(any_sustainment), open_case_on(any_sustainment)] == ["S-000001", "S-000002"]
    command.downgrade(config(SERVICE, url), "0005")
    with any_sustainment.db.engine.begin() as conn:  # numbered up to 41 before the counter was made
        conn.execute(text("UPDATE cases SET number = 41 WHERE number = 2"))
    upgrade(SERVICE, url)
    assert open_case_on(any_sustainment) == "S-000042"
    command.downgrade(config(SERVICE, url), "0005")
    upgrade(SERVICE, url)
    assert open_case_on(any_sustainment) == "S-000043"


def test_the_case_counter_restarts_with_the_table(sustainment, open_case_on):
    open_case_on(sustainment)
    sustainment.truncate()
    assert open_case_on(sustainment) == "S-000001"


def test_a_migration_that_rebuilds_the_cases_table_keeps_what_refers_to_it(any_sustainment, open_case_on):
    """On SQLite a column of ``cases`` is dropped by rebuilding the table (0016's downgrade); with
    foreign keys on, dropping the old table would delete every row that refers to a case
    (``ON DELETE CASCADE``): its timeline, plans, visits and notes."""
    url = any_sustainment.db.url
    open_case_on(any_sustainment)
    counted = "SELECT (SELECT count(*) FROM cases), (SELECT count(*) FROM timeline_entries)"
    with any_sustainment.db.engine.connect() as conn:
        before = tuple(conn.execute(text(counted)).one())
    assert before[1] > 0
    command.downgrade(config(SERVICE, url), "0015")
    upgrade(SERVICE, url)
    with any_sustainment.db.engine.connect() as conn:
        assert tuple(conn.execute(text(counted)).one()) == before


def test_migration_0022_adds_the_open_cases_index_and_takes_it_away(any_sustainment):
    url = any_sustainment.db.url

    def indexes() -> set[str]:
        with any_sustainment.db.engine.connect() as conn:
            return {index["name"] for index in inspect(conn).get_indexes("cases")}

    assert "ix_cases_open_load" in indexes()
    command.downgrade(config(SERVICE, url), "0021")
    assert "ix_cases_open_load" not in indexes()
    upgrade(SERVICE, url)
    assert "ix_cases_open_load" in indexes()
