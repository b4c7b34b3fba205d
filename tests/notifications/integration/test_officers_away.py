"""An officer marked away: their open tasks move to a colleague in one action (each audited, the
colleague told), the tasks the rules give them meanwhile go to the colleague, and back again."""

import datetime as dt
import uuid

import pytest
from notifications_support import ADMIN, add_directory, case, handle
from sqlalchemy import select

from casework import context
from casework.audit import AuditEntry
from casework.context import Principal
from casework.db import utcnow
from casework_dev.testing import bearer
from notifications import absence, policy
from notifications.models import Notification, Officer, Task
from notifications.refusals import Invalid, NotAllowed

LEADER = bearer("o-leader", "sustainment_officer", "team_leader")
SOON = dt.date.today() + dt.timedelta(days=60)
ADMIN_ME = Principal(sub="admin-1", roles=frozenset({"admin"}))


def give_tasks(notifications, officer_id: str, count: int) -> list[str]:
    """``count`` case tasks, each assigned to the officer (case assigned events)."""
    for _ in range(count):
        handle(notifications, case("assigned", uuid.uuid4(), officer_id=officer_id))
    with notifications.db.transaction() as session:
        return [str(t.id) for t in session.scalars(select(Task).where(Task.assignee == officer_id))]


def held_by(notifications, officer_id: str) -> set[str]:
    with notifications.db.transaction() as session:
        return {str(t.id) for t in session.scalars(select(Task).where(Task.assignee == officer_id))}


def audited(notifications, action: str, record_type: str = "task") -> list[AuditEntry]:
    with notifications.db.transaction() as session:
        return list(session.scalars(select(AuditEntry).where(AuditEntry.action == action,
                                                             AuditEntry.record_type == record_type)))


@pytest.fixture
def tso_with_work(notifications):
    add_directory(notifications)
    return give_tasks(notifications, "o-tso", 3)


def move(notifications, to: str, by: Principal = ADMIN_ME, **kwargs):
    with context.bound(principal=by), notifications.db.transaction() as session:
        officer = session.get(Officer, "o-tso")
        return [str(t.id) for t in absence.move_open_tasks(session, from_officer=officer, to=to, by=by,
                                                             reason=kwargs.get("reason"), policy=policy.current(),
                                                             now=utcnow())]


def test_moving_gives_every_open_task_to_the_colleague(notifications, tso_with_work):
    moved = move(notifications, "o-leader", reason="Annual leave")

    assert set(moved) == set(tso_with_work) and held_by(notifications, "o-tso") == set()
    assert set(tso_with_work) <= held_by(notifications, "o-leader")


def test_each_moved_task_is_audited_and_the_colleague_told(notifications, tso_with_work):
    move(notifications, "o-leader", reason="Annual leave")

    entries = audited(notifications, "reassign")
    assert sorted(e.record_id for e in entries) == sorted(tso_with_work)
    assert {(e.actor, e.reason, e.before["assignee"], e.after["assignee"]) for e in entries} == {
        ("admin-1", "Annual leave", "o-tso", "o-leader")}
    with notifications.db.transaction() as session:
        told = {str(n.task_id) for n in session.scalars(select(Notification).where(
            Notification.recipient == "o-leader"))}
    assert set(tso_with_work) <= told


def test_closed_tasks_stay_where_they_are(notifications, tso_with_work):
    with notifications.db.transaction() as session:
        done = session.get(Task, uuid.UUID(tso_with_work[0]))
        done.status = "done"

    moved = move(notifications, "o-leader")

    assert tso_with_work[0] not in moved and held_by(notifications, "o-tso") == {tso_with_work[0]}


def test_moving_again_moves_nothing_and_audits_nothing_more(notifications, tso_with_work):
    move(notifications, "o-leader")

    assert move(notifications, "o-leader") == []
    assert len(audited(notifications, "reassign")) == len(tso_with_work)


@pytest.mark.parametrize("to", ["o-nobody", "o-tso", ""])
def test_moving_to_someone_not_a_colleague_is_refused(notifications, tso_with_work, to):
    with pytest.raises(Invalid) as refused:
        move(notifications, to)

    assert refused.value.field == "tasks_to"
    assert held_by(notifications, "o-tso") == set(tso_with_work)


