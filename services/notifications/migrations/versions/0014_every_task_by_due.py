"""Every task in the order the task list shows them (soonest due first): an admin's list with no
filter read its page from this index rather than sorting two million tasks (bench/NOTES.md, a
large council: notifications)

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-07 12:45:00.000000
"""
from alembic import op

revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_tasks_due", "tasks", ["due", "created_at", "id"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_tasks_due", table_name="tasks")
