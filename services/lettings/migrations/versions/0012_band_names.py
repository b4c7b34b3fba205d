"""A council's scheme may name its bands in words ("Emergency", "Gold", "Band 1"): band columns
hold up to 30 characters

On PostgreSQL the columns widen in place. SQLite does not enforce a VARCHAR's length, so its
columns already hold any band name, and rebuilding the applicants table there (the only way SQLite
changes a column's type) would cascade-delete the household members that reference it: nothing to
do on SQLite.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-07 04:10:00.000000
"""
from alembic import op
import sqlalchemy as sa

revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None

COLUMNS = (("applicants", "band"), ("applicant_band_history", "band"))


def _widens_in_place() -> bool:
    return op.get_bind().dialect.name == "postgresql"


def upgrade() -> None:
    if _widens_in_place():
        for table, column in COLUMNS:
            op.alter_column(table, column, type_=sa.String(length=30), existing_type=sa.String(length=2),
                            existing_nullable=False)


def downgrade() -> None:
    # PostgreSQL refuses this while a longer band name is held, rather than truncating it.
    if _widens_in_place():
        for table, column in COLUMNS:
            op.alter_column(table, column, type_=sa.String(length=2), existing_type=sa.String(length=30),
                            existing_nullable=False)
