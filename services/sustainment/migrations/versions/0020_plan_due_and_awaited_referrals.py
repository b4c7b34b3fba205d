"""The current plan's first deadline and review date on the case (``cases.plan_due``,
``plan_review``), the agency referrals still awaited by case (``ix_agency_referrals_awaited``),
the settling-in visits made by case (``ix_visits_settled``) and the open cases by type
(``ix_cases_open_by_type``): the team's overdue counts, the overdue report and the performance
figures read these, not each open case's plan and actions, every referral ever sent, every visit
nor every onboarding case ever (bench/NOTES.md, "Sustainment at full size, third pass")

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-07 18:20:00.000000
"""
import sqlalchemy as sa
from alembic import op

revision = '0020'
down_revision = '0019'
branch_labels = None
depends_on = None

AWAITED = sa.text("status IN ('sent', 'acknowledged')")
SETTLED = sa.text("kind = 'settling_in' AND status = 'completed'")
OPEN = sa.text("status <> 'closed'")

#: Each open case's current plan's first date-only deadline: its review date or an open action's
#: due date (status missing or ``open``), whichever is sooner (``Plan.first_due`` when this was
#: written), and its review date. Open cases only: only they are counted overdue, and reopening a
#: case sets them; filling every case rewrote 200,000 of them at a large council, doubling the
#: table and losing its order by opening (the performance figures' year of cases went from an
#: index range to sequential scans).
_CURRENT = "NOT EXISTS (SELECT 1 FROM plans l WHERE l.case_id = p.case_id AND l.version > p.version)"
FILL = {
    "postgresql": f"""
        UPDATE cases SET plan_due = d.due, plan_review = d.review_date FROM (
            SELECT p.case_id, p.review_date, (SELECT min(x) FROM (
                SELECT p.review_date AS x
                UNION ALL SELECT NULLIF(a->>'due_date', '')::date FROM jsonb_array_elements(p.actions) AS a
                          WHERE coalesce(a->>'status', 'open') = 'open') AS days) AS due
            FROM plans p WHERE {_CURRENT}) AS d
        WHERE cases.id = d.case_id AND cases.status <> 'closed'
          AND (d.due IS NOT NULL OR d.review_date IS NOT NULL)""",
    # (SQLite: no correlated subquery in FROM; one row per action, the review date for the others)
    "sqlite": f"""
        UPDATE cases SET plan_due = (
            SELECT min(CASE WHEN coalesce(json_extract(a.value, '$.status'), 'open') = 'open'
                             AND nullif(json_extract(a.value, '$.due_date'), '') IS NOT NULL
                             AND (p.review_date IS NULL OR json_extract(a.value, '$.due_date') < p.review_date)
                            THEN json_extract(a.value, '$.due_date') ELSE p.review_date END)
            FROM plans p LEFT JOIN json_each(p.actions) AS a
            WHERE p.case_id = cases.id AND {_CURRENT}),
            plan_review = (SELECT p.review_date FROM plans p WHERE p.case_id = cases.id AND {_CURRENT})
        WHERE status <> 'closed' AND EXISTS (SELECT 1 FROM plans p WHERE p.case_id = cases.id)""",
}


def upgrade() -> None:
    op.add_column('cases', sa.Column('plan_due', sa.Date(), nullable=True))
    op.add_column('cases', sa.Column('plan_review', sa.Date(), nullable=True))
    op.create_index('ix_agency_referrals_awaited', 'agency_referrals', ['case_id', 'chase_by', 'id'], unique=False,
                    postgresql_where=AWAITED, sqlite_where=AWAITED)
    op.create_index('ix_visits_settled', 'visits', ['case_id', 'scheduled_for'], unique=False,
                    postgresql_where=SETTLED, sqlite_where=SETTLED)
    op.create_index('ix_cases_open_by_type', 'cases', ['case_type'], unique=False,
                    postgresql_where=OPEN, sqlite_where=OPEN)
    bind = op.get_bind()
    bind.execute(sa.text(FILL[bind.dialect.name]))


def downgrade() -> None:
    op.drop_index('ix_cases_open_by_type', table_name='cases')
    op.drop_index('ix_visits_settled', table_name='visits')
    op.drop_index('ix_agency_referrals_awaited', table_name='agency_referrals')
    # ALTER TABLE … DROP COLUMN on SQLite too (3.35+): a batch copy would drop ``cases``, and with
    # foreign keys on that deletes every row on a case (ON DELETE CASCADE).
    op.drop_column('cases', 'plan_review')
    op.drop_column('cases', 'plan_due')
