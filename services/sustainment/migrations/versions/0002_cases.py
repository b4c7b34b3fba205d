"""Cases and what officers record on them: assignments, plan versions, visits, contacts,
agency referrals, notes and the case timeline

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22 16:26:45.983088
"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('cases',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('number', sa.Integer(), sa.Identity(always=False), nullable=False),
    sa.Column('case_type', sa.String(length=20), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('risk_level', sa.String(length=20), nullable=False),
    sa.Column('risk_score', sa.Integer(), nullable=True),
    sa.Column('risk_factors', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('reasons', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('priority', sa.String(length=20), nullable=True),
    sa.Column('referral_id', sa.Uuid(), nullable=True),
    sa.Column('referral_reference', sa.String(length=40), nullable=True),
    sa.Column('tenancy_id', sa.Uuid(), nullable=True),
    sa.Column('tenancy_ref', sa.String(length=60), nullable=True),
    sa.Column('tenancy_start', sa.Date(), nullable=True),
    sa.Column('uprn', sa.String(length=20), nullable=True),
    sa.Column('tenant_name', sa.String(length=200), nullable=False),
    sa.Column('tenant_date_of_birth', sa.Date(), nullable=True),
    sa.Column('tenant_phone', sa.String(length=40), nullable=True),
    sa.Column('tenant_email', sa.String(length=200), nullable=True),
    sa.Column('tenant_address', sa.String(length=500), nullable=True),
    sa.Column('support_needs', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('arrears_balance', sa.Numeric(precision=12, scale=2), nullable=True),
    sa.Column('weekly_rent', sa.Numeric(precision=12, scale=2), nullable=True),
    sa.Column('clutter_rating', sa.Integer(), nullable=True),
    sa.Column('consent_given', sa.Boolean(), nullable=False),
    sa.Column('safeguarding_exemption', sa.Boolean(), nullable=False),
    sa.Column('officer_id', sa.String(length=200), nullable=True),
    sa.Column('opened_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('first_contact_due', sa.DateTime(timezone=True), nullable=False),
    sa.Column('first_contact_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('settling_in_due', sa.DateTime(timezone=True), nullable=True),
    sa.Column('support_ends', sa.Date(), nullable=True),
    sa.Column('consecutive_no_access', sa.Integer(), nullable=False),
    sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('closure_outcome', sa.String(length=40), nullable=True),
    sa.Column('closure_summary', sa.Text(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_cases')),
    sa.UniqueConstraint('number', name=op.f('uq_cases_number')),
    sa.UniqueConstraint('referral_id', name=op.f('uq_cases_referral_id')),
    sa.UniqueConstraint('tenancy_id', name=op.f('uq_cases_tenancy_id'))
    )
    op.create_index(op.f('ix_cases_case_type'), 'cases', ['case_type'], unique=False)
    op.create_index(op.f('ix_cases_officer_id'), 'cases', ['officer_id'], unique=False)
    op.create_index(op.f('ix_cases_risk_level'), 'cases', ['risk_level'], unique=False)
    op.create_index(op.f('ix_cases_status'), 'cases', ['status'], unique=False)
    op.create_index(op.f('ix_cases_tenancy_ref'), 'cases', ['tenancy_ref'], unique=False)
    op.create_table('agency_referrals',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('case_id', sa.Uuid(), nullable=False),
    sa.Column('agency', sa.String(length=40), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('consent_given', sa.Boolean(), nullable=False),
    sa.Column('safeguarding_reason', sa.Text(), nullable=True),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('chase_by', sa.Date(), nullable=False),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('sent_by', sa.String(length=200), nullable=False),
    sa.Column('answered_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('response_note', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_agency_referrals_case_id_cases'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_agency_referrals'))
    )
    op.create_index(op.f('ix_agency_referrals_case_id'), 'agency_referrals', ['case_id'], unique=False)
    op.create_table('assignments',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('case_id', sa.Uuid(), nullable=False),
    sa.Column('officer_id', sa.String(length=200), nullable=False),
    sa.Column('previous_officer_id', sa.String(length=200), nullable=True),
    sa.Column('assigned_by', sa.String(length=200), nullable=False),
    sa.Column('assigned_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_assignments_case_id_cases'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_assignments'))
    )
    op.create_index(op.f('ix_assignments_case_id'), 'assignments', ['case_id'], unique=False)
    op.create_table('case_notes',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('case_id', sa.Uuid(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('author', sa.String(length=200), nullable=False),
    sa.Column('written_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_case_notes_case_id_cases'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_case_notes'))
    )
    op.create_index(op.f('ix_case_notes_case_id'), 'case_notes', ['case_id'], unique=False)
    op.create_table('contacts',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('case_id', sa.Uuid(), nullable=False),
    sa.Column('method', sa.String(length=20), nullable=False),
    sa.Column('made_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('notes', sa.Text(), nullable=True),
    sa.Column('recorded_by', sa.String(length=200), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_contacts_case_id_cases'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_contacts'))
    )
    op.create_index(op.f('ix_contacts_case_id'), 'contacts', ['case_id'], unique=False)
    op.create_table('plans',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('case_id', sa.Uuid(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('goals', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('actions', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('review_date', sa.Date(), nullable=True),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('agreed_by', sa.String(length=200), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_plans_case_id_cases'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_plans')),
    sa.UniqueConstraint('case_id', 'version', name='uq_plans_case_id_version')
    )
    op.create_index(op.f('ix_plans_case_id'), 'plans', ['case_id'], unique=False)
    op.create_table('timeline_entries',
    sa.Column('id', sa.Integer(), sa.Identity(always=False), nullable=False),
    sa.Column('case_id', sa.Uuid(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('summary', sa.String(length=300), nullable=False),
    sa.Column('actor', sa.String(length=200), nullable=False),
    sa.Column('related_id', sa.String(length=64), nullable=True),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_timeline_entries_case_id_cases'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_timeline_entries'))
    )
    op.create_index(op.f('ix_timeline_entries_case_id'), 'timeline_entries', ['case_id'], unique=False)
    op.create_table('visits',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('case_id', sa.Uuid(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('scheduled_for', sa.DateTime(timezone=True), nullable=False),
    sa.Column('scheduled_by', sa.String(length=200), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('notes', sa.Text(), nullable=True),
    sa.Column('risks_identified', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('recorded_by', sa.String(length=200), nullable=True),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_visits_case_id_cases'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_visits'))
    )
    op.create_index(op.f('ix_visits_case_id'), 'visits', ['case_id'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_visits_case_id'), table_name='visits')
    op.drop_table('visits')
    op.drop_index(op.f('ix_timeline_entries_case_id'), table_name='timeline_entries')
    op.drop_table('timeline_entries')
    op.drop_index(op.f('ix_plans_case_id'), table_name='plans')
    op.drop_table('plans')
    op.drop_index(op.f('ix_contacts_case_id'), table_name='contacts')
    op.drop_table('contacts')
    op.drop_index(op.f('ix_case_notes_case_id'), table_name='case_notes')
    op.drop_table('case_notes')
    op.drop_index(op.f('ix_assignments_case_id'), table_name='assignments')
    op.drop_table('assignments')
    op.drop_index(op.f('ix_agency_referrals_case_id'), table_name='agency_referrals')
    op.drop_table('agency_referrals')
    op.drop_index(op.f('ix_cases_tenancy_ref'), table_name='cases')
    op.drop_index(op.f('ix_cases_status'), table_name='cases')
    op.drop_index(op.f('ix_cases_risk_level'), table_name='cases')
    op.drop_index(op.f('ix_cases_officer_id'), table_name='cases')
    op.drop_index(op.f('ix_cases_case_type'), table_name='cases')
    op.drop_table('cases')
