"""Events arriving through RabbitMQ: the worker's consumer makes and closes tasks, once each."""

import uuid

import pytest
from notifications_support import add_directory, case, publish, referral
from sqlalchemy import func, select

from casework_dev.testing import bearer, wait_until
from notifications.models import Task


@pytest.fixture(scope="module")
def worker(notifications):
    running = notifications.worker()
    wait_until(lambda: running.consumer.connected, message="the consumer to connect")
    return running


def task_rows(harness):
    with harness.db.transaction() as session:
        return [(t.title, t.status, t.created_by_event, t.closed_by_event)
                for t in session.scalars(select(Task).order_by(Task.created_at))]


def test_the_queue_is_bound_to_every_event_published_its_own_included(notifications):
    from casework.contracts import build

    # The published contracts (a fresh catalogue: other tests may register test-only types).
    # Its own too: they go to the webhook subscriptions that ask for them, and an event no
    # queue is bound for would wait in casework.unrouted for ever.
    assert set(notifications.service.consumes) == set(build().contracts)


def test_a_referral_received_and_accepted_makes_and_closes_the_triage_task(notifications, worker):
    received = referral()
    accepted = referral("accepted", referral_id=uuid.UUID(received.data["referral_id"]))

    publish(notifications, received)
    wait_until(lambda: task_rows(notifications), message="the triage task")
    publish(notifications, accepted)

    wait_until(lambda: task_rows(notifications)[0][1] == "done", message="the triage task to close")
    assert task_rows(notifications) == [("Triage referral R-000123", "done", received.id, accepted.id)]
    # The relay publishes task.created to the exchange.
    wait_until(lambda: _sent(notifications), message="task.created to be relayed")


def test_a_redelivered_event_takes_effect_once(notifications, worker):
    received = referral()
    handled_before = worker.consumer.handled

    publish(notifications, received, received)
    publish(notifications, received)

    # The three deliveries, and the one task.created the first of them made coming back.
    wait_until(lambda: worker.consumer.handled - handled_before >= 4, timeout=15,
               message="all three deliveries and the task's own event to be handled")
    assert _inbox_count(notifications) == 1
    assert len(task_rows(notifications)) == 1
    assert len(notifications.events("notifications.task.created.v1")) == 1


def test_a_burst_of_different_events_for_one_referral_makes_one_open_task(notifications, worker):
    referral_id = uuid.uuid4()
    burst = [referral(referral_id=referral_id) for _ in range(5)]

    publish(notifications, *burst)

    wait_until(lambda: _inbox_count(notifications) == 5, timeout=15, message="the burst to be handled")
    assert [row[1] for row in task_rows(notifications)] == ["open"]


def test_a_case_opened_and_assigned_through_the_broker_tasks_and_tells_the_officer(notifications, worker):
    add_directory(notifications)
    case_id = uuid.uuid4()

    publish(notifications, case("opened", case_id), case("assigned", case_id))

    wait_until(lambda: len(task_rows(notifications)) == 2 and task_rows(notifications)[0][1] == "done",
               timeout=15, message="the assignment task to close and first contact to open")
    assert [row[:2] for row in task_rows(notifications)] == [
        ("Assign case C-000045", "done"), ("First contact for case C-000045", "open")]
    inbox = notifications.client.get("/notifications", headers=bearer("o-tso", "sustainment_officer")).json
    assert [m["message"] for m in inbox] == ["Case C-000045 has been assigned to you: make first contact."]


def _inbox_count(harness):
    """Events from other services handled (the worker also consumes its own task.created)."""
    from casework.inbox import InboxEntry

    with harness.db.transaction() as session:
        return session.scalar(select(func.count()).select_from(InboxEntry).where(
            InboxEntry.event_type.not_like("casework.notifications.%")))


def _sent(harness):
    from casework.outbox import OutboxMessage

    with harness.db.transaction() as session:
        return session.scalar(select(func.count()).select_from(OutboxMessage).where(OutboxMessage.sent_at.isnot(None)))
