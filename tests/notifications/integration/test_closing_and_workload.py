"""Tasks closed by hand (with a reason; a self-closing task only by a team leader), where each
task leads, and a team's workload for its leaders."""

import datetime as dt
import uuid

import pytest
from notifications_support import ADMIN, add_directory, case, event, handle, offer, referral
from sqlalchemy import update

from casework import audit
from casework_dev.testing import bearer, statements_sent
from notifications.models import Task

INTAKE = bearer("o-intake", "intake_officer")
TSO = bearer("o-tso", "sustainment_officer")
LEADER = bearer("o-leader", "sustainment_officer", "team_leader")
INTAKE_LEAD = bearer("o-intake-lead", "intake_officer", "team_leader")


def only_task(harness, **query):
    r = harness.client.get("/tasks", query_string=query, headers=ADMIN)
    assert r.status_code == 200, r.json
    (task,) = r.json
    return task


def support_window_ended(case_id):
    return event("sustainment.support_window.ended", {
        "case_id": case_id, "reference": "C-000045", "case_type": "onboarding", "officer_id": "o-tso",
        "support_ends": dt.date.today()}, subject=str(case_id))


def test_every_task_leads_to_the_page_where_its_work_is_done(notifications):
    add_directory(notifications)
    referral_id, case_id, offer_id, advert_id = uuid.uuid4(), uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    handle(notifications, referral(referral_id=referral_id))
    handle(notifications, case("opened", case_id))
    handle(notifications, offer("made", offer_id, advert_id))
    handle(notifications, offer("refused", offer_id, advert_id))
    last_offer, home = uuid.uuid4(), uuid.uuid4()  # nobody left: the home is advertised again or offered directly
    handle(notifications, offer("refused", last_offer, uuid.uuid4(), property_id=home, bidders_left=0))

    pages = {t["rule"]: t["page_url"] for t in notifications.client.get("/tasks", headers=ADMIN).json}
    assert pages == {
        "triage_referral": f"http://127.0.0.1:8001/app/referrals/{referral_id}",
        "assign_case": f"http://127.0.0.1:8002/app/cases/{case_id}",
        "offer_next_bidder": f"http://127.0.0.1:8003/app/adverts/{advert_id}",
        "chase_offer": f"http://127.0.0.1:8003/app/offers/{offer_id}",
        "readvertise_or_match": f"http://127.0.0.1:8003/app/properties/{home}",
    }
    assert not any("/docs" in page for page in pages.values())


def test_closing_a_task_by_hand_needs_a_reason(notifications):
    add_directory(notifications)
    handle(notifications, support_window_ended(uuid.uuid4()))
    task = only_task(notifications)
    assert (task["rule"], task["closes_itself"], task["assignee"]) == ("end_onboarding_support", False, "o-tso")
    url = f"/tasks/{task['id']}"

    for body in ({}, {"reason": ""}, {"reason": "   "}, {"reason": None}):
        refused = notifications.client.post(f"{url}/complete", json=body, headers=TSO)
        assert refused.status_code == 422, (body, refused.json)
        assert "reason" in refused.json["errors"]
    assert notifications.client.post(f"{url}/complete", headers=TSO).status_code == 422
    assert notifications.client.post(f"{url}/cancel", json={}, headers=LEADER).status_code == 422
    too_long = notifications.client.post(f"{url}/complete", json={"reason": "x" * 2001}, headers=TSO)
    assert too_long.status_code == 422 and "reason" in too_long.json["errors"]
    assert only_task(notifications)["status"] == "open"

    done = notifications.client.post(f"{url}/complete", json={"reason": "Carrying on: the tenant wants more help."},
                                     headers=TSO)
    assert done.status_code == 200, done.json
    assert (done.json["status"], done.json["closed_by"], done.json["closed_reason"]) == (
        "done", "o-tso", "Carrying on: the tenant wants more help.")
    with notifications.db.transaction() as session:
        (entry,) = [e for e in audit.trail(session, "task", task["id"]) if e.action == "complete"]
        assert (entry.actor, entry.reason) == ("o-tso", "Carrying on: the tenant wants more help.")
        assert entry.before["status"] == "open" and entry.after["status"] == "done"


def test_a_task_that_closes_itself_is_closed_by_hand_only_by_a_team_leader(notifications):
    add_directory(notifications)
    handle(notifications, referral())
    task = only_task(notifications)
    assert task["closes_itself"] is True
    url = f"/tasks/{task['id']}"

    refused = notifications.client.post(f"{url}/complete", json={"reason": "Looked at it"}, headers=INTAKE)
    assert refused.status_code == 403 and refused.mimetype == "application/problem+json"
    assert "team leader" in refused.json["detail"]
    assert only_task(notifications)["status"] == "open"

    closed = notifications.client.post(f"{url}/cancel", json={"reason": "A duplicate of R-000122, triaged."},
                                       headers=INTAKE_LEAD)
    assert closed.status_code == 200, closed.json
    assert (closed.json["status"], closed.json["closed_reason"]) == ("cancelled", "A duplicate of R-000122, triaged.")
    with notifications.db.transaction() as session:
        assert [(e.action, e.reason) for e in audit.trail(session, "task", task["id"]) if e.action == "cancel"] == [
            ("cancel", "A duplicate of R-000122, triaged.")]


