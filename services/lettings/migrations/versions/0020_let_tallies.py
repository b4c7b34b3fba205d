"""The kernel's tables, v5 and v6: counts kept by the month and by the day (the lettings performance report sums months
of lets, and of the voids they ended, instead of pairing a year's lets with their voids on each
request: bench/NOTES.md, "Lettings performance from tallies"), filled from the lets so far; the
offers made in a period by answer read from an index alone

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-07 16:10:00.000000
"""
from collections import Counter, defaultdict
from decimal import ROUND_HALF_UP, Decimal

import sqlalchemy as sa
from alembic import op

from casework.db import UTCDateTime
from casework.kernel_schema import v5, v6

revision = '0020'
down_revision = '0019'
branch_labels = None
depends_on = None

TENANCIES = sa.table("tenancies", sa.column("id", sa.Uuid), sa.column("property_id", sa.Uuid),
                     sa.column("applicant_id", sa.Uuid), sa.column("offer_id", sa.Uuid),
                     sa.column("tenancy_start", sa.Date), sa.column("weekly_rent", sa.Numeric(10, 2)),
                     sa.column("created_at", UTCDateTime))
VOIDS = sa.table("voids", sa.column("id", sa.Uuid), sa.column("property_id", sa.Uuid),
                 sa.column("void_date", sa.Date), sa.column("let_date", sa.Date))
APPLICANTS = sa.table("applicants", sa.column("id", sa.Uuid), sa.column("band", sa.String))
MONTHLY = sa.table("monthly_tallies", sa.column("figure", sa.String), sa.column("month", sa.String),
                   sa.column("key", sa.String), sa.column("count", sa.Integer))
DAILY = sa.table("daily_tallies", sa.column("figure", sa.String), sa.column("day", sa.String),
                 sa.column("key", sa.String), sa.column("count", sa.Integer))


def upgrade() -> None:
    v5.upgrade(op)
    v6.upgrade(op)
    op.create_index("ix_offers_made_at_answer", "offers", ["made_at", "status", "refusal_reason_code"], unique=False)
    # As lettings.letting.lets counts them (its figures' names and keys): every let made here (from
    # an offer) by London day of tenancy start and band; the void each ended (a home's voids and lets of
    # one day paired in order: by void date, and by when signed up), its days and rent lost in pence.
    bind = op.get_bind()
    t, v = TENANCIES.c, VOIDS.c
    on_day: dict = defaultdict(lambda: ([], []))  # (home, day): voids let, tenancies started
    for void_id, home, void_date, let_date in bind.execute(
            sa.select(v.id, v.property_id, v.void_date, v.let_date).where(v.let_date.is_not(None))):
        on_day[(home, let_date)][0].append((void_date, void_id))
    counts: Counter = Counter()  # (figure, day, key): a sum
    for tenancy_id, home, start, rent, created_at, band in bind.execute(
            sa.select(t.id, t.property_id, t.tenancy_start, t.weekly_rent, t.created_at, APPLICANTS.c.band)
            .join(APPLICANTS, APPLICANTS.c.id == t.applicant_id).where(t.offer_id.is_not(None))):
        counts[("lets_by_band", start.isoformat(), band)] += 1
        on_day[(home, start)][1].append((created_at, tenancy_id, start, rent))
    for voids_let, started in on_day.values():  # a let with no void left over ended none: counted by band only
        for (void_date, _), (_, _, start, rent) in zip(sorted(voids_let), sorted(started), strict=False):
            day, days = start.isoformat(), max(0, (start - void_date).days)
            lost = (Decimal(rent) / 7 * days).quantize(Decimal("0.01"), ROUND_HALF_UP)
            counts[("voids_let", day, "lets")] += 1
            counts[("voids_let", day, "void_days")] += days
            counts[("voids_let", day, "rent_lost_pence")] += int(lost * 100)
    # Written as the kernel's tallies keep them (a one-part key is its text), not through its API,
    # which may change after this migration is released.
    months: Counter = Counter()
    for (figure, day, key), n in counts.items():
        months[(figure, day[:7], key)] += n
    for table, period, found in ((DAILY, "day", counts), (MONTHLY, "month", months)):
        values = [{"figure": f, period: p, "key": k, "count": n} for (f, p, k), n in found.items() if n]
        for start in range(0, len(values), 10_000):
            bind.execute(table.insert(), values[start:start + 10_000])


def downgrade() -> None:
    v6.downgrade(op)
    op.drop_index("ix_offers_made_at_answer", table_name="offers")
    v5.downgrade(op)
