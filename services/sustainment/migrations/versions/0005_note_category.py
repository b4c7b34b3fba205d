"""Case notes' category: safeguarding and health notes are restricted

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-22 17:20:00.000000
"""
from alembic import op
import sqlalchemy as sa

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column('case_notes', sa.Column('category', sa.String(length=20), server_default='general', nullable=False))


def downgrade() -> None:
    op.drop_column('case_notes', 'category')
