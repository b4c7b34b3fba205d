"""A team's shared queue (live tasks no one holds) in the order the inbox shows it: the queue's
page and count read its few hundred tasks from this index instead of ANDing the team's live tasks
with every unassigned task (bench/NOTES.md, "Day tallies and the team queue")

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-07 15:40:00.000000
"""
import sqlalchemy as sa
from alembic import op

revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None

QUEUED = sa.text("assignee IS NULL AND status IN ('open', 'acknowledged')")


def upgrade() -> None:
    op.create_index("ix_tasks_queued_due", "tasks", ["team", "due", "created_at", "id"], unique=False,
                    postgresql_where=QUEUED, sqlite_where=QUEUED)


def downgrade() -> None:
    op.drop_index("ix_tasks_queued_due", table_name="tasks")
