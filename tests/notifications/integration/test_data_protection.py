"""Data protection in notifications: its part of a subject-access export (found by the records the
other services found) and the retention sweep of closed tasks, read messages and delivery logs."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
import sqlalchemy as sa
from notifications_support import ADMIN, add_directory, case, handle

from casework import privacy
from casework_dev.testing import bearer, statements_sent
from notifications.models import Delivery
from notifications.privacy import RETENTION

LEADER = bearer("o-leader", "sustainment_officer", "team_leader")
TSO = bearer("o-tso", "sustainment_officer")
LATER = dt.datetime.now(dt.UTC) + dt.timedelta(days=365 * 3)


@pytest.fixture
def closed_case(notifications):
    """A case opened, assigned (the officer told), the message read, closed; a webhook logged for each event."""
    add_directory(notifications)
    r = notifications.client.post("/subscriptions", headers=ADMIN, json={
        "url": "http://127.0.0.1:9/hook", "event_types": ["*"], "secret": "s3cret-s3cret-s3cret"})
    assert r.status_code == 201, r.json
    case_id = uuid.uuid4()
    for type_ in ("opened", "assigned"):
        handle(notifications, case(type_, case_id))
    [message] = notifications.client.get("/notifications?recipient=o-tso", headers=TSO).json
    assert notifications.client.post(f"/notifications/{message['id']}/read", headers=TSO).status_code == 200
    handle(notifications, case("closed", case_id, outcome="tenancy_sustained", closed_at=dt.datetime.now(dt.UTC)))
    with notifications.db.transaction() as session:
        session.execute(sa.update(Delivery).values(status="sent"))
    return case_id


def sweep(notifications, now=LATER):
    with notifications.db.transaction() as session:
        return privacy.sweep(session, RETENTION, service="notifications", now=now)


def test_the_export_finds_tasks_messages_and_deliveries_by_the_records_other_services_found(notifications,
                                                                                             closed_case):
    r = notifications.client.get("/subjects/export", headers=LEADER,
                                 query_string={"related": [f"case:{closed_case}", f"referral:{uuid.uuid4()}"]})
    assert r.status_code == 200, r.json
    kinds = [record["record_type"] for record in r.json["records"]]
    assert kinds.count("task") == 2 and kinds.count("notification") == 1 and kinds.count("delivery") == 3
    assert {record["data"]["subject"]["id"] for record in r.json["records"] if record["record_type"] == "task"} == {
        str(closed_case)}
    unrelated = notifications.client.get("/subjects/export", headers=LEADER,
                                         query_string={"related": f"case:{uuid.uuid4()}"})
    assert unrelated.json["records"] == []
    assert notifications.client.get("/subjects/export?related=case:x", headers=TSO).status_code == 403


def test_the_sweep_removes_what_closed_tasks_read_messages_and_deliveries_were_about(notifications, closed_case):
    assert sweep(notifications, now=dt.datetime.now(dt.UTC)) == {"task": 0, "notification": 0, "delivery": 0}
    assert sweep(notifications) == {"task": 2, "notification": 1, "delivery": 3}
    tasks = notifications.client.get("/tasks", headers=ADMIN).json
    assert {(t["title"], t["subject"]["reference"], t["status"]) for t in tasks} == {("[removed]", None, "done")}
    [message] = notifications.client.get("/notifications?recipient=o-tso", headers=TSO).json
    assert message["message"] == "[removed]" and message["link"] is None
    with notifications.db.transaction() as session:
        assert {(d.address, d.body, d.status) for d in session.scalars(sa.select(Delivery))} == {
            ("[removed]", "[removed]", "sent")}
    counts = {e.data["record_type"]: e.data["count"] for e in notifications.events("notifications.records.anonymised.v1")}
    assert counts == {"task": 2, "notification": 1, "delivery": 3}
    assert sweep(notifications) == {"task": 0, "notification": 0, "delivery": 0}


def test_a_legal_hold_keeps_a_task(notifications, closed_case):
    [task, *_] = notifications.client.get("/tasks", headers=ADMIN).json
    url = f"/legal-holds/task/{task['id']}"
    assert notifications.client.put(url, json={"reason": "Complaint"}, headers=TSO).status_code == 403
    assert notifications.client.put(url, json={"reason": "Complaint"}, headers=LEADER).status_code == 200
    assert sweep(notifications)["task"] == 1
    assert notifications.client.get(f"/tasks/{task['id']}", headers=ADMIN).json["title"] != "[removed]"
    assert notifications.client.delete(url, headers=LEADER).status_code == 204
    assert sweep(notifications)["task"] == 1


@pytest.mark.parametrize("type_, data, manager, subject", [
    ("sustainment.restricted.read", {"case_id": uuid.uuid4(), "reference": "S-000045", "case_type": "sustainment",
                                     "officer_id": "o-tso"}, "o-leader", "case"),
    ("intake.restricted.read", {"referral_id": uuid.uuid4(), "reference": "R-000123"}, "o-intake-lead", "referral"),
])
def test_a_break_glass_read_tasks_and_tells_the_teams_manager(notifications, type_, data, manager, subject):
    from notifications_support import event

    add_directory(notifications)
    handle(notifications, event(type_, data | {"reader": "o-stranger", "read_at": dt.datetime.now(dt.UTC)}))

    [task] = notifications.client.get("/tasks", headers=ADMIN).json
    assert (task["assignee"], task["priority"], task["subject"]["type"]) == (manager, "high", subject)
    assert task["title"] == f"Check o-stranger's break-glass read of {subject} {data['reference']}"
    [message] = notifications.client.get(f"/notifications?recipient={manager}", headers=ADMIN).json
    assert message["message"].startswith(f"o-stranger read the restricted details of {subject} {data['reference']}")


def test_the_sweep_writes_each_kind_in_one_statement_whichever_fields_were_empty(notifications, closed_case):
    """A task with a closing reason and one without, a delivery with an error and two without: each
    kind's batch is one UPDATE of many rows (an UPDATE per run of rows whose empty fields differed
    made a large council's year of closures wait on a statement a few records; bench/NOTES.md,
    "Sweeping a year")."""
    from notifications.models import Task

    with notifications.db.transaction() as session:
        session.scalars(sa.select(Task).limit(1)).one().closed_reason = "Closed with the case."
        session.scalars(sa.select(Delivery).limit(1)).one().last_error = "timed out"
    with statements_sent(notifications.db.engine) as sent:
        assert sweep(notifications) == {"task": 2, "notification": 1, "delivery": 3}
    updates = [sql.split()[1] for sql, _ in sent if sql.startswith(("UPDATE tasks", "UPDATE deliveries"))]
    assert sorted(updates) == ["deliveries", "tasks"], updates
