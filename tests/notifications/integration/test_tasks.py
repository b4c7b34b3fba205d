"""Tasks made and closed by events, and worked over the API."""

import datetime as dt
import uuid

from notifications_support import ADMIN, add_directory, case, event, fire_timers, handle, offer, referral, soon

from casework_dev.testing import bearer
from notifications.models import Task

INTAKE = bearer("o-intake", "intake_officer")
TSO = bearer("o-tso", "sustainment_officer")
LEADER = bearer("o-leader", "sustainment_officer", "team_leader")
STRANGER = bearer("o-stranger", "lettings_officer")
INTAKE_LEAD = bearer("o-intake-lead", "intake_officer", "team_leader")


def tasks(harness, headers=ADMIN, **query):
    r = harness.client.get("/tasks", query_string=query, headers=headers)
    assert r.status_code == 200, r.json
    return r.json


def test_a_new_referral_tasks_the_intake_team_due_at_its_triage_deadline(notifications):
    received = referral()

    handle(notifications, received)

    (task,) = tasks(notifications)
    assert task["title"] == "Triage referral R-000123"
    assert (task["team"], task["assignee"], task["status"], task["priority"]) == ("intake", None, "open", "high")
    assert task["due"] == received.data["triage_due"].replace("Z", "+00:00")
    assert task["subject"] == {"type": "referral", "id": received.data["referral_id"], "service": "intake",
                               "reference": "R-000123",
                               "link": f"http://127.0.0.1:8001/referrals/{received.data['referral_id']}"}
    assert task["page_url"] == f"http://127.0.0.1:8001/app/referrals/{received.data['referral_id']}"
    assert task["closes_itself"] is True
    assert task["created_by_event"] == received.id
    (created,) = notifications.events("notifications.task.created.v1")
    assert created.data["task_id"] == task["id"] and created.causationid == received.id


def test_the_triage_task_closes_itself_when_the_referral_is_triaged(notifications):
    received = referral()
    handle(notifications, received)
    accepted = referral("accepted", referral_id=uuid.UUID(received.data["referral_id"]))

    handle(notifications, accepted)

    (task,) = tasks(notifications)
    assert (task["status"], task["closed_by"], task["closed_by_event"]) == ("done", "event", accepted.id)


def test_a_burst_of_events_for_one_referral_makes_one_task(notifications):
    referral_id = uuid.uuid4()
    for _ in range(3):
        handle(notifications, referral(referral_id=referral_id))

    assert len(tasks(notifications)) == 1
    assert len(notifications.events("notifications.task.created.v1")) == 1


def test_a_case_is_assigned_then_the_officer_is_told_and_given_first_contact(notifications):
    add_directory(notifications)
    case_id = uuid.uuid4()
    handle(notifications, case("opened", case_id))
    (assign,) = tasks(notifications)
    assert (assign["title"], assign["team"]) == ("Assign case C-000045", "sustainment")

    assigned = case("assigned", case_id)
    handle(notifications, assigned)

    by_title = {t["title"]: t for t in tasks(notifications)}
    assert by_title["Assign case C-000045"]["status"] == "done"
    first = by_title["First contact for case C-000045"]
    assert (first["assignee"], first["status"], first["due"]) == (
        "o-tso", "open", assigned.data["first_contact_due"].replace("Z", "+00:00"))
    inbox = notifications.client.get("/notifications", headers=TSO).json
    assert [m["message"] for m in inbox] == ["Case C-000045 has been assigned to you: make first contact."]
    assert inbox[0]["subject"]["link"] == f"http://127.0.0.1:8002/cases/{case_id}"


def test_recording_first_contact_closes_the_first_contact_task(notifications):
    add_directory(notifications)
    case_id = uuid.uuid4()
    handle(notifications, case("opened", case_id))
    handle(notifications, case("assigned", case_id))
    handle(notifications, event("sustainment.contact.recorded", {
        "case_id": case_id, "reference": "C-000045", "case_type": "sustainment", "officer_id": "o-tso",
        "first_contact_at": dt.datetime.now(dt.UTC)}, subject=str(case_id)))
    first = {t["title"]: t for t in tasks(notifications)}["First contact for case C-000045"]
    assert first["status"] == "done"


