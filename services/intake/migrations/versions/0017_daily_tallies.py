"""The kernel's tables, v6: counts kept by the day beside the months' (the performance report sums
the days of the part months at its range's ends instead of counting their referrals: bench/NOTES.md,
"Day tallies and the team queue"), filled from the referrals so far

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-07 15:30:00.000000
"""
from collections import Counter

import sqlalchemy as sa
from alembic import op

from casework.db import JSONDoc, UTCDateTime
from casework.kernel_schema import v6
from casework.workdays import london_today

revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None

REFERRALS = sa.table("referrals", sa.column("status", sa.String), sa.column("received_at", UTCDateTime),
                     sa.column("triaged_at", UTCDateTime), sa.column("triage_due", UTCDateTime),
                     sa.column("source_system", sa.String), sa.column("reasons", JSONDoc))
DAILY = sa.table("daily_tallies", sa.column("figure", sa.String), sa.column("day", sa.String),
                 sa.column("key", sa.String), sa.column("count", sa.Integer))


def upgrade() -> None:
    v6.upgrade(op)
    # As intake.performance counts them (0016's figures and keys, by the London day received).
    counts: Counter = Counter()  # (figure, day, key): referrals
    r = REFERRALS.c
    for status, received_at, triaged_at, due, source, given in op.get_bind().execute(
            sa.select(r.status, r.received_at, r.triaged_at, r.triage_due, r.source_system, r.reasons)
            .where(r.status != "received")):
        day = london_today(received_at).isoformat()
        within = "1" if triaged_at is not None and triaged_at <= due else "0"
        counts[("referrals_settled", day, f"{status}\x1f{within}")] += 1
        counts[("referrals_settled_by_source", day, source)] += 1
        for reason in set(given or ()):
            counts[("referrals_settled_by_reason", day, reason)] += 1
    values = [{"figure": f, "day": d, "key": k, "count": n} for (f, d, k), n in counts.items()]
    for start in range(0, len(values), 10_000):
        op.get_bind().execute(DAILY.insert(), values[start:start + 10_000])


def downgrade() -> None:
    v6.downgrade(op)
