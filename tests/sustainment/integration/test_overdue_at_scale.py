"""The team's overdue counts, the overdue report and the performance figures read what a large
council has thousands of through what is kept for them: the current plan's first deadline on the
case (``cases.plan_due``), the agency referrals still awaited and the settling-in visits made by
their partial indexes (migration 0020; bench/NOTES.md, "Sustainment at full size, third pass")."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from alembic import command
from sqlalchemy import select, update

from casework.migrations import config, upgrade
from casework_dev.testing import bearer, plan_of, statements_sent
from casework_dev.testing.times import plain_monday
from sustainment.cases.closure import close, reopen
from sustainment.cases.plans import agree_plan
from sustainment.models import Case, Plan
from sustainment.policy import current as policy
from sustainment.service import SERVICE

OFFICER = bearer("officer-1", "sustainment_officer")
LEADER = bearer("leader-1", "team_leader")
MONDAY = plain_monday()
WEEK = dt.timedelta(weeks=1)
ACTION = {"title": "Apply for DHP", "category": "rent_arrears", "owner": "tenant"}
GOALS = [{"title": "Keep the home", "category": "rent_arrears"}]


def _plan_due(sustainment, case_id) -> dt.date | None:
    with sustainment.db.transaction() as session:
        return session.scalar(select(Case.plan_due).where(Case.id == uuid.UUID(str(case_id))))


def _plan_review(sustainment, case_id) -> dt.date | None:
    with sustainment.db.transaction() as session:
        return session.scalar(select(Case.plan_review).where(Case.id == uuid.UUID(str(case_id))))


def _agree(sustainment, case_id, *, review: dt.date, actions: list[dict]) -> None:
    r = sustainment.client.put(f"/cases/{case_id}/plan", headers=OFFICER, json={
        "goals": GOALS, "review_date": str(review), "actions": actions})
    assert r.status_code in (200, 201), r.json.get("errors", r.json)


def test_a_case_keeps_its_current_plans_first_deadline(sustainment, assigned_case, tenancy_started, deliver):
    case = assigned_case()
    assert _plan_due(sustainment, case["id"]) is None  # no plan yet
    _agree(sustainment, case["id"], review=MONDAY + 4 * WEEK,
           actions=[{**ACTION, "due_date": str(MONDAY - WEEK), "status": "done"},
                    {**ACTION, "due_date": str(MONDAY + WEEK)}])
    assert _plan_due(sustainment, case["id"]) == MONDAY + WEEK  # the open action, not the done one
    assert _plan_review(sustainment, case["id"]) == MONDAY + 4 * WEEK
    _agree(sustainment, case["id"], review=MONDAY + 2 * WEEK,
           actions=[{**ACTION, "due_date": str(MONDAY + WEEK), "status": "done"}])
    assert _plan_due(sustainment, case["id"]) == MONDAY + 2 * WEEK  # the new version's review
    assert _plan_review(sustainment, case["id"]) == MONDAY + 2 * WEEK
    # An onboarding case opens with its template plan, and its first deadline.
    deliver(tenancy_started(tenancy_start=MONDAY, tenancy_ref="T-9"))
    with sustainment.db.transaction() as session:
        onboarding = session.scalar(select(Case).where(Case.tenancy_ref == "T-9"))
        assert onboarding.plan_due is not None and onboarding.plan_due == onboarding.plan.first_due
        assert onboarding.plan_review == onboarding.plan.review_date


def test_a_reopened_case_has_its_plans_deadlines_again(sustainment, assigned_case):
    """Migration 0020 fills open cases only: a case closed before it gets them when reopened."""
    case = assigned_case()
    _agree(sustainment, case["id"], review=MONDAY + 4 * WEEK, actions=[{**ACTION, "due_date": str(MONDAY + WEEK)}])
    with sustainment.db.transaction() as session:
        found = session.get(Case, uuid.UUID(case["id"]))
        close(session, found, outcome="tenancy_sustained", summary=".", policy=policy(), now=dt.datetime.now(dt.UTC))
        found.plan_due = found.plan_review = None  # as migration 0020 leaves a closed case
    with sustainment.db.transaction() as session:
        reopen(session, session.get(Case, uuid.UUID(case["id"])), reason="closed by mistake")
    assert (_plan_due(sustainment, case["id"]), _plan_review(sustainment, case["id"])) == (
        MONDAY + WEEK, MONDAY + 4 * WEEK)


def test_the_team_counts_overdue_plans_without_reading_a_plan(sustainment, assigned_case):
    late, on_time = assigned_case(), assigned_case()
    for case in (late, on_time):
        sustainment.client.post(f"/cases/{case['id']}/contacts", json={"method": "phone"}, headers=OFFICER)
    _agree(sustainment, late["id"], review=MONDAY + 50 * WEEK, actions=[{**ACTION, "due_date": "2022-01-06"}])
    _agree(sustainment, on_time["id"], review=MONDAY + 50 * WEEK,
           actions=[{**ACTION, "due_date": "2022-01-06", "status": "done"}])
    with statements_sent(sustainment.db.engine) as statements:
        r = sustainment.client.get("/caseload/team", headers=LEADER)
    assert r.status_code == 200
    [officer] = r.json["officers"]
    assert (officer["open_cases"], officer["overdue_cases"]) == (2, 1)
    assert not [s for s, _ in statements if "FROM plans" in s], statements


def test_migration_0020_gives_each_case_its_current_plans_first_deadline(sustainment, assigned_case):
    cases = [assigned_case() for _ in range(4)]
    _agree(sustainment, cases[0]["id"], review=MONDAY + 4 * WEEK,
           actions=[{**ACTION, "due_date": str(MONDAY + WEEK)}, {**ACTION, "due_date": str(MONDAY), "status": "done"}])
    _agree(sustainment, cases[0]["id"], review=MONDAY + 3 * WEEK,
           actions=[{**ACTION, "due_date": str(MONDAY + 5 * WEEK)}])
    _agree(sustainment, cases[1]["id"], review=MONDAY + 4 * WEEK,
           actions=[{**ACTION, "due_date": str(MONDAY - WEEK)}, {**ACTION, "due_date": str(MONDAY + WEEK)}])
    with sustainment.db.transaction() as session:
        kept = {row.id: (row.plan_due, row.plan_review)
                for row in session.execute(select(Case.id, Case.plan_due, Case.plan_review))}
        session.execute(update(Case).values(plan_due=None, plan_review=None))
        assert kept[uuid.UUID(cases[0]["id"])] == (MONDAY + 3 * WEEK, MONDAY + 3 * WEEK)
        assert kept[uuid.UUID(cases[1]["id"])] == (MONDAY - WEEK, MONDAY + 4 * WEEK)
        assert kept[uuid.UUID(cases[2]["id"])] == (None, None)
        # A closed case is not filled (reopening fills it).
        _agree_in(session, cases[3]["id"])
        closed = session.get(Case, uuid.UUID(cases[3]["id"]))
        close(session, closed, outcome="tenancy_sustained", summary=".", policy=policy(), now=dt.datetime.now(dt.UTC))
        kept[closed.id] = (None, None)
        assert [p.first_due for p in session.scalars(select(Plan).order_by(Plan.created_at))][:3] == [
            MONDAY + WEEK, MONDAY + 3 * WEEK, MONDAY - WEEK]
    url = sustainment.db.url
    command.downgrade(config(SERVICE, url), "0019")
    upgrade(SERVICE, url)
    with sustainment.db.transaction() as session:
        assert {row.id: (row.plan_due, row.plan_review)
                for row in session.execute(select(Case.id, Case.plan_due, Case.plan_review))} == kept


def _agree_in(session, case_id) -> None:
    case = session.get(Case, uuid.UUID(case_id))
    agree_plan(session, case, goals=GOALS, actions=[{**ACTION, "due_date": MONDAY}], review_date=MONDAY + WEEK,
               by="officer-1", policy=policy(), now=dt.datetime.now(dt.UTC))


@pytest.fixture
def leaders_reads(sustainment, assigned_case, agency, tenancy_started, deliver):
    """The statements of the team's caseload, the overdue report and the performance figures, read
    by a team leader over an assigned case awaiting an agency's answer and the onboarding case of a
    tenancy started eight weeks ago."""

    def read() -> list[tuple[str, object]]:
        case = assigned_case()
        sustainment.client.post(f"/cases/{case['id']}/agency-referrals", headers=OFFICER,
                                json={"agency_id": agency("Welfare officer"), "reason": "Benefit check.",
                                      "consent_given": True})
        deliver(tenancy_started(tenancy_start=MONDAY - 8 * WEEK, tenancy_ref="T-8"))
        with statements_sent(sustainment.db.engine) as statements:
            for path in ("/caseload/team", "/reports/overdue", "/reports/performance"):
                assert sustainment.client.get(path, headers=LEADER).status_code == 200
        return statements

    return read


def test_chases_and_settling_in_visits_are_read_by_their_indexes_whatever_the_values(sustainment, leaders_reads):
    """Their statuses are written in the SQL as the partial indexes' WHERE has them, so that a
    prepared statement's generic plan can still use them (``casework.literal``)."""
    statements = leaders_reads()
    chases = [(s, p) for s, p in statements if "agency_referrals.chase_by <" in s]
    settled = [(s, p) for s, p in statements if "FROM visits" in s and "settling_in" in s
               and "visits.status = 'scheduled'" not in s]  # (the unassigned case's visits, by case)
    assert len(chases) == 2 and len(settled) == 3, statements  # the team's counts, the report; performance
    for statement, _ in chases:
        assert "agency_referrals.status IN ('sent', 'acknowledged')" in statement, statement
    for statement, _ in settled:
        assert "visits.kind = 'settling_in' AND visits.status = 'completed'" in statement, statement
    if sustainment.db.is_sqlite:
        return
    for statement, parameters in chases:
        assert "ix_agency_referrals_awaited" in plan_of(sustainment.db.engine, statement, parameters), statement
    for statement, parameters in settled:
        assert "ix_visits_settled" in plan_of(sustainment.db.engine, statement, parameters), statement


