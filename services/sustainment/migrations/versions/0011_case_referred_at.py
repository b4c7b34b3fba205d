"""Cases keep when intake received their referral (days from referral to case opened)

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-07 04:50:00.000000
"""
from alembic import op
import sqlalchemy as sa


revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column('cases', sa.Column('referred_at', sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('cases') as batch:
        batch.drop_column('referred_at')
