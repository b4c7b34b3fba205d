"""Letters are kept as issued: the values and the text of each offer, refusal and withdrawal letter;
a home may have a CORE rent type of its own

Offers made before this revision get their letters when first read (the letter is issued then,
from the offer as it stands, and marked ``issued_on_first_read``): nothing is backfilled here, as
a letter written now could not honestly say what the applicant was told then.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-07 03:45:00.000000
"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'letters',
        sa.Column('id', sa.Uuid(), nullable=False),
        sa.Column('offer_id', sa.Uuid(), nullable=False),
        sa.Column('kind', sa.String(length=20), nullable=False),
        sa.Column('issued_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('values', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=True),
        sa.Column('text', sa.Text(), nullable=True),
        sa.Column('issued_on_first_read', sa.Boolean(), nullable=False),
        sa.Column('anonymised_at', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['offer_id'], ['offers.id'], name=op.f('fk_letters_offer_id_offers')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_letters')),
        sa.UniqueConstraint('offer_id', 'kind', name='uq_letters_offer_kind'),
    )
    op.create_index(op.f('ix_letters_offer_id'), 'letters', ['offer_id'], unique=False)
    op.add_column('properties', sa.Column('rent_type', sa.String(length=30), nullable=True))


def downgrade() -> None:
    op.drop_column('properties', 'rent_type')  # SQLite 3.35+ drops a column in place
    op.drop_index(op.f('ix_letters_offer_id'), table_name='letters')
    op.drop_table('letters')
