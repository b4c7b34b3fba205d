"""Referrals: numbered from the kernel's counter on both databases

The reference was the column's default on PostgreSQL and the highest so far plus one on SQLite;
now ``casework.numbering`` numbers it on both from ``referral_reference_seq`` (on SQLite a
counting table of that name, made here to count on from the highest reference already given).

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-07 01:00:00
"""
from alembic import op

from casework import numbering

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None

HIGHEST = "SELECT max(CAST(substr(reference, 3) AS BIGINT)) FROM referrals"
# Migration 0005's default, for the way back.
DEFAULT = "'R-' || to_char(nextval('referral_reference_seq'), 'FM9999999999999000000')"


def upgrade() -> None:
    if op.get_bind().dialect.name == 'postgresql':
        op.execute('ALTER TABLE referrals ALTER COLUMN reference DROP DEFAULT')  # the INSERT numbers it now
    numbering.create_counter(op, 'referral_reference_seq', highest=HIGHEST)


def downgrade() -> None:
    if op.get_bind().dialect.name == 'postgresql':
        op.execute(f'ALTER TABLE referrals ALTER COLUMN reference SET DEFAULT {DEFAULT}')
    else:  # on PostgreSQL the sequence is migration 0002's
        numbering.drop_counter(op, 'referral_reference_seq')
