"""Data protection: the kernel's legal holds and redactable audit log (v2); tasks', inbox messages'
and deliveries' anonymisation

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22 16:53:26.983744
"""
from alembic import op
import sqlalchemy as sa

from casework.kernel_schema import v2

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    v2.upgrade(op)
    for table in ('tasks', 'notifications', 'deliveries'):
        op.add_column(table, sa.Column('anonymised_at', sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    for table in ('deliveries', 'notifications', 'tasks'):
        op.drop_column(table, 'anonymised_at')
    v2.downgrade(op)
