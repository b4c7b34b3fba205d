"""The team's caseload counts overdue cases in the database (``cases.overdue``): by the same rules
as a case's own deadlines (``reading.deadlines``), at every moment around each deadline."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from casework_dev.testing import bearer
from casework_dev.testing.times import plain_monday
from sustainment.cases import overdue, reading
from sustainment.models import Case
from sustainment.policy import current as policy

OFFICER = bearer("officer-1", "sustainment_officer")
MONDAY = plain_monday()
YEAR = MONDAY.year
DAY, WEEK, MINUTE = dt.timedelta(days=1), dt.timedelta(weeks=1), dt.timedelta(minutes=1)


def _cases_with_every_kind_of_deadline(sustainment, assigned_case, tenancy_started, deliver, agency) -> None:
    c = sustainment.client
    assigned_case()  # first contact still to make
    visited, referred, planned = assigned_case(), assigned_case(), assigned_case()
    for case in (visited, referred, planned):
        c.post(f"/cases/{case['id']}/contacts", json={"method": "phone"}, headers=OFFICER)
    c.post(f"/cases/{visited['id']}/visits", json={"kind": "home_visit", "scheduled_for": f"{MONDAY}T10:00:00Z"},
           headers=OFFICER)
    c.post(f"/cases/{referred['id']}/agency-referrals", headers=OFFICER,
           json={"agency_id": agency("Welfare officer"), "reason": "Benefit check.", "consent_given": True})
    action = {"title": "Apply for DHP", "category": "rent_arrears", "owner": "tenant"}
    c.put(f"/cases/{planned['id']}/plan", headers=OFFICER, json={
        "goals": [{"title": "Keep the home", "category": "rent_arrears"}], "review_date": f"{YEAR}-06-01",
        "actions": [{**action, "due_date": f"{MONDAY - WEEK}", "status": "done"},
                    {**action, "due_date": f"{MONDAY + WEEK}"}]})
    deliver(tenancy_started(tenancy_start=MONDAY, tenancy_ref="T-1"))  # settling-in visit and its plan
    deliver(tenancy_started(tenancy_start=MONDAY, tenancy_ref="T-2"))
    [made] = [x for x in c.get("/cases?tenancy_ref=T-2", headers=OFFICER).json]
    visit = c.post(f"/cases/{made['id']}/visits", headers=OFFICER,
                   json={"kind": "settling_in", "scheduled_for": f"{MONDAY + DAY}T10:00:00Z"}).json
    c.post(f"/cases/{made['id']}/visits/{visit['id']}/outcome", json={"outcome": "completed"}, headers=OFFICER)


def test_the_overdue_count_agrees_with_each_cases_deadlines_around_every_deadline(
        sustainment, assigned_case, tenancy_started, deliver, agency):
    _cases_with_every_kind_of_deadline(sustainment, assigned_case, tenancy_started, deliver, agency)
    rules = policy()
    with sustainment.db.transaction() as session:
        cases = session.scalars(select(Case).options(
            selectinload(Case.visits), selectinload(Case.plans), selectinload(Case.agency_referrals))).all()
        every = [d for case in cases for d in reading.deadlines(case, policy=rules, now=dt.datetime.now(dt.UTC))]
        assert {d.deadline for d in every} == {
            "first_contact", "visit", "agency_chase", "plan_action", "plan_review", "settling_in_visit"}
        dues = {d.due for d in every}
        where = (Case.status != "closed",)
        for due in sorted(dues):
            for now in (due - MINUTE, due, due + MINUTE):
                expected = {case.id for case in cases
                            if any(d.overdue for d in reading.deadlines(case, policy=rules, now=now))}
                assert overdue.overdue_cases(session, where, policy=rules, now=now) == expected, now
