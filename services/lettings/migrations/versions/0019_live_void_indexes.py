"""Indexes for the reports of homes standing empty now (bench/NOTES.md, "A large council: the
reports"): the live voids (no let date, or a let still to come) read by index, not past five years
of voids let; each live void's adverts; each home's offers in order (the live voids' offers, and
the offers report's offers before each let)

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-07 13:20:00.000000
"""
from alembic import op

revision = '0019'
down_revision = '0018'
branch_labels = None
depends_on = None

INDEXES = {
    "ix_voids_let_date": ("voids", ["let_date"]),
    "ix_adverts_void_id": ("adverts", ["void_id"]),
    "ix_offers_property_made_at": ("offers", ["property_id", "made_at"]),
}


def upgrade() -> None:
    for name, (table, columns) in INDEXES.items():
        op.create_index(name, table, columns, unique=False)


def downgrade() -> None:
    for name, (table, _) in INDEXES.items():
        op.drop_index(name, table_name=table)
