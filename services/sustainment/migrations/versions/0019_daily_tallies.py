"""The kernel's tables, v6: counts kept by the day beside the months' (the outcomes report sums the
days of the part months at its range's ends instead of counting their cases: bench/NOTES.md, "Day
tallies and the team queue"), filled from the cases closed so far

Revision ID: 0019
Revises: 0016
Create Date: 2026-12-07 15:30:00.000000
"""
from collections import Counter

import sqlalchemy as sa
from alembic import op

from casework.db import UTCDateTime
from casework.kernel_schema import v6
from casework.workdays import london_today

revision = '0019'
down_revision = '0016'
branch_labels = None
depends_on = None

CASES = sa.table("cases", sa.column("status", sa.String), sa.column("case_type", sa.String),
                 sa.column("closure_outcome", sa.String), sa.column("opened_at", UTCDateTime),
                 sa.column("closed_at", UTCDateTime))
DAILY = sa.table("daily_tallies", sa.column("figure", sa.String), sa.column("day", sa.String),
                 sa.column("key", sa.String), sa.column("count", sa.Integer))


def upgrade() -> None:
    v6.upgrade(op)
    # As sustainment.cases.outcomes counts them (0015's figures and keys, by the London day closed).
    counts: Counter = Counter()  # (figure, day, key): closures
    for case_type, outcome, opened_at, closed_at in op.get_bind().execute(
            sa.select(CASES.c.case_type, CASES.c.closure_outcome, CASES.c.opened_at, CASES.c.closed_at)
            .where(CASES.c.status == "closed")):
        day = london_today(closed_at).isoformat()
        counts[("closures_by_outcome", day, f"{case_type}\x1f{outcome}")] += 1
        counts[(f"closures_by_days_open:{case_type}", day, str((closed_at - opened_at).days))] += 1
    values = [{"figure": f, "day": d, "key": k, "count": n} for (f, d, k), n in counts.items()]
    for start in range(0, len(values), 10_000):
        op.get_bind().execute(DAILY.insert(), values[start:start + 10_000])


def downgrade() -> None:
    v6.downgrade(op)
