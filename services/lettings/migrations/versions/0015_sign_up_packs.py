"""Sign-up through an e-signature provider: the sign-up packs sent for accepted offers

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-08 06:40:00.000000
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None

LIVE = "status IN ('sending', 'sent')"


def upgrade() -> None:
    op.create_table(
        'sign_up_packs',
        sa.Column('id', sa.Uuid(), nullable=False),
        sa.Column('offer_id', sa.Uuid(), nullable=False),
        sa.Column('provider', sa.String(length=20), nullable=False),
        sa.Column('status', sa.String(length=20), nullable=False),
        sa.Column('envelope_id', sa.String(length=100), nullable=True),
        sa.Column('tenancy_start', sa.Date(), nullable=False),
        sa.Column('tenancy_type', sa.String(length=20), nullable=True),
        sa.Column('support_needs', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'),
                  nullable=False),
        sa.Column('override_reason', sa.String(length=500), nullable=True),
        sa.Column('document', sa.Text(), nullable=True),
        sa.Column('requested_by', sa.String(length=200), nullable=False),
        sa.Column('requested_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('attempts', sa.Integer(), nullable=False),
        sa.Column('last_error', sa.String(length=500), nullable=True),
        sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('answered_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('provider_event', sa.String(length=40), nullable=True),
        sa.Column('note', sa.String(length=500), nullable=True),
        sa.Column('anonymised_at', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['offer_id'], ['offers.id'], name=op.f('fk_sign_up_packs_offer_id_offers')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_sign_up_packs')),
        sa.UniqueConstraint('envelope_id', name=op.f('uq_sign_up_packs_envelope_id')),
    )
    op.create_index(op.f('ix_sign_up_packs_offer_id'), 'sign_up_packs', ['offer_id'], unique=False)
    op.create_index('uq_sign_up_packs_live_offer', 'sign_up_packs', ['offer_id'], unique=True,
                    postgresql_where=sa.text(LIVE), sqlite_where=sa.text(LIVE))


def downgrade() -> None:
    op.drop_index('uq_sign_up_packs_live_offer', table_name='sign_up_packs')
    op.drop_index(op.f('ix_sign_up_packs_offer_id'), table_name='sign_up_packs')
    op.drop_table('sign_up_packs')
