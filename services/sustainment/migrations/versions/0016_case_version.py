"""The case's version: a number that goes up with every change to the case or anything on it (its
plan, visits, contacts, notes, agency referrals and their deliveries, risk changes, assignments,
timeline), so its ETag no longer needs the whole case read and serialised (bench/NOTES.md, "The
plan page")

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-07 13:30:00.000000
"""
import sqlalchemy as sa
from alembic import op

revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column('cases', sa.Column('version', sa.Integer(), server_default='1', nullable=False))


def downgrade() -> None:
    with op.batch_alter_table('cases') as batch:
        batch.drop_column('version')
