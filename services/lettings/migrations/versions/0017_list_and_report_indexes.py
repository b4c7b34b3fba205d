"""Indexes for the lists officers page through and the reports, at a large council's size
(100,000 applicants, 20,000 homes with five years of lets; bench/NOTES.md, "A large council:
lettings"): each list's order, so its first page is read from an index rather than sorting the
table; the register's filters, so its count and the performance page's register are read from an
index alone.

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-07 10:00:00.000000
"""
from alembic import op

revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None

#: name → (table, columns): the list orders (GET /offers, /adverts, /tenancies, newest first) and
#: the register's filters (band, status, bedroom need).
INDEXES = {
    "ix_offers_made_at": ("offers", ["made_at", "id"]),
    "ix_offers_status": ("offers", ["status"]),
    "ix_adverts_published_at": ("adverts", ["published_at", "id"]),
    "ix_tenancies_start_reference": ("tenancies", ["tenancy_start", "reference"]),
    "ix_applicants_status_band_need": ("applicants", ["status", "band", "bedroom_need"]),
}


def upgrade() -> None:
    for name, (table, columns) in INDEXES.items():
        op.create_index(name, table, columns)
    # Led by the same column, the new indexes serve what these did.
    op.drop_index("ix_tenancies_tenancy_start", table_name="tenancies")
    op.drop_index("ix_applicants_status", table_name="applicants")


def downgrade() -> None:
    op.create_index("ix_applicants_status", "applicants", ["status"])
    op.create_index("ix_tenancies_tenancy_start", "tenancies", ["tenancy_start"])
    for name, (table, _) in reversed(INDEXES.items()):
        op.drop_index(name, table_name=table)
