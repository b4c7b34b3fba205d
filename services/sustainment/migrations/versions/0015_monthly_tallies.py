"""The kernel's tables, v5: counts kept by the month (the outcomes report sums months of closures
instead of counting five years of cases: bench/NOTES.md, "A large council: the reports"), filled
from the cases closed so far

Revision ID: 0015
Revises: 0013
Create Date: 2026-12-07 13:00:00.000000
"""
import sqlalchemy as sa
from alembic import op

from casework import tallies
from casework.db import UTCDateTime, naming_metadata
from casework.kernel_schema import v5
from casework.reports import month_of

revision = '0015'
down_revision = '0013'
branch_labels = None
depends_on = None

CASES = sa.table("cases", sa.column("status", sa.String), sa.column("case_type", sa.String),
                 sa.column("closure_outcome", sa.String), sa.column("opened_at", UTCDateTime),
                 sa.column("closed_at", UTCDateTime))


def upgrade() -> None:
    v5.upgrade(op)
    # As sustainment.cases.outcomes counts them (its figures' names and keys).
    by_outcome, by_days = [], {}
    for case_type, outcome, opened_at, closed_at in op.get_bind().execute(
            sa.select(CASES.c.case_type, CASES.c.closure_outcome, CASES.c.opened_at, CASES.c.closed_at)
            .where(CASES.c.status == "closed")):
        month = month_of(closed_at)
        by_outcome.append((month, (case_type, outcome), 1))
        by_days.setdefault(case_type, []).append((month, (str((closed_at - opened_at).days),), 1))
    table = tallies.table(naming_metadata())
    tallies.rebuild(op.get_bind(), table, "closures_by_outcome", by_outcome)
    for case_type, rows in by_days.items():
        tallies.rebuild(op.get_bind(), table, f"closures_by_days_open:{case_type}", rows)


def downgrade() -> None:
    v5.downgrade(op)
