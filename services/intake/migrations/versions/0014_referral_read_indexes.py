"""Indexes for a large council's referrals (bench/NOTES.md, "A large council: intake"): newest
first (of all, of one source, of one risk level, of what one system or officer made), the triage
queue's order for any status, the retention sweep's due referrals, and a subject-access request's
tenancy (any case); and the index on ``referrer_client`` dropped: no list filters by it any more
(a partner's own referrals are found by ``entered_by``), and every referral paid for it

Revision ID: 0014
Revises: 0012
Create Date: 2026-12-07 10:00:00.000000
"""
import sqlalchemy as sa
from alembic import op

revision = '0014'
down_revision = '0012'
branch_labels = None
depends_on = None

NOT_ANONYMISED = sa.text('anonymised_at IS NULL')
REPORTED = ['status', 'triaged_at', 'triage_due', 'source_system', 'reasons']


def upgrade() -> None:
    # Carrying what the performance report counts by, so that on PostgreSQL it reads this index alone.
    op.create_index('ix_referrals_received_at', 'referrals', ['received_at', 'id'], unique=False,
                    postgresql_include=REPORTED)
    for column in ('entered_by', 'source_system', 'risk_level'):
        op.create_index(f'ix_referrals_{column}', 'referrals', [column, 'received_at', 'id'], unique=False)
    op.create_index('ix_referrals_status_triage_due', 'referrals', ['status', 'triage_due'], unique=False)
    op.create_index('ix_referrals_retention_due', 'referrals',
                    ['status', sa.text('coalesce(withdrawn_at, triaged_at)'), 'id'], unique=False,
                    postgresql_where=NOT_ANONYMISED, sqlite_where=NOT_ANONYMISED)
    op.create_index('ix_referrals_tenancy_ref_lower', 'referrals', [sa.text('lower(tenancy_ref)')], unique=False)
    op.drop_index('ix_referrals_referrer_client', table_name='referrals')


def downgrade() -> None:
    op.create_index('ix_referrals_referrer_client', 'referrals', ['referrer_client'], unique=False)
    op.drop_index('ix_referrals_tenancy_ref_lower', table_name='referrals')
    op.drop_index('ix_referrals_retention_due', table_name='referrals')
    op.drop_index('ix_referrals_status_triage_due', table_name='referrals')
    for column in ('entered_by', 'source_system', 'risk_level'):
        op.drop_index(f'ix_referrals_{column}', table_name='referrals')
    op.drop_index('ix_referrals_received_at', table_name='referrals')
