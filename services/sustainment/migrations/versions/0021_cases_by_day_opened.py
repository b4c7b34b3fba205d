"""The performance figures' cases by the London day they opened (``cases_by_day_opened`` in the
tallies: opened, first contact within its deadline, and the days from referral to opening, to
first contact and to closure) and the closures of tenancies' cases by the day closed
(``closures_with_tenancy``), filled from the cases so far; the cases not yet contacted by their
deadline (``ix_cases_awaiting_contact``) and the onboarding cases by opening
(``ix_cases_settling_in``): the figures sum days and months instead of reading a year of cases
three times a request, and settling-in reads its 6,000 cases, not all 40,000 opened in a year (bench/NOTES.md, "Sustainment performance report (sperf)")

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-07 19:45:00.000000
"""
import datetime as dt
from collections import Counter

import sqlalchemy as sa
from alembic import op

from casework.db import UTCDateTime
from casework.workdays import london_today

revision = '0021'
down_revision = '0020'
branch_labels = None
depends_on = None

FIGURE = "cases_by_day_opened"
CLOSURES = "closures_with_tenancy"
AWAITING = sa.text("first_contact_at IS NULL")
SETTLING = sa.text("settling_in_due IS NOT NULL")
CASES = sa.table("cases", *(sa.column(name, UTCDateTime) for name in (
    "opened_at", "referred_at", "first_contact_at", "first_contact_due", "closed_at")),
                 sa.column("status", sa.String), sa.column("tenancy_ref", sa.String))
DAILY = sa.table("daily_tallies", sa.column("figure", sa.String), sa.column("day", sa.String),
                 sa.column("key", sa.String), sa.column("count", sa.Integer))
MONTHLY = sa.table("monthly_tallies", sa.column("figure", sa.String), sa.column("month", sa.String),
                   sa.column("key", sa.String), sa.column("count", sa.Integer))
PLACE, PLACES = 10_000, 4


def _duration(counts: Counter, day: str, measure: str, start: dt.datetime, end: dt.datetime) -> None:
    """As ``sustainment.cases.performance`` counted a duration when this was written: one case,
    and its microseconds as four base-10,000 digits (the last what is left), negative if it is."""
    us = (end - start) // dt.timedelta(microseconds=1)
    sign, us = (-1 if us < 0 else 1), abs(us)
    counts[(day, f"{measure}\x1fcases")] += 1
    for place in range(PLACES):
        us, digit = (0, us) if place == PLACES - 1 else divmod(us, PLACE)
        counts[(day, f"{measure}\x1f{place}")] += sign * digit


def _insert(table: sa.TableClause, values: list[dict]) -> None:
    for start in range(0, len(values), 10_000):
        op.get_bind().execute(table.insert(), values[start:start + 10_000])


def upgrade() -> None:
    op.create_index('ix_cases_awaiting_contact', 'cases', ['first_contact_due'], unique=False,
                    postgresql_where=AWAITING, sqlite_where=AWAITING)
    op.create_index('ix_cases_settling_in', 'cases', ['opened_at', 'settling_in_due', 'id'], unique=False,
                    postgresql_where=SETTLING, sqlite_where=SETTLING)
    days: Counter = Counter()  # (day, key): count
    c = CASES.c
    closures: Counter = Counter()  # (day, key): closures of a tenancy's case, by the day closed
    for opened_at, referred_at, contact_at, contact_due, closed_at, status, tenancy_ref in op.get_bind().execute(
            sa.select(c.opened_at, c.referred_at, c.first_contact_at, c.first_contact_due, c.closed_at, c.status,
                      c.tenancy_ref)):
        if status == "closed" and tenancy_ref is not None:
            closures[(london_today(closed_at).isoformat(), "closed")] += 1
        day = london_today(opened_at).isoformat()
        days[(day, "opened")] += 1
        if referred_at is not None:
            _duration(days, day, "referral_to_opened", referred_at, opened_at)
        if contact_at is not None:
            if contact_at <= contact_due:
                days[(day, "contact_within")] += 1
            _duration(days, day, "opened_to_first_contact", opened_at, contact_at)
        if closed_at is not None:
            _duration(days, day, "opened_to_closure", opened_at, closed_at)
    for figure, found in ((FIGURE, days), (CLOSURES, closures)):
        months: Counter = Counter()
        for (day, key), n in found.items():
            months[(day[:7], key)] += n
        _insert(DAILY, [{"figure": figure, "day": d, "key": k, "count": n} for (d, k), n in found.items() if n])
        _insert(MONTHLY, [{"figure": figure, "month": m, "key": k, "count": n} for (m, k), n in months.items() if n])


def downgrade() -> None:
    for table in (DAILY, MONTHLY):
        op.get_bind().execute(table.delete().where(table.c.figure.in_([FIGURE, CLOSURES])))
    op.drop_index('ix_cases_settling_in', table_name='cases')
    op.drop_index('ix_cases_awaiting_contact', table_name='cases')