def test_moving_to_a_colleague_who_is_away_is_refused(notifications, tso_with_work):
    with notifications.db.transaction() as session:
        session.get(Officer, "o-leader").away_from = dt.date(2020, 1, 1)

    with pytest.raises(Invalid, match="away too"):
        move(notifications, "o-leader")


def test_only_an_admin_moves_an_officers_tasks(notifications, tso_with_work):
    leader = Principal(sub="o-leader", roles=frozenset({"team_leader"}))
    with pytest.raises(NotAllowed):
        move(notifications, "o-leader", by=leader)


# -- the API --------------------------------------------------------------------------------


def test_marking_away_through_the_api_moves_the_tasks(notifications, tso_with_work):
    r = notifications.client.post("/officers/o-tso/away", json={"until": SOON.isoformat(), "tasks_to": "o-leader",
                                                                 "reason": "Annual leave"}, headers=ADMIN)

    assert r.status_code == 200, r.json
    assert sorted(r.json["tasks_moved"]) == sorted(tso_with_work)
    assert (r.json["officer"]["away_until"], r.json["officer"]["cover_id"]) == (SOON.isoformat(), "o-leader")
    assert held_by(notifications, "o-tso") == set()
    (entry,) = audited(notifications, "away", "officer")
    assert (entry.before["away_from"], entry.after["cover_id"]) == (None, "o-leader")


def test_tasks_for_an_officer_away_go_to_their_cover(notifications, tso_with_work):
    notifications.client.post("/officers/o-tso/away", json={"tasks_to": "o-leader"}, headers=ADMIN)

    handle(notifications, case("assigned", uuid.uuid4(), officer_id="o-tso"))

    assert held_by(notifications, "o-tso") == set()
    assert len(held_by(notifications, "o-leader")) == len(tso_with_work) + 1


def test_back_from_away_new_tasks_come_to_them_again(notifications, tso_with_work):
    notifications.client.post("/officers/o-tso/away", json={"tasks_to": "o-leader"}, headers=ADMIN)

    r = notifications.client.delete("/officers/o-tso/away", headers=ADMIN)
    handle(notifications, case("assigned", uuid.uuid4(), officer_id="o-tso"))

    assert (r.status_code, r.json["away_from"], r.json["cover_id"]) == (200, None, None)
    assert len(held_by(notifications, "o-tso")) == 1
    assert len(audited(notifications, "back", "officer")) == 1


def test_an_away_officers_tasks_wait_in_the_queue_when_their_cover_is_away_too(notifications, tso_with_work):
    notifications.client.post("/officers/o-tso/away", json={"tasks_to": "o-leader"}, headers=ADMIN)
    with notifications.db.transaction() as session:
        session.get(Officer, "o-leader").away_from = dt.date(2020, 1, 1)

    case_id = uuid.uuid4()
    handle(notifications, case("assigned", case_id, officer_id="o-tso"))

    with notifications.db.transaction() as session:
        (task,) = session.scalars(select(Task).where(Task.subject_id == str(case_id))).all()
    assert (task.assignee, task.team) == (None, "sustainment")


@pytest.mark.parametrize("body, field", [
    ({"tasks_to": "o-nobody"}, "tasks_to"),
    ({}, "tasks_to"),
    ({"tasks_to": "o-leader", "from": str(SOON), "until": str(SOON - dt.timedelta(days=1))}, "until"),
])
def test_a_bad_away_is_a_422_naming_the_field(notifications, tso_with_work, body, field):
    r = notifications.client.post("/officers/o-tso/away", json=body, headers=ADMIN)

    assert r.status_code == 422 and r.mimetype == "application/problem+json"
    assert field in str(r.json)
    assert held_by(notifications, "o-tso") == set(tso_with_work)


def test_only_admins_mark_officers_away_through_the_api(notifications, tso_with_work):
    assert notifications.client.post("/officers/o-tso/away", json={"tasks_to": "o-leader"},
                                     headers=LEADER).status_code == 403
    assert notifications.client.post("/officers/o-nobody/away", json={"tasks_to": "o-leader"},
                                     headers=ADMIN).status_code == 404
