"""The agency directory (Open Referral UK services), agency referrals made to a directory agency, and
the log of referrals sent to agencies.

Referrals made before the directory keep the agency they named (a code such as ``citizens_advice``)
as their ``agency`` text and no ``agency_id``: nothing says which directory entry an officer meant,
so none is guessed.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-07 06:40:00.000000
"""
from alembic import op
import sqlalchemy as sa


revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('agencies',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('oruk_service_id', sa.String(length=100), nullable=False),
    sa.Column('oruk_organisation_id', sa.String(length=100), nullable=True),
    sa.Column('organisation_name', sa.String(length=200), nullable=False),
    sa.Column('organisation_description', sa.Text(), nullable=True),
    sa.Column('organisation_url', sa.String(length=500), nullable=True),
    sa.Column('service_name', sa.String(length=200), nullable=False),
    sa.Column('service_description', sa.Text(), nullable=True),
    sa.Column('service_url', sa.String(length=500), nullable=True),
    sa.Column('email', sa.String(length=200), nullable=True),
    sa.Column('contact_name', sa.String(length=200), nullable=True),
    sa.Column('contact_title', sa.String(length=200), nullable=True),
    sa.Column('contact_phone', sa.String(length=40), nullable=True),
    sa.Column('eligibility', sa.Text(), nullable=True),
    sa.Column('minimum_age', sa.Integer(), nullable=True),
    sa.Column('maximum_age', sa.Integer(), nullable=True),
    sa.Column('chase_working_days', sa.Integer(), nullable=True),
    sa.Column('delivery', sa.String(length=20), server_default='none', nullable=False),
    sa.Column('webhook_url', sa.String(length=500), nullable=True),
    sa.Column('webhook_secret', sa.String(length=200), nullable=True),
    sa.Column('restricted', sa.Boolean(), server_default=sa.false(), nullable=False),
    sa.Column('active', sa.Boolean(), server_default=sa.true(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_agencies')),
    sa.UniqueConstraint('oruk_service_id', name=op.f('uq_agencies_oruk_service_id'))
    )
    with op.batch_alter_table('agency_referrals') as batch:
        batch.alter_column('agency', existing_type=sa.String(length=40), type_=sa.String(length=200),
                           existing_nullable=False)
        batch.add_column(sa.Column('agency_id', sa.Uuid(), nullable=True))
        batch.add_column(sa.Column('outcome', sa.Text(), nullable=True))
        batch.add_column(sa.Column('answered_by', sa.String(length=200), nullable=True))
        batch.create_foreign_key(batch.f('fk_agency_referrals_agency_id_agencies'), 'agencies', ['agency_id'], ['id'])
        batch.create_index(batch.f('ix_agency_referrals_agency_id'), ['agency_id'], unique=False)
    op.create_table('agency_deliveries',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('agency_referral_id', sa.Uuid(), nullable=False),
    sa.Column('channel', sa.String(length=20), nullable=False),
    sa.Column('address', sa.String(length=500), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('last_error', sa.String(length=500), nullable=True),
    sa.Column('response_status', sa.Integer(), nullable=True),
    sa.Column('sent_by', sa.String(length=200), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('delivered_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['agency_referral_id'], ['agency_referrals.id'],
                            name=op.f('fk_agency_deliveries_agency_referral_id_agency_referrals'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_agency_deliveries'))
    )
    op.create_index(op.f('ix_agency_deliveries_agency_referral_id'), 'agency_deliveries', ['agency_referral_id'],
                    unique=False)
    op.create_index(op.f('ix_agency_deliveries_status'), 'agency_deliveries', ['status'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_agency_deliveries_status'), table_name='agency_deliveries')
    op.drop_index(op.f('ix_agency_deliveries_agency_referral_id'), table_name='agency_deliveries')
    op.drop_table('agency_deliveries')
    # Referrals to directory agencies keep the agency's name they were made with (their ``agency``).
    op.execute("UPDATE agency_referrals SET agency = substr(agency, 1, 40)")
    with op.batch_alter_table('agency_referrals') as batch:
        batch.drop_index(batch.f('ix_agency_referrals_agency_id'))
        batch.drop_constraint(batch.f('fk_agency_referrals_agency_id_agencies'), type_='foreignkey')
        batch.drop_column('answered_by')
        batch.drop_column('outcome')
        batch.drop_column('agency_id')
        batch.alter_column('agency', existing_type=sa.String(length=200), type_=sa.String(length=40),
                           existing_nullable=False)
    op.drop_table('agencies')
