"""The kernel's tables, v5: counts kept by the month (the performance report sums months of
referrals triaged or withdrawn instead of counting a year's or five years' referrals: bench/
NOTES.md, "A large council: the reports"), filled from the referrals so far

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-07 13:10:00.000000
"""
from collections import Counter

import sqlalchemy as sa
from alembic import op

from casework.db import JSONDoc, UTCDateTime
from casework.kernel_schema import v5
from casework.reports import month_of

revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None

REFERRALS = sa.table("referrals", sa.column("status", sa.String), sa.column("received_at", UTCDateTime),
                     sa.column("triaged_at", UTCDateTime), sa.column("triage_due", UTCDateTime),
                     sa.column("source_system", sa.String), sa.column("reasons", JSONDoc))


def upgrade() -> None:
    v5.upgrade(op)
    # As intake.performance counts them (its figures' names and keys): every referral triaged or
    # withdrawn, by the London month received.
    counts: Counter = Counter()  # (figure, month, key): referrals
    r = REFERRALS.c
    for status, received_at, triaged_at, due, source, given in op.get_bind().execute(
            sa.select(r.status, r.received_at, r.triaged_at, r.triage_due, r.source_system, r.reasons)
            .where(r.status != "received")):
        month = month_of(received_at)
        within = "1" if triaged_at is not None and triaged_at <= due else "0"
        counts[("referrals_settled", month, (status, within))] += 1
        counts[("referrals_settled_by_source", month, (source,))] += 1
        for reason in set(given or ()):
            counts[("referrals_settled_by_reason", month, (reason,))] += 1
    # Written here, not by casework.tallies (which now keeps days too, migration 0017).
    monthly = sa.table("monthly_tallies", sa.column("figure", sa.String), sa.column("month", sa.String),
                       sa.column("key", sa.String), sa.column("count", sa.Integer))
    values = [{"figure": f, "month": m, "key": "\x1f".join(k), "count": n} for (f, m, k), n in counts.items()]
    if values:
        op.get_bind().execute(monthly.insert(), values)


def downgrade() -> None:
    v5.downgrade(op)
