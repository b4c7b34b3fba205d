"""Indexes for a large council's five years of cases (bench/NOTES.md, "A large council: sustainment"):
the open cases (caseloads, the team's, the reports' open figures), a status's cases in number order
(the cases list filtered by status), cases by when they opened and
closed (performance, outcomes, the retention sweep's oldest closures), visits still to be
recorded (overdue visits) and deliveries to agencies newest first

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-07 10:05:00.000000
"""
from alembic import op
import sqlalchemy as sa


revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None

OPEN = sa.text("status <> 'closed'")
SCHEDULED = sa.text("status = 'scheduled'")


def upgrade() -> None:
    op.create_index('ix_cases_open_by_officer', 'cases', ['officer_id'], unique=False,
                    postgresql_where=OPEN, sqlite_where=OPEN)
    op.create_index('ix_cases_status_number', 'cases', ['status', 'number'], unique=False)
    op.create_index(op.f('ix_cases_opened_at'), 'cases', ['opened_at'], unique=False)
    op.create_index(op.f('ix_cases_closed_at'), 'cases', ['closed_at'], unique=False)
    op.create_index('ix_visits_scheduled', 'visits', ['scheduled_for'], unique=False,
                    postgresql_where=SCHEDULED, sqlite_where=SCHEDULED)
    op.create_index(op.f('ix_agency_deliveries_created_at'), 'agency_deliveries', ['created_at'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_agency_deliveries_created_at'), table_name='agency_deliveries')
    op.drop_index('ix_visits_scheduled', table_name='visits')
    op.drop_index(op.f('ix_cases_closed_at'), table_name='cases')
    op.drop_index(op.f('ix_cases_opened_at'), table_name='cases')
    op.drop_index('ix_cases_status_number', table_name='cases')
    op.drop_index('ix_cases_open_by_officer', table_name='cases')
