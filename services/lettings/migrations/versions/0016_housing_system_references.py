"""Imports from the housing management system: each home, applicant and tenancy keeps that
system's own reference (``housing_ref``, unique: the key that makes an import rerunnable without
duplicates); a tenancy imported as it stands there was made from no offer, and is known by the
housing system's reference (up to 40 characters, as referrals quote it).

Revision ID: 0016
Revises: 0014 (the merger re-chains it after 0015, made on another branch)
Create Date: 2026-12-08 06:30:00.000000
"""
import sqlalchemy as sa
from alembic import op

revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None

TABLES = ("properties", "applicants", "tenancies")


def upgrade() -> None:
    for table in TABLES:
        # SQLite adds a column in place; the unique index (not a constraint) needs no rebuild either.
        op.add_column(table, sa.Column("housing_ref", sa.String(length=40), nullable=True))
        op.create_index(f"uq_{table}_housing_ref", table, ["housing_ref"], unique=True)
    # SQLite cannot drop a NOT NULL in place: the batch rebuilds the tenancies table there.
    with op.batch_alter_table("tenancies") as batch:
        batch.alter_column("offer_id", existing_type=sa.Uuid(), nullable=True)
        batch.alter_column("reference", existing_type=sa.String(length=20), type_=sa.String(length=40),
                           existing_nullable=False)


def downgrade() -> None:
    op.execute("DELETE FROM tenancies WHERE offer_id IS NULL")
    with op.batch_alter_table("tenancies") as batch:
        batch.alter_column("reference", existing_type=sa.String(length=40), type_=sa.String(length=20),
                           existing_nullable=False)
        batch.alter_column("offer_id", existing_type=sa.Uuid(), nullable=False)
    for table in reversed(TABLES):
        op.drop_index(f"uq_{table}_housing_ref", table_name=table)
        op.drop_column(table, "housing_ref")
