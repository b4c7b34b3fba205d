"""The delivery log keeps what GOV.UK Notify says of a text, letter or e-mail, and who sent it

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-08 06:40:00.000000
"""
import sqlalchemy as sa
from alembic import op

revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("deliveries", sa.Column("provider", sa.String(20), nullable=True))
    op.add_column("deliveries", sa.Column("provider_id", sa.String(64), nullable=True))
    op.add_column("deliveries", sa.Column("provider_status", sa.String(30), nullable=True))
    op.add_column("deliveries", sa.Column("provider_status_at", sa.DateTime(timezone=True), nullable=True))
    op.add_column("deliveries", sa.Column("team", sa.String(60), nullable=True))
    op.add_column("deliveries", sa.Column("subject_type", sa.String(40), nullable=True))
    op.add_column("deliveries", sa.Column("subject_id", sa.String(64), nullable=True))
    op.create_index("ix_deliveries_provider_id", "deliveries", ["provider_id"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_deliveries_provider_id", table_name="deliveries")
    with op.batch_alter_table("deliveries") as batch:
        for column in ("subject_id", "subject_type", "team", "provider_status_at", "provider_status", "provider_id",
                       "provider"):
            batch.drop_column(column)
