"""The bedroom need follows the children's birthdays: a timer for every household that may need one

Applicants registered before this release have no birthday timer: their bedroom need was
reckoned once, when the household was recorded, and may be stale already. Each household with
someone who was under 16 when the applicant registered (so may have turned 10 or 16 since, or
will) gets a timer due now: when the worker fires it, the need is reckoned as of today (audited
if it moved) and the timer set for the next 10th or 16th birthday, if any.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-06 15:30:00.000000
"""
import datetime as dt
import uuid

from alembic import op
import sqlalchemy as sa

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None

KIND = "applicant.birthday"  # lettings.households.BIRTHDAY, as it was when this was written


def upgrade() -> None:
    conn = op.get_bind()
    applicants = sa.table("applicants", sa.column("id", sa.Uuid), sa.column("anonymised_at"),
                          sa.column("created_at", sa.DateTime(timezone=True)))
    members = sa.table("household_members", sa.column("applicant_id", sa.Uuid), sa.column("date_of_birth", sa.Date))
    timers = sa.table("timers", sa.column("id", sa.Uuid), sa.column("kind", sa.String), sa.column("key", sa.String),
                      sa.column("due_at", sa.DateTime(timezone=True)), sa.column("payload", sa.JSON),
                      sa.column("attempts", sa.Integer))
    now = dt.datetime.now(dt.UTC)
    youngest = sa.select(applicants.c.id, applicants.c.created_at, sa.func.max(members.c.date_of_birth)).join(
        members, members.c.applicant_id == applicants.c.id).where(applicants.c.anonymised_at.is_(None)).group_by(
        applicants.c.id, applicants.c.created_at)
    ids = [applicant_id for applicant_id, registered, born in conn.execute(youngest)
           if born is not None and born > _sixteen_years_before((registered or now).date())]
    for start in range(0, len(ids), 1000):
        conn.execute(sa.insert(timers), [
            {"id": uuid.uuid4(), "kind": KIND, "key": f"bedroom_need:{applicant_id}", "due_at": now,
             "payload": {"applicant_id": str(applicant_id)}, "attempts": 0}
            for applicant_id in ids[start:start + 1000]])


def _sixteen_years_before(day: dt.date) -> dt.date:
    """Born after this, someone was under 16 on ``day`` (with a month's margin, which is harmless)."""
    return day.replace(year=day.year - 16, day=1) - dt.timedelta(days=31)


def downgrade() -> None:
    op.execute(sa.text("DELETE FROM timers WHERE kind = :kind AND fired_at IS NULL").bindparams(kind=KIND))
