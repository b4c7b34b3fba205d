"""Data protection: the kernel's legal holds and redactable audit log (v2)

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-22 16:50:00.000000
"""
from alembic import op

from casework.kernel_schema import v2

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    v2.upgrade(op)


def downgrade() -> None:
    v2.downgrade(op)
