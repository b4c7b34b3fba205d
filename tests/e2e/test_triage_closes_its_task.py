"""A front-line officer raises a referral; its triage task leads to the referral's page and
closes itself when the referral is triaged (signposted or rejected), through the real broker
(PostgreSQL and RabbitMQ with every process running; and `casework run`)."""

import pytest

from casework_dev.system import Client

from .conftest import REFERRAL, one_task, task_status

pytestmark = pytest.mark.slow


@pytest.mark.parametrize(("role", "outcome"), [
    ("housing_officer", {"outcome": "signpost", "reason": "Debt advice fits better.", "signposted_to": "Citizens Advice"}),
    ("income_officer", {"outcome": "reject", "reason": "The arrears were cleared this morning."}),
])
def test_a_referral_raised_by_an_officer_is_triaged_and_its_task_closes_itself(system, people, role, outcome):
    urls = system.urls()
    raiser = Client(urls, f"{role.replace('_', '-')}-e2e", role, secret=system.jwt_secret)
    iris, tara = people.intake_officer, people.team_leader

    made = raiser.post("intake", "/referrals", REFERRAL)
    assert made.status_code == 201, made.text
    referral = made.json()
    assert raiser.get("intake", f"/referrals/{referral['id']}").status_code == 200
    found = iris.get("intake", "/referrals", reference=referral["reference"], order="triage_due")
    assert [r["id"] for r in found.json()] == [referral["id"]]

    task = one_task(iris, subject_id=referral["id"])
    assert task["page_url"] == f"{urls['intake']}/app/referrals/{referral['id']}"
    assert task["closes_itself"] is True
    # The officer triages the referral; marking the task done instead is refused.
    refused = iris.post("notifications", f"/tasks/{task['id']}/complete", {"reason": "Looked at it."})
    assert refused.status_code == 403, refused.text
    workload = tara.get("notifications", "/teams/intake/workload")
    assert workload.status_code == 200 and workload.json()["unassigned"]["open"] >= 1

    triaged = iris.post("intake", f"/referrals/{referral['id']}/triage", outcome)
    assert triaged.status_code == 200, triaged.text

    closed = task_status(iris, task["id"], "done")
    assert (closed["closed_by"], closed["closed_reason"]) == ("event", None)
    assert closed["closed_by_event"]