def test_the_overdue_report_of_a_type_reads_the_open_cases_of_that_type(sustainment, tenancy_started, deliver):
    """Not every onboarding case of five years ANDed with the open ones (``ix_cases_open_by_type``)."""
    deliver(tenancy_started(tenancy_start=MONDAY - 8 * WEEK, tenancy_ref="T-7"))
    with statements_sent(sustainment.db.engine) as statements:
        assert sustainment.client.get("/reports/overdue?case_type=onboarding", headers=LEADER).status_code == 200
    on_cases = [(s, p) for s, p in statements if "FROM cases" in s and "cases.case_type" in s]
    assert len(on_cases) == 5, statements
    if sustainment.db.is_sqlite:
        return
    for statement, parameters in on_cases:
        plan = plan_of(sustainment.db.engine, statement, parameters)
        assert "ix_cases_open_by_type" in plan or "ix_visits_scheduled" in plan, plan


# -- the open cases from one index, and plan reviews from the case (bench/NOTES.md, "The team's
# caseload and the reports (team)") ---------------------------------------------------------------

def _reviews_as_main_read_them(session, today: dt.date) -> list[tuple]:
    """The overdue report's plan reviews as main read them: the open cases joined to their plans,
    the current version's review date past."""
    from sqlalchemy.orm import aliased

    later = aliased(Plan)
    current = ~select(later.id).where(later.case_id == Plan.case_id, later.version > Plan.version).exists()
    return sorted(session.execute(
        select(Case.id, Plan.review_date, Plan.version).join(Plan, Plan.case_id == Case.id)
        .where(Case.status != "closed", Case.plan_review < today, Plan.review_date < today, current)).all())


