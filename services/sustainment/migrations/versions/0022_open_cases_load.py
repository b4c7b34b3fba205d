"""The open cases by officer and risk level with what their deadlines and a report's row need
(``ix_cases_open_load``, covering on PostgreSQL): the team's caseload counts, the overdue report's
statements and the open cases figures read the 7,000 open cases of a large council from the index
alone, not from as many places in the table (bench/NOTES.md, "The team's caseload and the
reports (team)").

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-07 21:25:00.000000

"""
import sqlalchemy as sa
from alembic import op

revision = '0022'
down_revision = '0021'
branch_labels = None
depends_on = None

OPEN = sa.text("status <> 'closed'")
#: As ``sustainment.models.OPEN_LOAD`` when this was written.
KEPT = ["id", "number", "case_type", "first_contact_at", "first_contact_due", "plan_due", "plan_review",
        "settling_in_due"]


def upgrade() -> None:
    op.create_index('ix_cases_open_load', 'cases', ['officer_id', 'risk_level'], unique=False,
                    postgresql_include=KEPT, postgresql_where=OPEN, sqlite_where=OPEN)


def downgrade() -> None:
    op.drop_index('ix_cases_open_load', table_name='cases')
