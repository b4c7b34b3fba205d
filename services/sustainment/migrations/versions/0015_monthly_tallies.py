"""The kernel's tables, v5: counts kept by the month (the outcomes report sums months of closures
instead of counting five years of cases: bench/NOTES.md, "A large council: the reports"), filled
from the cases closed so far

Revision ID: 0015
Revises: 0013
Create Date: 2026-12-07 13:00:00.000000
"""
from collections import Counter

import sqlalchemy as sa
from alembic import op

from casework.db import UTCDateTime
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
    counts: Counter = Counter()  # (figure, month, key): closures
    for case_type, outcome, opened_at, closed_at in op.get_bind().execute(
            sa.select(CASES.c.case_type, CASES.c.closure_outcome, CASES.c.opened_at, CASES.c.closed_at)
            .where(CASES.c.status == "closed")):
        month = month_of(closed_at)
        counts[("closures_by_outcome", month, (case_type, outcome))] += 1
        counts[(f"closures_by_days_open:{case_type}", month, (str((closed_at - opened_at).days),))] += 1
    # Written here, not by casework.tallies (which now keeps days too, migration 0019).
    monthly = sa.table("monthly_tallies", sa.column("figure", sa.String), sa.column("month", sa.String),
                       sa.column("key", sa.String), sa.column("count", sa.Integer))
    values = [{"figure": f, "month": m, "key": "\x1f".join(k), "count": n} for (f, m, k), n in counts.items()]
    if values:
        op.get_bind().execute(monthly.insert(), values)


def downgrade() -> None:
    v5.downgrade(op)
