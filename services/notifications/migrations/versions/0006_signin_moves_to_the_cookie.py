"""Sign-in moves to one signed cookie every service verifies (casework.pages): no sessions table

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-07 03:40:00.000000
"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.drop_index(op.f('ix_signin_sessions_expires_at'), table_name='signin_sessions')
    op.drop_table('signin_sessions')


def downgrade() -> None:
    op.create_table('signin_sessions',
    sa.Column('id', sa.String(length=64), nullable=False),
    sa.Column('officer_id', sa.String(length=200), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('roles', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_signin_sessions'))
    )
    op.create_index(op.f('ix_signin_sessions_expires_at'), 'signin_sessions', ['expires_at'], unique=False)
