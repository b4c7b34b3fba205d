"""The partial unique indexes are partial on SQLite too

Migration 0002 as first released gave "one open void per home" and "one live offer per home and
per applicant" their WHERE for PostgreSQL only, so the embedded SQLite built plain unique indexes:
a home could go void once, be offered once, and each applicant be offered once, ever. 0002 now
gives them their WHERE on both backends for new databases; for databases made before, SQLite
cannot alter an index, so each is dropped and made again with its WHERE (on PostgreSQL this only
rebuilds an index that was right already).

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-07 01:00:00.000000
"""
from alembic import op
import sqlalchemy as sa

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None

LIVE_OFFER = "status IN ('pending', 'accepted')"
INDEXES = [
    ("uq_voids_open_property", "voids", "property_id", "let_date IS NULL"),
    ("uq_offers_live_property", "offers", "property_id", LIVE_OFFER),
    ("uq_offers_live_applicant", "offers", "applicant_id", LIVE_OFFER),
]


def upgrade() -> None:
    for name, table, column, where in INDEXES:
        op.drop_index(name, table_name=table)
        op.create_index(name, table, [column], unique=True,
                        postgresql_where=sa.text(where), sqlite_where=sa.text(where))


def downgrade() -> None:
    pass  # 0002 makes the same partial indexes now: there is nothing to put back
