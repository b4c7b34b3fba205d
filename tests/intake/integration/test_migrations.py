"""The Alembic history builds exactly the tables the models describe."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import text

from casework.migrations import target_metadata
from intake.models import Base


def test_the_migrated_database_matches_the_models(intake):
    with intake.db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        assert compare_metadata(context, target_metadata(Base.metadata)) == []


def test_references_come_from_a_sequence_and_restart_with_the_table(intake, refer):
    assert [refer()["reference"], refer()["reference"]] == ["R-000001", "R-000002"]
    with intake.db.engine.connect() as conn:
        assert conn.execute(text("SELECT last_value FROM referral_reference_seq")).scalar() == 2
