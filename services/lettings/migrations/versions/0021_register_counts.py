"""The register counted by status, band and bedroom need (``register_counts``), kept as applicants
are written (``lettings.register_counts``), filled from the applicants so far: the performance
report's register read 66,000 index entries of a large council's 104,000 applicants on each request
(bench/NOTES.md, letx)

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-07 18:30:00.000000
"""
import sqlalchemy as sa
from alembic import op

revision = '0021'
down_revision = '0020'
branch_labels = None
depends_on = None

APPLICANTS = sa.table("applicants", sa.column("status", sa.String), sa.column("band", sa.String),
                      sa.column("bedroom_need", sa.Integer))


def upgrade() -> None:
    counts = op.create_table(
        'register_counts',
        sa.Column('status', sa.String(length=20), nullable=False),
        sa.Column('band', sa.String(length=30), nullable=False),
        sa.Column('bedroom_need', sa.Integer(), nullable=False),
        sa.Column('count', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('status', 'band', 'bedroom_need', name=op.f('pk_register_counts')),
    )
    a = APPLICANTS.c
    op.get_bind().execute(counts.insert().from_select(
        ["status", "band", "bedroom_need", "count"],
        sa.select(a.status, a.band, a.bedroom_need, sa.func.count()).group_by(a.status, a.band, a.bedroom_need)))


def downgrade() -> None:
    op.drop_table('register_counts')
