"""A visit already made, recorded in one step, with the worker running against the broker (RabbitMQ,
or the in-process one): its visit.recorded is published and no deadline.missed ever is, while a
visit scheduled in the past the old way is escalated by the worker's own sweeper."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from sqlalchemy import select, update

from casework.outbox import OutboxMessage
from casework_dev.testing import bearer, wait_until
from sustainment.models import Case

OFFICER = bearer("officer-1", "sustainment_officer")
LEADER = bearer("leader-1", "team_leader")
WEEK_AGO = dt.timedelta(days=7)


@pytest.fixture(scope="module")
def worker(sustainment):
    return sustainment.worker()


def _published(harness, type: str) -> list[dict]:
    from casework.events import parse

    with harness.db.transaction() as session:
        rows = session.scalars(select(OutboxMessage).where(
            OutboxMessage.event_type == type, OutboxMessage.sent_at.is_not(None)).order_by(OutboxMessage.id))
        return [parse(row.body).data for row in rows]


def _case_visited_a_week_ago(harness, open_case) -> dict:
    case = open_case()
    r = harness.client.post(f"/cases/{case['id']}/assignment", json={"officer_id": "officer-1"}, headers=LEADER)
    assert r.status_code == 200, r.json
    with harness.db.transaction() as session:
        session.execute(update(Case).where(Case.id == uuid.UUID(case["id"]))
                        .values(opened_at=dt.datetime.now(dt.UTC) - dt.timedelta(days=30)))
    return case


def test_only_the_visit_scheduled_in_the_past_is_escalated(sustainment, worker, open_case):
    visited_at = (dt.datetime.now(dt.UTC) - WEEK_AGO).isoformat()
    made_case = _case_visited_a_week_ago(sustainment, open_case)
    made = sustainment.client.post(f"/cases/{made_case['id']}/visits/made", json={
        "kind": "welfare_check", "visited_at": visited_at, "outcome": "completed"}, headers=OFFICER)
    assert made.status_code == 201, made.json

    old_way_case = _case_visited_a_week_ago(sustainment, open_case)
    scheduled = sustainment.client.post(f"/cases/{old_way_case['id']}/visits", json={
        "kind": "welfare_check", "scheduled_for": visited_at}, headers=OFFICER)
    assert scheduled.status_code == 201, scheduled.json

    wait_until(lambda: _published(sustainment, "casework.sustainment.deadline.missed.v1"), timeout=20,
               message="the worker's sweeper to escalate the visit scheduled in the past")
    wait_until(lambda: len(_published(sustainment, "casework.sustainment.visit.recorded.v1")) == 1, timeout=20,
               message="the relay to publish visit.recorded")
    missed = _published(sustainment, "casework.sustainment.deadline.missed.v1")
    assert [(m["case_id"], m["deadline"], m["related_id"]) for m in missed] == [
        (old_way_case["id"], "visit", scheduled.json["id"])]
    [recorded] = _published(sustainment, "casework.sustainment.visit.recorded.v1")
    assert (recorded["case_id"], recorded["visit_id"]) == (made_case["id"], made.json["id"])
