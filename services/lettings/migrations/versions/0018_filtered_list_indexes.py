"""Indexes for the lists' filters, at a large council's size (bench/NOTES.md, "A large council:
lettings", issue 30): each filtered list's first page read in its order from an index, and its
count from the index alone, on both backends.

- homes by type and by bedrooms, in reference order: SQLite built an automatic index over the
  whole of ``properties`` for every count;
- current and ended tenancies, newest first: partial indexes, so the count no longer reads the
  whole table (both backends) and ended tenancies are not filtered out of a walk over every one;
- offers by status, newest first: led by the status, so SQLite no longer sorts every refused
  offer in a temporary B-tree (and the status counts read it as they read ``ix_offers_status``).

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-07 13:00:00.000000
"""
import sqlalchemy as sa
from alembic import op

revision = '0018'
down_revision = '0017'
branch_labels = None
depends_on = None

#: name → (table, columns, where)
INDEXES = {
    "ix_properties_type_reference": ("properties", ["property_type", "reference"], None),
    "ix_properties_bedrooms_reference": ("properties", ["bedrooms", "reference"], None),
    "ix_tenancies_current": ("tenancies", ["tenancy_start", "reference"], "end_date IS NULL"),
    "ix_tenancies_ended": ("tenancies", ["tenancy_start", "reference"], "end_date IS NOT NULL"),
    "ix_offers_status_made_at": ("offers", ["status", "made_at", "id"], None),
}


def upgrade() -> None:
    for name, (table, columns, where) in INDEXES.items():
        partial = {} if where is None else {"postgresql_where": sa.text(where), "sqlite_where": sa.text(where)}
        op.create_index(name, table, columns, **partial)
    # Led by the same column, the new index serves what this one did.
    op.drop_index("ix_offers_status", table_name="offers")


def downgrade() -> None:
    op.create_index("ix_offers_status", "offers", ["status"])
    for name, (table, _, _) in reversed(INDEXES.items()):
        op.drop_index(name, table_name=table)
