"""Offers: why an applicant refused, as a code from the council's list (policy offers.refusal_reasons)

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-07 04:50:00.000000
"""
import sqlalchemy as sa
from alembic import op

revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # SQLite adds the column in place (no foreign key, so no rebuild of the offers table).
    op.add_column("offers", sa.Column("refusal_reason_code", sa.String(length=40), nullable=True))


def downgrade() -> None:
    op.drop_column("offers", "refusal_reason_code")  # SQLite 3.35+ drops a column in place
