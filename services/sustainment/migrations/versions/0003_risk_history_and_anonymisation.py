"""Risk history (each change with its cause and reason) and the anonymisation of closed cases

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22 16:33:54.916526
"""
from alembic import op
import sqlalchemy as sa


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('risk_changes',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('case_id', sa.Uuid(), nullable=False),
    sa.Column('from_level', sa.String(length=20), nullable=False),
    sa.Column('to_level', sa.String(length=20), nullable=False),
    sa.Column('cause', sa.String(length=30), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('changed_by', sa.String(length=200), nullable=False),
    sa.Column('changed_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_risk_changes_case_id_cases'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_risk_changes'))
    )
    op.create_index(op.f('ix_risk_changes_case_id'), 'risk_changes', ['case_id'], unique=False)
    op.add_column('cases', sa.Column('anonymised_at', sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    op.drop_column('cases', 'anonymised_at')
    op.drop_index(op.f('ix_risk_changes_case_id'), table_name='risk_changes')
    op.drop_table('risk_changes')
