"""The Alembic history builds exactly the tables the models describe."""

import pytest
from alembic import command
from sqlalchemy import text

from casework.migrations import config, target_metadata, upgrade
from casework.testing import schema_drift
from intake.models import Base
from intake.service import SERVICE

from .conftest import REFERRER, referral_body


def test_the_migrated_database_matches_the_models(intake):
    assert schema_drift(intake, target_metadata(Base.metadata)) == []


SEQUENCE = pytest.mark.postgresql_only(reason="reads and sets the PostgreSQL sequence (and SQL function) that "
                                              "numbers references")


@SEQUENCE
def test_references_come_from_a_sequence_and_restart_with_the_table(intake, refer):
    assert [refer()["reference"], refer()["reference"]] == ["R-000001", "R-000002"]
    with intake.db.engine.connect() as conn:
        assert conn.execute(text("SELECT last_value FROM referral_reference_seq")).scalar() == 2


@SEQUENCE
def test_references_keep_six_digits_and_grow_past_a_million(intake, refer):
    with intake.db.engine.begin() as conn:
        conn.execute(text("SELECT setval('referral_reference_seq', 999998)"))
    assert [refer()["reference"], refer()["reference"]] == ["R-999999", "R-1000000"]


@SEQUENCE
def test_the_reference_default_goes_back_and_forth_without_a_gap(intake, refer):
    url = intake.db.url
    refer()
    command.downgrade(config(SERVICE, url), "0004")  # the SQL function numbers them again
    assert refer()["reference"] == "R-000002"
    upgrade(SERVICE, url)
    assert refer()["reference"] == "R-000003"
    with intake.db.engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM pg_proc WHERE proname = 'next_referral_reference'")).scalar() == 0


@pytest.fixture
def any_intake(intake):
    """``intake`` itself, which runs on PostgreSQL and on the embedded SQLite file."""
    return intake


def _refer(harness) -> str:
    response = harness.client.post("/referrals", json=referral_body(), headers=REFERRER)
    assert response.status_code == 201, response.json
    return response.json["reference"]


def test_an_existing_database_numbers_on_from_its_highest_reference(any_intake):
    url = any_intake.db.url
    assert [_refer(any_intake), _refer(any_intake)] == ["R-000001", "R-000002"]
    command.downgrade(config(SERVICE, url), "0005")
    with any_intake.db.engine.begin() as conn:  # numbered up to 41 before the counter was made
        conn.execute(text("UPDATE referrals SET reference = 'R-000041' WHERE reference = 'R-000002'"))
    upgrade(SERVICE, url)
    assert _refer(any_intake) == "R-000042"
    command.downgrade(config(SERVICE, url), "0005")
    upgrade(SERVICE, url)
    assert _refer(any_intake) == "R-000043"
