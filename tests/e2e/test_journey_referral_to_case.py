"""Journeys 1 and 3, every process real: a partner's referral is triaged into a sustainment
case, assigned, and worked (plan, visits, agency referral, risk, closure), with each officer's
task list checked at every step."""

import datetime as dt

import pytest

from casework_dev.testing import wait_until

from .conftest import assigned_and_told, one_task, referred_and_accepted, task_status

pytestmark = pytest.mark.slow


def test_a_referral_is_triaged_into_a_case_and_the_officer_is_told(people):
    _, case = referred_and_accepted(people)
    assert (case["case_type"], case["status"], case["risk_level"], case["officer_id"]) == (
        "sustainment", "open", "high", None)
    assert case["tenancy_ref"] == "T-0042117" and case["first_contact_due"]
    assert case["tenant"]["name"] == "Alex Morgan"
    assigned_and_told(people, case)


def test_case_work_plan_visits_agency_referral_risk_and_closure(people):
    sam, tara = people.sustainment_officer, people.team_leader
    _, case = referred_and_accepted(people)
    case_path = f"/cases/{case['id']}"
    assert tara.post("sustainment", f"{case_path}/assignment", {"officer_id": sam.sub}).status_code == 200
    first_contact = one_task(sam, subject_id=case["id"], assignee=sam.sub, status="open")

    # A plan is agreed with the tenant, against the version of the case the officer read.
    read = sam.get("sustainment", case_path)
    due = (dt.date.today() + dt.timedelta(days=14)).isoformat()
    plan = {"goals": [{"title": "Clear the rent arrears", "category": "rent_arrears"}],
            "actions": [{"title": "Apply for Discretionary Housing Payment", "category": "income_and_benefits",
                         "owner": "tenant", "due_date": due},
                        {"title": "Refer to the debt advice service", "category": "income_and_benefits",
                         "owner": "officer", "due_date": due}]}
    agreed = sam.put("sustainment", f"{case_path}/plan", plan, headers={"If-Match": read.headers["ETag"]})
    assert agreed.status_code == 200, agreed.text
    assert (agreed.json()["version"], agreed.json()["status"], agreed.json()["agreed_by"]) == (1, "agreed", sam.sub)
    stale = sam.put("sustainment", f"{case_path}/plan", plan, headers={"If-Match": read.headers["ETag"]})
    assert stale.status_code == 412

    # Three home visits with no access: each makes a visit task that its outcome closes; the
    # third raises the risk a level and tasks the team leader to review the case.
    for attempt in range(3):
        when = (dt.datetime.now(dt.UTC) + dt.timedelta(hours=attempt + 1)).isoformat()
        visit = sam.post("sustainment", f"{case_path}/visits", {"kind": "home_visit", "scheduled_for": when})
        assert visit.status_code == 201, visit.text
        visit_task = open_visit_task(sam, case["id"])
        assert visit_task["title"] == f"Record the outcome of the visit for case {case['reference']}"
        outcome = sam.post("sustainment", f"{case_path}/visits/{visit.json()['id']}/outcome",
                           {"outcome": "no_access", "notes": "Card left."})
        assert outcome.status_code == 200, outcome.text
        task_status(sam, visit_task["id"], "done")

    raised = sam.get("sustainment", case_path).json()
    assert raised["risk_level"] == "critical" and raised["consecutive_no_access"] == 3
    review = one_task(tara, subject_id=case["id"], assignee=tara.sub, status="open")
    assert review["title"] == f"Review case {case['reference']}: risk raised to critical"
    assert review["priority"] == "high"

    # A referral to debt advice (an agency of the directory, imported from an Open Referral UK
    # export), with the tenant's consent.
    service = {"id": "e2e-debt-advice", "name": "Debt advice", "organization": {"name": "Citizens Advice"}}
    imported = people.admin.post("sustainment", "/agencies/import", {"content": [service]})
    assert imported.status_code == 200, imported.text
    [debt_advice] = [a for a in sam.get("sustainment", "/agencies").json() if a["oruk_service_id"] == service["id"]]
    agency = sam.post("sustainment", f"{case_path}/agency-referrals",
                      {"agency_id": debt_advice["id"], "reason": "Priority debts alongside rent arrears.",
                       "consent_given": True})
    assert agency.status_code == 201, agency.text

    # The officer lowers the risk after speaking to the tenant.
    lowered = sam.post("sustainment", f"{case_path}/risk",
                       {"risk_level": "high", "reason": "Tenant engaging again after the debt referral."})
    assert lowered.status_code == 200 and lowered.json()["risk_level"] == "high"

    # Closed with an outcome: every task about the case closes itself; a second closure is 409.
    closure = {"outcome": "tenancy_sustained", "summary": "Arrears on a payment plan; tenant engaging."}
    closed = sam.post("sustainment", f"{case_path}/closure", closure)
    assert closed.status_code == 200, closed.text
    assert closed.json()["status"] == "closed"
    assert sam.post("sustainment", f"{case_path}/closure", closure).status_code == 409
    task_status(sam, first_contact["id"], "done")
    task_status(tara, review["id"], "done")

    final = sam.get("sustainment", case_path).json()
    assert len(final["visits"]) == 3 and {v["status"] for v in final["visits"]} == {"no_access"}
    assert [a["agency"] for a in final["agency_referrals"]] == ["Citizens Advice: Debt advice"]
    assert [(r["from_level"], r["to_level"]) for r in final["risk_history"]][-2:] == [("high", "critical"),
                                                                                     ("critical", "high")]
    kinds = [entry["kind"] for entry in final["timeline"]]
    assert kinds[0] == "case_opened" and kinds[-1] == "closed"
    assert {"assigned", "plan_agreed", "visit_scheduled", "visit_recorded", "agency_referral", "risk_changed"} <= set(kinds)
    assert sam.tasks(subject_id=case["id"], status="open") == []