def test_a_task_closed_by_its_work_has_no_reason(notifications):
    received = referral()
    handle(notifications, received)
    handle(notifications, referral("signposted", referral_id=uuid.UUID(received.data["referral_id"])))

    task = only_task(notifications)
    assert (task["status"], task["closed_by"], task["closed_reason"]) == ("done", "event", None)


def workload(harness, team, headers):
    return harness.client.get(f"/teams/{team}/workload", headers=headers)


def test_a_team_leader_sees_the_teams_open_and_overdue_tasks_by_officer(notifications):
    add_directory(notifications)
    first, second = uuid.uuid4(), uuid.uuid4()
    for case_id in (first, second):
        handle(notifications, case("opened", case_id))
        handle(notifications, case("assigned", case_id))  # the first contact, to o-tso
    handle(notifications, case("opened", uuid.uuid4()))  # waiting in the team's queue
    handle(notifications, referral())  # the intake team's
    with notifications.db.transaction() as session:
        session.execute(update(Task).where(Task.subject_id == str(first), Task.status == "open")
                        .values(due=dt.datetime.now(dt.UTC) - dt.timedelta(hours=1)))

    answer = workload(notifications, "sustainment", LEADER)
    assert answer.status_code == 200, answer.json
    assert answer.json == {
        "team": "sustainment",
        "officers": [{"officer_id": "o-leader", "name": "o-leader", "open": 0, "overdue": 0},
                     {"officer_id": "o-tso", "name": "o-tso", "open": 2, "overdue": 1}],
        "unassigned": {"officer_id": None, "name": None, "open": 1, "overdue": 0},
    }
    intake = workload(notifications, "intake", ADMIN).json
    assert intake["unassigned"]["open"] == 1
    assert [o["officer_id"] for o in intake["officers"]] == ["o-intake"]  # its manager is not in the directory

    # Only the team's leaders (and admins).
    assert workload(notifications, "sustainment", TSO).status_code == 403
    assert workload(notifications, "sustainment", INTAKE_LEAD).status_code == 403
    assert workload(notifications, "intake", INTAKE_LEAD).status_code == 200
    assert workload(notifications, "nowhere", ADMIN).status_code == 404


def test_a_teams_workload_reads_the_directory_once_as_columns(notifications):
    """Three statements: the team, the directory's officers (id, name, teams, active: no objects)
    and the tasks counted. The whole directory was loaded as objects for the members, and the
    reader and the other holders read again (six statements; at a large council most of the
    request: bench/NOTES.md, "intake's performance report (intx)")."""
    add_directory(notifications)
    handle(notifications, case("opened", uuid.uuid4()))
    with statements_sent(notifications.db.engine) as sent:
        assert workload(notifications, "sustainment", LEADER).status_code == 200
    selects = [" ".join(sql.split()) for sql, _ in sent if sql.lstrip().upper().startswith("SELECT")]
    assert len(selects) == 3, selects
    officers = [sql for sql in selects if "FROM officers" in sql]
    assert officers == ["SELECT officers.id, officers.name, officers.teams, officers.active FROM officers"], selects


@pytest.mark.postgresql_only(reason="reads PostgreSQL's plans")
def test_a_teams_workload_is_counted_from_the_index_alone(notifications):
    """The team's live tasks by assignee from ``ix_tasks_team_live_assignee`` (an index-only scan),
    not each live task's row read from the table (at a large council 14,000 rows of the team's, a
    bitmap heap scan of some 1,300 pages: bench/NOTES.md, "intake's performance report (intx)")."""
    add_directory(notifications)
    for _ in range(3):
        handle(notifications, case("opened", uuid.uuid4()))
    with statements_sent(notifications.db.engine) as sent:
        assert workload(notifications, "sustainment", LEADER).status_code == 200
    (statement, parameters), = [(sql, p) for sql, p in sent if "FROM tasks" in sql]
    with notifications.db.engine.begin() as conn:
        conn.exec_driver_sql("SET LOCAL enable_seqscan = off")  # as at a large council's size
        conn.exec_driver_sql("SET LOCAL enable_bitmapscan = off")
        plan = "\n".join(row[0] for row in conn.exec_driver_sql("EXPLAIN " + statement, parameters))
    assert "Index Only Scan using ix_tasks_team_live_assignee" in plan, plan
