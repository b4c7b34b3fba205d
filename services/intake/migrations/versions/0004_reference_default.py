"""Referrals: the reference is the column's server default (one round trip fewer per referral)

The INSERT takes the next number from ``referral_reference_seq`` and returns the reference,
instead of a separate ``SELECT nextval`` before it.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-22 17:31:00
"""
from alembic import op

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None

# R-000123; past R-999999 the number simply grows (lpad alone would cut it to six digits).
FUNCTION = """
CREATE OR REPLACE FUNCTION next_referral_reference() RETURNS text AS $$
  SELECT 'R-' || CASE WHEN n < 1000000 THEN lpad(n::text, 6, '0') ELSE n::text END
  FROM nextval('referral_reference_seq') AS n
$$ LANGUAGE sql VOLATILE
"""


def upgrade() -> None:
    if op.get_bind().dialect.name == 'postgresql':
        op.execute(FUNCTION)
        op.execute('ALTER TABLE referrals ALTER COLUMN reference SET DEFAULT next_referral_reference()')


def downgrade() -> None:
    if op.get_bind().dialect.name == 'postgresql':
        op.execute('ALTER TABLE referrals ALTER COLUMN reference DROP DEFAULT')
        op.execute('DROP FUNCTION IF EXISTS next_referral_reference()')
