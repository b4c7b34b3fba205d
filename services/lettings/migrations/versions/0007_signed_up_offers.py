"""An offer that became a tenancy is signed_up, a final state, so its home can be offered again

Sign-up left the offer 'accepted', which counts as live: once let, a home could never be offered
again (the one-live-offer-per-home index refused it). Offers with a tenancy move to 'signed_up'.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-07 02:45:00.000000
"""
from alembic import op

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("UPDATE offers SET status = 'signed_up' "
               "WHERE status = 'accepted' AND id IN (SELECT offer_id FROM tenancies)")


def downgrade() -> None:
    op.execute("UPDATE offers SET status = 'accepted' WHERE status = 'signed_up'")
