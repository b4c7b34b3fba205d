"""A tenancy can end: its end date and reason (the home's next void starts then)

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-07 02:55:00.000000
"""
from alembic import op
import sqlalchemy as sa

revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column('tenancies', sa.Column('end_date', sa.Date(), nullable=True))
    op.add_column('tenancies', sa.Column('end_reason', sa.String(length=30), nullable=True))


def downgrade() -> None:
    op.drop_column('tenancies', 'end_reason')  # SQLite 3.35+ drops a column in place
    op.drop_column('tenancies', 'end_date')
