"""Applicant statuses over time: a suspension's end date and cause, bids that drop out, refusal reviews

An applicant suspended is suspended until a date (a timer lifts it), remembering the refusal that
reached the limit; a bid drops out (with its reason) when its bidder is housed or cancelled while
bidding is open; a refusal's reasonableness can be reviewed once. A closed application is now
called cancelled, as the allocation scheme calls it.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-07 03:40:00.000000
"""
from alembic import op
import sqlalchemy as sa

revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # SQLite adds each column in place (no foreign key, so no rebuild of the register).
    op.add_column('applicants', sa.Column('suspended_until', sa.Date(), nullable=True))
    op.add_column('applicants', sa.Column('suspended_by_offer_id', sa.Uuid(), nullable=True))
    op.add_column('bids', sa.Column('dropped_at', sa.DateTime(timezone=True), nullable=True))
    op.add_column('bids', sa.Column('dropped_reason', sa.String(length=20), nullable=True))
    op.add_column('offers', sa.Column('refusal_reviewed_at', sa.DateTime(timezone=True), nullable=True))
    op.add_column('offers', sa.Column('refusal_reviewed_by', sa.String(length=200), nullable=True))
    op.add_column('offers', sa.Column('refusal_review_reason', sa.String(length=500), nullable=True))
    op.add_column('offers', sa.Column('refusal_reasonable_before_review', sa.Boolean(), nullable=True))
    op.execute("UPDATE applicants SET status = 'cancelled' WHERE status = 'closed'")


def downgrade() -> None:
    op.execute("UPDATE applicants SET status = 'closed' WHERE status = 'cancelled'")
    for table, column in (('offers', 'refusal_reasonable_before_review'), ('offers', 'refusal_review_reason'),
                          ('offers', 'refusal_reviewed_by'), ('offers', 'refusal_reviewed_at'),
                          ('bids', 'dropped_reason'), ('bids', 'dropped_at'),
                          ('applicants', 'suspended_by_offer_id'), ('applicants', 'suspended_until')):
        op.drop_column(table, column)  # SQLite 3.35+ drops a column in place
