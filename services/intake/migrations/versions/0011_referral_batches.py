"""Referral batches: households referred together by a data feed such as LIFT, and the referral
each row made, with a digest of the row (a row sent again is not made twice)

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-08 06:50:00.000000
"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('referral_batches',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('received_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('sent_by', sa.String(length=200), nullable=False),
    sa.Column('source_system', sa.String(length=60), nullable=False),
    sa.Column('source_team', sa.String(length=120), nullable=True),
    sa.Column('reason', sa.String(length=500), nullable=False),
    sa.Column('households', sa.Integer(), nullable=False),
    sa.Column('created', sa.Integer(), nullable=False),
    sa.Column('duplicates', sa.Integer(), nullable=False),
    sa.Column('refused', sa.Integer(), nullable=False),
    sa.Column('results', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_referral_batches'))
    )
    op.create_index('ix_referral_batches_received_at', 'referral_batches', ['received_at'], unique=False)
    op.create_table('batch_referrals',
    sa.Column('referral_id', sa.Uuid(), nullable=False),
    sa.Column('batch_id', sa.Uuid(), nullable=False),
    sa.Column('row', sa.Integer(), nullable=False),
    sa.Column('row_key', sa.String(length=64), nullable=True),
    sa.ForeignKeyConstraint(['batch_id'], ['referral_batches.id'], name=op.f('fk_batch_referrals_batch_id_referral_batches')),
    sa.ForeignKeyConstraint(['referral_id'], ['referrals.id'], name=op.f('fk_batch_referrals_referral_id_referrals')),
    sa.PrimaryKeyConstraint('referral_id', name=op.f('pk_batch_referrals'))
    )
    op.create_index('ix_batch_referrals_batch_id', 'batch_referrals', ['batch_id'], unique=False)
    op.create_index('ix_batch_referrals_row_key', 'batch_referrals', ['row_key'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_batch_referrals_row_key', table_name='batch_referrals')
    op.drop_index('ix_batch_referrals_batch_id', table_name='batch_referrals')
    op.drop_table('batch_referrals')
    op.drop_index('ix_referral_batches_received_at', table_name='referral_batches')
    op.drop_table('referral_batches')
