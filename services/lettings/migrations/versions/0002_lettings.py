"""Lettings: properties and voids, the housing register, adverts, bids, offers, checks, tenancies

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22 16:26:47.389347
"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # One counter for every human reference (P-000001, A-000001, ...). SQLite (embedded mode)
    # has no sequences: there a table's autoincrementing key counts instead.
    if op.get_bind().dialect.name == 'postgresql':
        op.execute(sa.schema.CreateSequence(sa.Sequence('lettings_reference_seq')))
    else:
        op.execute('CREATE TABLE lettings_reference_seq (n INTEGER PRIMARY KEY AUTOINCREMENT)')
    op.create_table('applicants',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('reference', sa.String(length=20), nullable=False),
    sa.Column('band', sa.String(length=2), nullable=False),
    sa.Column('effective_date', sa.Date(), nullable=False),
    sa.Column('application_date', sa.Date(), nullable=False),
    sa.Column('needs_wheelchair', sa.Boolean(), nullable=False),
    sa.Column('needs_ground_floor', sa.Boolean(), nullable=False),
    sa.Column('monthly_net_income', sa.Numeric(precision=10, scale=2), nullable=True),
    sa.Column('monthly_outgoings', sa.Numeric(precision=10, scale=2), nullable=True),
    sa.Column('support_needs', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('reasonable_preference', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('move_on_from', sa.String(length=30), nullable=True),
    sa.Column('existing_tenant', sa.Boolean(), nullable=False),
    sa.Column('phone', sa.String(length=40), nullable=True),
    sa.Column('email', sa.String(length=200), nullable=True),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('status_reason', sa.String(length=500), nullable=True),
    sa.Column('bedroom_need', sa.Integer(), nullable=False),
    sa.Column('lead_name', sa.String(length=200), nullable=False),
    sa.Column('lead_date_of_birth', sa.Date(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_applicants')),
    sa.UniqueConstraint('reference', name=op.f('uq_applicants_reference'))
    )
    op.create_index(op.f('ix_applicants_status'), 'applicants', ['status'], unique=False)
    op.create_table('properties',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('reference', sa.String(length=20), nullable=False),
    sa.Column('address', sa.String(length=300), nullable=False),
    sa.Column('uprn', sa.String(length=12), nullable=True),
    sa.Column('property_type', sa.String(length=20), nullable=False),
    sa.Column('bedrooms', sa.Integer(), nullable=False),
    sa.Column('floor', sa.Integer(), nullable=False),
    sa.Column('wheelchair_accessible', sa.Boolean(), nullable=False),
    sa.Column('min_age', sa.Integer(), nullable=True),
    sa.Column('sensitive_let', sa.Boolean(), nullable=False),
    sa.Column('weekly_rent', sa.Numeric(precision=10, scale=2), nullable=False),
    sa.Column('service_charge', sa.Numeric(precision=10, scale=2), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_properties')),
    sa.UniqueConstraint('reference', name=op.f('uq_properties_reference'))
    )
    op.create_index(op.f('ix_properties_uprn'), 'properties', ['uprn'], unique=False)
    op.create_table('household_members',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('applicant_id', sa.Uuid(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('date_of_birth', sa.Date(), nullable=False),
    sa.Column('sex', sa.String(length=1), nullable=False),
    sa.Column('relationship', sa.String(length=20), nullable=False),
    sa.ForeignKeyConstraint(['applicant_id'], ['applicants.id'], name=op.f('fk_household_members_applicant_id_applicants'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_household_members'))
    )
    op.create_index(op.f('ix_household_members_applicant_id'), 'household_members', ['applicant_id'], unique=False)
    op.create_table('voids',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('property_id', sa.Uuid(), nullable=False),
    sa.Column('void_date', sa.Date(), nullable=False),
    sa.Column('reason', sa.String(length=30), nullable=False),
    sa.Column('ready_to_let_date', sa.Date(), nullable=True),
    sa.Column('let_date', sa.Date(), nullable=True),
    sa.ForeignKeyConstraint(['property_id'], ['properties.id'], name=op.f('fk_voids_property_id_properties')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_voids'))
    )
    op.create_index(op.f('ix_voids_property_id'), 'voids', ['property_id'], unique=False)
    op.create_index('uq_voids_open_property', 'voids', ['property_id'], unique=True, postgresql_where=sa.text('let_date IS NULL'), sqlite_where=sa.text('let_date IS NULL'))
    op.create_table('adverts',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('reference', sa.String(length=20), nullable=False),
    sa.Column('property_id', sa.Uuid(), nullable=False),
    sa.Column('void_id', sa.Uuid(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('published_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('closes_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['property_id'], ['properties.id'], name=op.f('fk_adverts_property_id_properties')),
    sa.ForeignKeyConstraint(['void_id'], ['voids.id'], name=op.f('fk_adverts_void_id_voids')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_adverts')),
    sa.UniqueConstraint('reference', name=op.f('uq_adverts_reference'))
    )
    op.create_index(op.f('ix_adverts_property_id'), 'adverts', ['property_id'], unique=False)
    op.create_index(op.f('ix_adverts_status'), 'adverts', ['status'], unique=False)
    op.create_table('bids',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('advert_id', sa.Uuid(), nullable=False),
    sa.Column('applicant_id', sa.Uuid(), nullable=False),
    sa.Column('placed_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['advert_id'], ['adverts.id'], name=op.f('fk_bids_advert_id_adverts')),
    sa.ForeignKeyConstraint(['applicant_id'], ['applicants.id'], name=op.f('fk_bids_applicant_id_applicants')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_bids')),
    sa.UniqueConstraint('advert_id', 'applicant_id', name='uq_bids_advert_applicant')
    )
    op.create_index(op.f('ix_bids_applicant_id'), 'bids', ['applicant_id'], unique=False)
    op.create_table('offers',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('reference', sa.String(length=20), nullable=False),
    sa.Column('advert_id', sa.Uuid(), nullable=True),
    sa.Column('property_id', sa.Uuid(), nullable=False),
    sa.Column('applicant_id', sa.Uuid(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('made_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('made_by', sa.String(length=200), nullable=False),
    sa.Column('respond_by', sa.DateTime(timezone=True), nullable=False),
    sa.Column('bypass_reason', sa.String(length=500), nullable=True),
    sa.Column('direct_match_reason', sa.String(length=500), nullable=True),
    sa.Column('answered_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('refusal_reason', sa.String(length=500), nullable=True),
    sa.Column('refusal_reasonable', sa.Boolean(), nullable=True),
    sa.Column('withdrawal_reason', sa.String(length=500), nullable=True),
    sa.ForeignKeyConstraint(['advert_id'], ['adverts.id'], name=op.f('fk_offers_advert_id_adverts')),
    sa.ForeignKeyConstraint(['applicant_id'], ['applicants.id'], name=op.f('fk_offers_applicant_id_applicants')),
    sa.ForeignKeyConstraint(['property_id'], ['properties.id'], name=op.f('fk_offers_property_id_properties')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_offers')),
    sa.UniqueConstraint('reference', name=op.f('uq_offers_reference'))
    )
    op.create_index(op.f('ix_offers_advert_id'), 'offers', ['advert_id'], unique=False)
    op.create_index(op.f('ix_offers_applicant_id'), 'offers', ['applicant_id'], unique=False)
    op.create_index(op.f('ix_offers_property_id'), 'offers', ['property_id'], unique=False)
    op.create_index('uq_offers_live_applicant', 'offers', ['applicant_id'], unique=True, postgresql_where=sa.text("status IN ('pending', 'accepted')"), sqlite_where=sa.text("status IN ('pending', 'accepted')"))
    op.create_index('uq_offers_live_property', 'offers', ['property_id'], unique=True, postgresql_where=sa.text("status IN ('pending', 'accepted')"), sqlite_where=sa.text("status IN ('pending', 'accepted')"))
    op.create_table('bypasses',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('advert_id', sa.Uuid(), nullable=False),
    sa.Column('applicant_id', sa.Uuid(), nullable=False),
    sa.Column('offer_id', sa.Uuid(), nullable=False),
    sa.Column('reason', sa.String(length=500), nullable=False),
    sa.Column('recorded_by', sa.String(length=200), nullable=False),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['advert_id'], ['adverts.id'], name=op.f('fk_bypasses_advert_id_adverts')),
    sa.ForeignKeyConstraint(['applicant_id'], ['applicants.id'], name=op.f('fk_bypasses_applicant_id_applicants')),
    sa.ForeignKeyConstraint(['offer_id'], ['offers.id'], name=op.f('fk_bypasses_offer_id_offers')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_bypasses'))
    )
    op.create_index(op.f('ix_bypasses_advert_id'), 'bypasses', ['advert_id'], unique=False)
    op.create_table('pre_tenancy_checks',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('offer_id', sa.Uuid(), nullable=False),
    sa.Column('result', sa.String(length=10), nullable=False),
    sa.Column('eligible', sa.Boolean(), nullable=False),
    sa.Column('eligibility_reasons', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('affordability_result', sa.String(length=10), nullable=False),
    sa.Column('monthly_net_income', sa.Numeric(precision=10, scale=2), nullable=False),
    sa.Column('monthly_outgoings', sa.Numeric(precision=10, scale=2), nullable=False),
    sa.Column('monthly_housing_cost', sa.Numeric(precision=10, scale=2), nullable=False),
    sa.Column('residual_monthly', sa.Numeric(precision=10, scale=2), nullable=False),
    sa.Column('referral_margin', sa.Numeric(precision=10, scale=2), nullable=False),
    sa.Column('checked_by', sa.String(length=200), nullable=False),
    sa.Column('checked_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['offer_id'], ['offers.id'], name=op.f('fk_pre_tenancy_checks_offer_id_offers')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pre_tenancy_checks'))
    )
    op.create_index(op.f('ix_pre_tenancy_checks_offer_id'), 'pre_tenancy_checks', ['offer_id'], unique=False)
    op.create_table('tenancies',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('reference', sa.String(length=20), nullable=False),
    sa.Column('offer_id', sa.Uuid(), nullable=False),
    sa.Column('property_id', sa.Uuid(), nullable=False),
    sa.Column('applicant_id', sa.Uuid(), nullable=False),
    sa.Column('tenancy_start', sa.Date(), nullable=False),
    sa.Column('tenancy_type', sa.String(length=20), nullable=False),
    sa.Column('high_risk', sa.Boolean(), nullable=False),
    sa.Column('high_risk_reasons', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('support_needs', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('override_reason', sa.String(length=500), nullable=True),
    sa.Column('weekly_rent', sa.Numeric(precision=10, scale=2), nullable=False),
    sa.Column('service_charge', sa.Numeric(precision=10, scale=2), nullable=False),
    sa.Column('signed_up_by', sa.String(length=200), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['applicant_id'], ['applicants.id'], name=op.f('fk_tenancies_applicant_id_applicants')),
    sa.ForeignKeyConstraint(['offer_id'], ['offers.id'], name=op.f('fk_tenancies_offer_id_offers')),
    sa.ForeignKeyConstraint(['property_id'], ['properties.id'], name=op.f('fk_tenancies_property_id_properties')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_tenancies')),
    sa.UniqueConstraint('offer_id', name=op.f('uq_tenancies_offer_id')),
    sa.UniqueConstraint('reference', name=op.f('uq_tenancies_reference'))
    )
    op.create_index(op.f('ix_tenancies_applicant_id'), 'tenancies', ['applicant_id'], unique=False)
    op.create_index(op.f('ix_tenancies_property_id'), 'tenancies', ['property_id'], unique=False)
    op.create_index(op.f('ix_tenancies_tenancy_start'), 'tenancies', ['tenancy_start'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_tenancies_tenancy_start'), table_name='tenancies')
    op.drop_index(op.f('ix_tenancies_property_id'), table_name='tenancies')
    op.drop_index(op.f('ix_tenancies_applicant_id'), table_name='tenancies')
    op.drop_table('tenancies')
    op.drop_index(op.f('ix_pre_tenancy_checks_offer_id'), table_name='pre_tenancy_checks')
    op.drop_table('pre_tenancy_checks')
    op.drop_index(op.f('ix_bypasses_advert_id'), table_name='bypasses')
    op.drop_table('bypasses')
    op.drop_index('uq_offers_live_property', table_name='offers')
    op.drop_index('uq_offers_live_applicant', table_name='offers')
    op.drop_index(op.f('ix_offers_property_id'), table_name='offers')
    op.drop_index(op.f('ix_offers_applicant_id'), table_name='offers')
    op.drop_index(op.f('ix_offers_advert_id'), table_name='offers')
    op.drop_table('offers')
    op.drop_index(op.f('ix_bids_applicant_id'), table_name='bids')
    op.drop_table('bids')
    op.drop_index(op.f('ix_adverts_status'), table_name='adverts')
    op.drop_index(op.f('ix_adverts_property_id'), table_name='adverts')
    op.drop_table('adverts')
    op.drop_index('uq_voids_open_property', table_name='voids')
    op.drop_index(op.f('ix_voids_property_id'), table_name='voids')
    op.drop_table('voids')
    op.drop_index(op.f('ix_household_members_applicant_id'), table_name='household_members')
    op.drop_table('household_members')
    op.drop_index(op.f('ix_properties_uprn'), table_name='properties')
    op.drop_table('properties')
    op.drop_index(op.f('ix_applicants_status'), table_name='applicants')
    op.drop_table('applicants')
    if op.get_bind().dialect.name == 'postgresql':
        op.execute(sa.schema.DropSequence(sa.Sequence('lettings_reference_seq')))
    else:
        op.execute('DROP TABLE lettings_reference_seq')