def open_visit_task(officer, case_id: str) -> dict:
    """The case's one open visit task (earlier visits' tasks are done by then)."""
    def found():
        tasks = [t for t in officer.tasks(subject_id=case_id, status="open") if t["rule"] == "visit"]
        return tasks[0] if len(tasks) == 1 else None

    return wait_until(found, timeout=20, interval=0.2, message="the visit task")


def test_a_deadline_that_passes_is_raised_and_the_overdue_task_escalated(people):
    sam, tara = people.sustainment_officer, people.team_leader
    _, case = referred_and_accepted(people)
    assert tara.post("sustainment", f"/cases/{case['id']}/assignment", {"officer_id": sam.sub}).status_code == 200

    # A home visit ten days ago (well past its outcome deadline, bank holidays or not), never recorded.
    when = (dt.datetime.now(dt.UTC) - dt.timedelta(days=10)).replace(hour=10, minute=0).isoformat()
    visit = sam.post("sustainment", f"/cases/{case['id']}/visits", {"kind": "home_visit", "scheduled_for": when})
    assert visit.status_code == 201, visit.text

    # Sustainment's timer raises deadline.missed: the team leader is tasked with it.
    missed = one_task(tara, subject_id=case["id"], assignee=tara.sub, status="open")
    assert missed["title"] == f"Deadline missed on case {case['reference']} (visit)"
    assert missed["priority"] == "high"
    timeline = sam.get("sustainment", f"/cases/{case['id']}").json()["timeline"]
    assert "deadline_missed" in [entry["kind"] for entry in timeline]

    # Notifications escalates the overdue visit task to the team's manager and tells them.
    visit_task = open_visit_task(sam, case["id"])
    assert visit_task["overdue"] is True
    def escalated_task():
        task = sam.get("notifications", f"/tasks/{visit_task['id']}").json()
        return task if task["escalated_to"] else None

    escalated = wait_until(escalated_task, timeout=20, interval=0.2, message="the escalation")
    assert escalated["escalated_to"] == tara.sub
    assert visit_task["id"] in [t["id"] for t in tara.tasks(overdue="true")]
    wait_until(lambda: any(n["message"] == f"Overdue: {visit_task['title']}" for n in tara.inbox()),
               timeout=20, interval=0.2, message="the team leader's message")

    # Recording the outcome closes the visit task.
    outcome = sam.post("sustainment", f"/cases/{case['id']}/visits/{visit.json()['id']}/outcome",
                       {"outcome": "completed", "notes": "Seen; tenant well."})
    assert outcome.status_code == 200, outcome.text
    task_status(sam, visit_task["id"], "done")
