"""A suspension on the housing register ends on its date: lettings' timer lifts it and its relay
publishes the change, and notifications (its own worker, on the same exchange: RabbitMQ, or the
in-process broker) gives the lettings team a task about the applicant. Both services real."""

import datetime as dt

import pytest
from sqlalchemy import select, update

from casework.privacy import RETENTION_SWEEP
from casework.timers import Sweeper, Timer
from casework_dev.testing import bearer, wait_until
from lettings.service import SERVICE as LETTINGS
from notifications.models import Task

OFFICER = bearer("officer-1", "lettings_officer")
FAR_FUTURE = dt.datetime(2100, 1, 1, tzinfo=dt.UTC)


@pytest.fixture(scope="module")
def both(harness_for):
    """Lettings and notifications sharing one exchange, each with its worker running."""
    with harness_for(LETTINGS) as lettings:
        from notifications.service import SERVICE as NOTIFICATIONS

        with harness_for(NOTIFICATIONS, exchange=lettings.settings.exchange) as notifications:
            notifications.worker()  # its queue bound before lettings publishes
            lettings.worker()
            yield lettings, notifications


def tasks(notifications) -> list[tuple]:
    with notifications.db.transaction() as session:
        return [(t.rule, t.title, t.team, t.status, t.subject_type, t.subject_id, t.subject_reference)
                for t in session.scalars(select(Task).where(Task.rule == "suspension_ended"))]


def test_the_lettings_team_is_told_when_a_suspension_ends_on_its_date(both):
    lettings, notifications = both
    household = [{"name": "Sam Lee", "date_of_birth": "1990-05-01", "sex": "F", "relationship": "applicant"}]
    applicant = lettings.client.post("/applicants", headers=OFFICER, json={
        "household": household, "band": "B", "effective_date": "2024-01-10"}).json
    until = dt.date.today() + dt.timedelta(days=2)
    r = lettings.client.post(f"/applicants/{applicant['id']}/status", headers=OFFICER,
                             json={"status": "suspended", "reason": "Awaiting proof of address.",
                                   "until": until.isoformat()})
    assert r.status_code == 200, r.json

    # Suspending tells nobody to act; the end does.
    (suspension,) = lettings.events("lettings.applicant.status_changed.v1")
    wait_until(lambda: _handled(notifications, suspension.id), timeout=20, message="the suspension handled")
    assert tasks(notifications) == []

    # The clock moved on two days for lettings' timers: the daily retention sweep the worker set
    # would come first, and reschedule itself from the real clock every time it fires.
    with lettings.db.transaction() as session:
        session.execute(update(Timer).where(Timer.kind == RETENTION_SWEEP).values(due_at=FAR_FUTURE))
    fired = Sweeper(lettings.db, LETTINGS.timers, service="lettings").fire_due(
        now=dt.datetime.combine(until, dt.time(9), dt.UTC))
    assert fired == 1
    found = wait_until(lambda: tasks(notifications), timeout=20, message="the lettings team's task")
    assert found == [("suspension_ended", f"Applicant {applicant['reference']}'s suspension has ended: tell them "
                      "they may bid again", "lettings", "open", "applicant", applicant["id"], applicant["reference"])]
    assert lettings.client.get(f"/applicants/{applicant['id']}", headers=OFFICER).json["status"] == "active"

    # Suspended again, the task to say they may bid closes by itself.
    assert lettings.client.post(f"/applicants/{applicant['id']}/status", headers=OFFICER,
                                json={"status": "suspended", "reason": "Again."}).status_code == 200
    wait_until(lambda: tasks(notifications)[0][3] == "done", timeout=20, message="the task to close")


def _handled(harness, event_id: str) -> bool:
    from casework.inbox import InboxEntry

    with harness.db.transaction() as session:
        return session.scalar(select(InboxEntry.event_id).where(InboxEntry.event_id == event_id)) is not None
