"""The kernel's tables, v6: counts kept by the day beside the months' (the outcomes report sums the
days of the part months at its range's ends instead of counting their cases: bench/NOTES.md, "Day
tallies and the team queue"), filled from the cases closed so far; the days open counted with six
digits (``casework.tallies.number``: ``000042``), so the medians walk them in the index's order

Revision ID: 0019
Revises: 0016
Create Date: 2026-12-07 15:30:00.000000
"""
from collections import Counter
from collections.abc import Callable

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


MONTHLY = sa.table("monthly_tallies", sa.column("figure", sa.String), sa.column("month", sa.String),
                   sa.column("key", sa.String), sa.column("count", sa.Integer))
DAYS_OPEN = "closures_by_days_open:%"


def _insert(table: sa.TableClause, values: list[dict]) -> None:
    for start in range(0, len(values), 10_000):
        op.get_bind().execute(table.insert(), values[start:start + 10_000])


def upgrade() -> None:
    v6.upgrade(op)
    # As sustainment.cases.outcomes counts them (0015's figures and keys, by the London day closed).
    days: Counter = Counter()  # (figure, day, key): closures
    for case_type, outcome, opened_at, closed_at in op.get_bind().execute(
            sa.select(CASES.c.case_type, CASES.c.closure_outcome, CASES.c.opened_at, CASES.c.closed_at)
            .where(CASES.c.status == "closed")):
        day = london_today(closed_at).isoformat()
        days[("closures_by_outcome", day, f"{case_type}\x1f{outcome}")] += 1
        days[(f"closures_by_days_open:{case_type}", day, f"{(closed_at - opened_at).days:06d}")] += 1
    _insert(DAILY, [{"figure": f, "day": d, "key": k, "count": n} for (f, d, k), n in days.items()])
    _rewrite_days_open(lambda key: f"{int(key):06d}")


def _rewrite_days_open(written: Callable[[str], str]) -> None:
    """The months' counts by days open again, each key as ``written`` gives it."""
    m = MONTHLY.c
    kept = op.get_bind().execute(sa.select(m.figure, m.month, m.key, m.count).where(m.figure.like(DAYS_OPEN))).all()
    op.get_bind().execute(MONTHLY.delete().where(m.figure.like(DAYS_OPEN)))
    _insert(MONTHLY, [{"figure": f, "month": month, "key": written(k), "count": n} for f, month, k, n in kept])


def downgrade() -> None:
    _rewrite_days_open(lambda key: str(int(key)))
    v6.downgrade(op)
