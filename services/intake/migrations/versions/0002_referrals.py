"""Referrals: the referral table and the sequence behind its human reference (R-000123)

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22 16:26:00.005254
"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('referrals',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('reference', sa.String(length=20), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('received_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('source_system', sa.String(length=60), nullable=False),
    sa.Column('source_team', sa.String(length=120), nullable=True),
    sa.Column('referrer_name', sa.String(length=200), nullable=False),
    sa.Column('referrer_email', sa.String(length=254), nullable=True),
    sa.Column('referrer_phone', sa.String(length=40), nullable=True),
    sa.Column('referrer_client', sa.String(length=200), nullable=True),
    sa.Column('entered_by', sa.String(length=200), nullable=False),
    sa.Column('person_name', sa.String(length=200), nullable=False),
    sa.Column('person_date_of_birth', sa.Date(), nullable=True),
    sa.Column('person_phone', sa.String(length=40), nullable=True),
    sa.Column('person_email', sa.String(length=254), nullable=True),
    sa.Column('person_address', sa.String(length=500), nullable=True),
    sa.Column('tenancy_ref', sa.String(length=40), nullable=True),
    sa.Column('uprn', sa.String(length=12), nullable=True),
    sa.Column('reasons', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('details', sa.Text(), nullable=True),
    sa.Column('arrears_balance', sa.Numeric(precision=12, scale=2), nullable=True),
    sa.Column('weekly_rent', sa.Numeric(precision=10, scale=2), nullable=True),
    sa.Column('clutter_rating', sa.Integer(), nullable=True),
    sa.Column('consent_given', sa.Boolean(), nullable=False),
    sa.Column('consent_method', sa.String(length=20), nullable=True),
    sa.Column('consent_recorded_by', sa.String(length=200), nullable=True),
    sa.Column('safeguarding_exemption_reason', sa.Text(), nullable=True),
    sa.Column('risk_level', sa.String(length=10), nullable=False),
    sa.Column('risk_score', sa.Integer(), nullable=False),
    sa.Column('risk_factors', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('triage_due', sa.DateTime(timezone=True), nullable=False),
    sa.Column('possible_duplicate_of', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('triage_outcome', sa.String(length=10), nullable=True),
    sa.Column('priority', sa.String(length=10), nullable=True),
    sa.Column('triage_reason', sa.Text(), nullable=True),
    sa.Column('signposted_to', sa.String(length=200), nullable=True),
    sa.Column('triaged_by', sa.String(length=200), nullable=True),
    sa.Column('triaged_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('withdrawn_reason', sa.Text(), nullable=True),
    sa.Column('withdrawn_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_referrals')),
    sa.UniqueConstraint('reference', name=op.f('uq_referrals_reference'))
    )
    op.create_index('ix_referrals_person_date_of_birth', 'referrals', ['person_date_of_birth'], unique=False)
    op.create_index('ix_referrals_referrer_client', 'referrals', ['referrer_client'], unique=False)
    op.create_index('ix_referrals_status_received', 'referrals', ['status', 'received_at'], unique=False)
    op.create_index('ix_referrals_tenancy_ref', 'referrals', ['tenancy_ref'], unique=False)
    if op.get_bind().dialect.name == 'postgresql':
        # Owned by the column, so it goes with the table (and TRUNCATE … RESTART IDENTITY resets it).
        op.execute('CREATE SEQUENCE referral_reference_seq OWNED BY referrals.reference')


def downgrade() -> None:
    if op.get_bind().dialect.name == 'postgresql':
        op.execute('DROP SEQUENCE IF EXISTS referral_reference_seq')
    op.drop_index('ix_referrals_tenancy_ref', table_name='referrals')
    op.drop_index('ix_referrals_status_received', table_name='referrals')
    op.drop_index('ix_referrals_referrer_client', table_name='referrals')
    op.drop_index('ix_referrals_person_date_of_birth', table_name='referrals')
    op.drop_table('referrals')