def test_an_offer_refused_closes_the_chase_and_asks_for_the_next_bidder(notifications):
    offer_id, advert_id = uuid.uuid4(), uuid.uuid4()
    handle(notifications, offer("made", offer_id, advert_id))
    handle(notifications, offer("refused", offer_id, advert_id))

    by_title = {t["title"]: t for t in tasks(notifications)}
    assert by_title["Chase the response to offer O-000007"]["status"] == "done"
    next_bidder = by_title["Offer the next bidder (offer O-000007 was not taken up)"]
    assert (next_bidder["status"], next_bidder["team"], next_bidder["subject"]["type"]) == ("open", "lettings", "advert")

    handle(notifications, offer("made", uuid.uuid4(), advert_id))

    assert tasks(notifications, status="done", subject_id=str(advert_id))[0]["id"] == next_bidder["id"]


def test_a_missed_deadline_alerts_the_team_manager(notifications):
    add_directory(notifications)
    case_id = uuid.uuid4()
    handle(notifications, event("sustainment.deadline.missed", {
        "case_id": case_id, "reference": "C-000045", "case_type": "sustainment", "officer_id": "o-tso",
        "deadline": "first_contact", "due": soon(-1)}))

    (task,) = tasks(notifications, assignee="o-leader")
    assert task["title"] == "Deadline missed on case C-000045 (first_contact)"
    inbox = notifications.client.get("/notifications", headers=LEADER).json
    assert inbox[0]["message"] == "A deadline (first_contact) was missed on case C-000045."


def test_officers_see_their_own_and_their_teams_tasks_only(notifications):
    add_directory(notifications)
    handle(notifications, referral())
    (task,) = tasks(notifications)

    assert [t["id"] for t in tasks(notifications, INTAKE)] == [task["id"]]
    assert tasks(notifications, STRANGER) == []
    assert notifications.client.get(f"/tasks/{task['id']}", headers=STRANGER).status_code == 404
    assert notifications.client.get("/tasks", headers=bearer("sys-1", "referrer")).status_code == 403
    assert notifications.client.get("/tasks").status_code == 401


def test_filters_by_status_team_assignee_and_due(notifications):
    handle(notifications, referral())
    offer_id = uuid.uuid4()
    handle(notifications, offer("made", offer_id, uuid.uuid4()))

    assert [t["team"] for t in tasks(notifications, team="lettings")] == ["lettings"]
    assert [t["team"] for t in tasks(notifications, due_before=(dt.datetime.now(dt.UTC) + dt.timedelta(days=1, hours=1))
                                     .isoformat())] == ["intake"]
    assert tasks(notifications, overdue="true") == []
    assert len(tasks(notifications, overdue="false")) == 2
    assert tasks(notifications, status="done") == []
    r = notifications.client.get("/tasks", query_string={"status": "finished"}, headers=ADMIN)
    assert r.status_code == 422 and "status" in r.json["errors"]


def test_a_task_is_acknowledged_then_closed_by_hand_by_a_team_leader(notifications):
    add_directory(notifications)
    handle(notifications, referral())
    (task,) = tasks(notifications)
    url = f"/tasks/{task['id']}"

    assert notifications.client.post(f"{url}/acknowledge", headers=INTAKE).json["status"] == "acknowledged"
    done = notifications.client.post(f"{url}/complete", json={"reason": "Triaged on paper in the outage."},
                                     headers=INTAKE_LEAD)
    assert (done.status_code, done.json["status"], done.json["closed_by"]) == (200, "done", "o-intake-lead")
    assert done.json["closed_reason"] == "Triaged on paper in the outage."
    again = notifications.client.post(f"{url}/complete", json={"reason": "Again"}, headers=INTAKE_LEAD)
    assert again.status_code == 409 and again.mimetype == "application/problem+json"
    with notifications.db.transaction() as session:
        from sqlalchemy import select

        from casework.timers import Timer

        timer = session.scalar(select(Timer).where(Timer.key == f"task_overdue:{task['id']}"))
        assert timer.cancelled_at is not None


