"""The triage queue's index carries the risk level: a queue of one risk level ("critical only",
the queue page's filter) was counted by ANDing the waiting referrals with every referral ever
given that level (61,770 critical of 1,000,000: 36 ms, growing with the table; as a prepared
statement's generic plan, a scan of the table, 1.6 s). ``(status, triage_due, risk_level)``
replaces ``(status, triage_due)``: the same order for the queue of any status, and a risk level
found within the status's entries (bench/NOTES.md, "A large council: intake at full size").

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-07 13:30:00.000000
"""
from alembic import op

revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index('ix_referrals_status_triage_due_risk_level', 'referrals', ['status', 'triage_due', 'risk_level'],
                    unique=False)
    op.drop_index('ix_referrals_status_triage_due', table_name='referrals')


def downgrade() -> None:
    op.create_index('ix_referrals_status_triage_due', 'referrals', ['status', 'triage_due'], unique=False)
    op.drop_index('ix_referrals_status_triage_due_risk_level', table_name='referrals')