def test_the_overdue_reports_plan_reviews_are_the_current_versions_past_without_a_join(
        sustainment, assigned_case):
    """Read from the case's ``plan_review`` with the current version asked by case, not the open
    cases joined to their plans (a join the planner sent to parallel workers at full size): the same
    rows as main's join."""
    from sustainment.cases import overdue

    past, ahead = dt.date(2022, 1, 10), MONDAY + 50 * WEEK
    revised_late, revised_in_time, once, none = (assigned_case() for _ in range(4))
    _agree(sustainment, revised_late["id"], review=ahead, actions=[])
    _agree(sustainment, revised_late["id"], review=past, actions=[])  # version 2 late
    _agree(sustainment, revised_in_time["id"], review=past, actions=[])
    _agree(sustainment, revised_in_time["id"], review=ahead, actions=[])  # version 1 was late, not 2
    _agree(sustainment, once["id"], review=past + WEEK, actions=[])
    now = dt.datetime.now(dt.UTC)
    with statements_sent(sustainment.db.engine) as statements, sustainment.db.transaction() as session:
        rows = overdue.report(session, case_type=None, policy=policy(), now=now)
    reviews = sorted((r["case_id"], r["due"], r["related_id"]) for r in rows if r["deadline"] == "plan_review")
    from sustainment import rules
    with sustainment.db.transaction() as session:
        expected = [(case_id, rules.close_of_business(review), str(version))
                    for case_id, review, version in _reviews_as_main_read_them(session, MONDAY.today())]
    assert reviews == sorted(expected)
    assert {(str(case_id), related) for case_id, _, related in reviews} == {
        (revised_late["id"], "2"), (once["id"], "1")}
    assert not [s for s, _ in statements if "JOIN plans" in s], statements


def test_the_open_cases_are_read_from_one_index_alone(sustainment, leaders_reads):
    """The team's counts, the overdue report's statements on every open case and the open cases
    figure read ``ix_cases_open_load`` (PostgreSQL: covering, so no visit to the table)."""
    if sustainment.db.is_sqlite:
        return
    statements = leaders_reads()
    # As autovacuum leaves a table whose rows have settled: the pages all visible, the statistics known.
    with sustainment.db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.exec_driver_sql("VACUUM (ANALYZE) cases")
    wanted = {
        "the team's counts": lambda s: "GROUP BY cases.officer_id, cases.risk_level" in s and "sum(CASE" in s,
        "settling-in visits": lambda s: "cases.settling_in_due <" in s and "FROM cases" in s and "sum(" not in s,
        "plan reviews": lambda s: "cases.plan_review <" in s,
        "agency chases": lambda s: "JOIN agency_referrals" in s,
        "open cases": lambda s: "count(*) AS cases" in s,
    }
    for name, which in wanted.items():
        [(statement, parameters)] = [(s, p) for s, p in statements if which(s)] or [(None, None)]
        assert statement is not None, (name, statements)
        plan = plan_of(sustainment.db.engine, statement, parameters)
        assert "Index Only Scan using ix_cases_open_load" in plan, (name, plan)
