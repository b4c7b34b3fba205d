"""Indexes for a large council (bench/NOTES.md, "A large council: notifications"): the retention
sweep finds its next batch without reading five years; the task and delivery lists read their
page in the order they show rather than sorting every match; a subject-access export finds a
record's tasks and messages by index

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-07 09:45:00.000000
"""
import sqlalchemy as sa
from alembic import op

revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None

#: (name, table, columns, partial condition or None)
INDEXES = [
    ("ix_tasks_live_due", "tasks", ["due", "created_at", "id"], "status IN ('open', 'acknowledged')"),
    ("ix_tasks_status_due", "tasks", ["status", "due", "created_at", "id"], None),
    ("ix_tasks_team_status_due", "tasks", ["team", "status", "due", "created_at", "id"], None),
    ("ix_tasks_subject_id", "tasks", ["subject_id"], None),
    ("ix_tasks_retention", "tasks", ["closed_at"], "anonymised_at IS NULL AND status IN ('done', 'cancelled')"),
    ("ix_notifications_subject_id", "notifications", ["subject_id"], None),
    ("ix_notifications_task_id", "notifications", ["task_id"], None),
    ("ix_notifications_retention", "notifications", ["read_at"], "anonymised_at IS NULL AND read_at IS NOT NULL"),
    ("ix_deliveries_created", "deliveries", ["created_at"], None),
    ("ix_deliveries_status_created", "deliveries", ["status", "created_at"], None),
    ("ix_deliveries_channel_target_created", "deliveries", ["channel", "target", "created_at"], None),
    ("ix_deliveries_retention", "deliveries", ["created_at"],
     "anonymised_at IS NULL AND status IN ('sent', 'delivered', 'failed')"),
]
#: Replaced by the wider ones above (their first columns).
REPLACED = [("ix_tasks_team_status", "tasks", ["team", "status"]),
            ("ix_deliveries_channel_target", "deliveries", ["channel", "target"])]


def upgrade() -> None:
    for name, table, columns, where in INDEXES:
        condition = sa.text(where) if where else None
        op.create_index(name, table, columns, unique=False, postgresql_where=condition, sqlite_where=condition)
    for name, table, _columns in REPLACED:
        op.drop_index(name, table_name=table)


def downgrade() -> None:
    for name, table, columns in REPLACED:
        op.create_index(name, table, columns, unique=False)
    for name, table, _columns, _where in reversed(INDEXES):
        op.drop_index(name, table_name=table)