def test_a_team_leader_reassigns_a_task_and_the_officer_is_told(notifications):
    add_directory(notifications)
    handle(notifications, case("opened", uuid.uuid4()))
    (task,) = tasks(notifications)

    r = notifications.client.post(f"/tasks/{task['id']}/assignment", json={"assignee": "o-tso"}, headers=LEADER)

    assert (r.status_code, r.json["assignee"], r.json["team"]) == (200, "o-tso", "sustainment")
    assert notifications.client.get("/notifications", headers=TSO).json[0]["message"] == \
        "A task has been assigned to you: Assign case C-000045"
    refused = notifications.client.post(f"/tasks/{task['id']}/assignment", json={"assignee": "o-leader"},
                                        headers=TSO)
    assert refused.status_code == 403
    empty = notifications.client.post(f"/tasks/{task['id']}/assignment", json={}, headers=LEADER)
    assert empty.status_code == 422 and "assignee" in empty.json["errors"]


def test_an_overdue_task_escalates_once_to_the_team_manager(notifications):
    add_directory(notifications)
    handle(notifications, referral())
    (task,) = tasks(notifications)
    later = dt.datetime.now(dt.UTC) + dt.timedelta(days=3)

    assert fire_timers(notifications, now=later) == 1
    assert fire_timers(notifications, now=later + dt.timedelta(days=1)) == 0

    escalated = notifications.client.get(f"/tasks/{task['id']}", headers=ADMIN).json
    assert escalated["escalated_to"] == "o-intake-lead" and escalated["escalated_at"]
    (overdue,) = notifications.events("notifications.task.overdue.v1")
    assert (overdue.data["task_id"], overdue.data["escalated_to"]) == (task["id"], "o-intake-lead")
    inbox = notifications.client.get("/notifications", query_string={"recipient": "o-intake-lead"}, headers=ADMIN)
    assert [m["message"] for m in inbox.json] == ["Overdue: Triage referral R-000123"]


def test_a_task_done_before_its_due_time_never_escalates(notifications):
    handle(notifications, referral())
    (task,) = tasks(notifications)
    notifications.client.post(f"/tasks/{task['id']}/complete", json={"reason": "Dealt with by phone."}, headers=ADMIN)

    assert fire_timers(notifications, now=dt.datetime.now(dt.UTC) + dt.timedelta(days=3)) == 0
    assert notifications.events("notifications.task.overdue.v1") == []
    with notifications.db.transaction() as session:
        assert session.get(Task, uuid.UUID(task["id"])).escalated_at is None


def test_a_status_asked_for_is_written_in_the_sql_as_the_live_index_has_it(notifications):
    """``?status=open`` sent as a parameter was planned generically after five runs (psycopg
    prepares them), a plan that cannot use ``ix_tasks_live_due``: an officer's inbox JSON walked
    two million tasks in due order (bench/NOTES.md, a large council: 960 ms, 44 ms written in)."""
    from sqlalchemy import event as sa_event

    handle(notifications, referral())
    statements = []

    def record(_conn, _cursor, statement, *_):
        statements.append(statement)

    sa_event.listen(notifications.db.engine, "before_cursor_execute", record)
    try:
        assert [t["status"] for t in tasks(notifications, status="open")] == ["open"]
    finally:
        sa_event.remove(notifications.db.engine, "before_cursor_execute", record)
    listing = [s for s in statements if "FROM tasks" in s and "ORDER BY tasks.due" in s]
    assert listing and all("tasks.status IN ('open')" in s for s in listing), listing
