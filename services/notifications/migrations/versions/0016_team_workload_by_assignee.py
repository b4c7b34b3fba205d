"""A team's live tasks by assignee, for its workload: counted from this index alone (an index-only
scan in assignee order) instead of every live task's row read from the table
(bench/NOTES.md, "intake's performance report (intx)")

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-07 18:35:00.000000
"""
import sqlalchemy as sa
from alembic import op

revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None

LIVE = sa.text("status IN ('open', 'acknowledged')")


def upgrade() -> None:
    op.create_index("ix_tasks_team_live_assignee", "tasks", ["team", "assignee", "due"], unique=False,
                    postgresql_where=LIVE, sqlite_where=LIVE)


def downgrade() -> None:
    op.drop_index("ix_tasks_team_live_assignee", table_name="tasks")
