"""An officer may be marked away, with the colleague who covers their work

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-07 04:45:00.000000
"""
import sqlalchemy as sa
from alembic import op

revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("officers", sa.Column("away_from", sa.Date(), nullable=True))
    op.add_column("officers", sa.Column("away_until", sa.Date(), nullable=True))
    op.add_column("officers", sa.Column("cover_id", sa.String(200), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("officers") as batch:
        batch.drop_column("cover_id")
        batch.drop_column("away_until")
        batch.drop_column("away_from")
