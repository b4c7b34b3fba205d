"""An officer may take only an unassigned task, or one a team leader hands over: through the API
and through the inbox page alike."""

import uuid

import pytest
from notifications_support import add_directory, case, handle

from casework_dev.testing import bearer
from casework_dev.testing.pages import csrf, sign_in

TSO = bearer("o-tso", "sustainment_officer")
LEADER = bearer("o-leader", "sustainment_officer", "team_leader")


@pytest.fixture
def teammates_task(notifications) -> str:
    """The sustainment team's "Assign case" task, which the team leader has given to themselves."""
    add_directory(notifications)
    handle(notifications, case("opened", uuid.uuid4()))
    (task,) = notifications.client.get("/tasks", headers=LEADER).json
    taken = notifications.client.post(f"/tasks/{task['id']}/assignment", json={"assignee": "o-leader"},
                                      headers=LEADER)
    assert taken.status_code == 200
    return task["id"]


def assignee(notifications, task_id: str) -> str | None:
    return notifications.client.get(f"/tasks/{task_id}", headers=LEADER).json["assignee"]


def test_an_officer_cannot_take_a_teammates_task_through_the_api(notifications, teammates_task):
    r = notifications.client.post(f"/tasks/{teammates_task}/assignment", json={"assignee": "o-tso"}, headers=TSO)

    assert r.status_code == 409 and r.mimetype == "application/problem+json"
    assert "team leader can hand it over" in r.json["detail"]
    assert assignee(notifications, teammates_task) == "o-leader"


def test_an_officer_cannot_take_a_teammates_task_from_the_inbox_page(notifications, teammates_task):
    with notifications.app.test_client() as browser:
        sign_in(browser, "o-tso")
        page = browser.get("/app/inbox").get_data(as_text=True)

        browser.post(f"/app/inbox/tasks/{teammates_task}/claim", data={"csrf_token": csrf(page)})

        assert "team leader can hand it over" in browser.get("/app/inbox").get_data(as_text=True)
    assert assignee(notifications, teammates_task) == "o-leader"


def test_an_officer_takes_an_unassigned_task_through_the_api(notifications):
    add_directory(notifications)
    handle(notifications, case("opened", uuid.uuid4()))
    (task,) = notifications.client.get("/tasks", headers=TSO).json

    r = notifications.client.post(f"/tasks/{task['id']}/assignment", json={"assignee": "o-tso"}, headers=TSO)

    assert (r.status_code, r.json["assignee"]) == (200, "o-tso")


def test_a_team_leader_hands_a_teammates_task_over(notifications, teammates_task):
    r = notifications.client.post(f"/tasks/{teammates_task}/assignment", json={"assignee": "o-tso"}, headers=LEADER)

    assert (r.status_code, r.json["assignee"]) == (200, "o-tso")

