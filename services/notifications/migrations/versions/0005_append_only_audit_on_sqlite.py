"""The kernel's tables, v3: the audit log is append-only on SQLite too

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-07 01:40:00.000000
"""
from alembic import op

from casework.kernel_schema import v3

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    v3.upgrade(op)


def downgrade() -> None:
    v3.downgrade(op)
