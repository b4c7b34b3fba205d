"""The kernel's tables, v3: the audit log is append-only on SQLite too

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-07 01:40:00.000000
"""
from alembic import op

from casework.kernel_schema import v3

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    v3.upgrade(op)


def downgrade() -> None:
    v3.downgrade(op)
