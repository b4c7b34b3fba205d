"""Data protection: the kernel's legal holds and redactable audit log (v2), anonymised applicants and offers

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22 16:58:00.000000
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
    op.add_column('applicants', sa.Column('anonymised_at', sa.DateTime(timezone=True), nullable=True))
    op.add_column('offers', sa.Column('anonymised_at', sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    op.drop_column('offers', 'anonymised_at')
    op.drop_column('applicants', 'anonymised_at')
    v2.downgrade(op)
