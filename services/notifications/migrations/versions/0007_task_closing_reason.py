"""A task closed by hand keeps the reason the officer gave

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-07 03:30:00.000000
"""
import sqlalchemy as sa
from alembic import op

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("tasks", sa.Column("closed_reason", sa.String(2000), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("tasks") as batch:
        batch.drop_column("closed_reason")
