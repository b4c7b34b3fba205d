"""The Alembic history builds exactly the tables the models describe."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from casework.migrations import target_metadata
from notifications.models import Base


def test_the_migrated_database_matches_the_models(notifications):
    with notifications.db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        assert compare_metadata(context, target_metadata(Base.metadata)) == []
