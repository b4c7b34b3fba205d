"""The kernel's tables: outbox, inbox, timers, idempotency keys, audit log

Revision ID: 0001
Revises: 
Create Date: 2026-11-22 16:21:48.196534
"""
from alembic import op

from casework.kernel_schema import v1

revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    v1.upgrade(op)


def downgrade() -> None:
    v1.downgrade(op)
