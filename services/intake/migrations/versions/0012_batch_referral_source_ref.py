"""A batch referral's source_ref: the feed's own reference for a household imported from a CSV
file (casework import referrals), so that a file imported again skips what is in already

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-07 08:00:00.000000
"""
from alembic import op
import sqlalchemy as sa

revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column('batch_referrals', sa.Column('source_ref', sa.String(length=100), nullable=True))
    op.create_index('ix_batch_referrals_source_ref', 'batch_referrals', ['source_ref'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_batch_referrals_source_ref', table_name='batch_referrals')
    op.drop_column('batch_referrals', 'source_ref')
