"""The kernel's tables, v4: sign-ins signed out before their time (a copied cookie signs nobody in)

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-07 04:10:00.000000
"""
from alembic import op

from casework.kernel_schema import v4

revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade() -> None:
    v4.upgrade(op)


def downgrade() -> None:
    v4.downgrade(op)
