"""Events handled as the consumer handles a batch: many in one transaction, each in a savepoint.

Webhook subscriptions are read once for the batch, yet one made, changed or rolled back in it
is seen by the events after it; two transactions opening the same task at once make one task.
"""

import threading
import uuid

import pytest
from notifications_support import handle, referral
from sqlalchemy import event as sa_event
from sqlalchemy import func, select, text, update

from casework import context, inbox
from casework.events import catalogue
from casework.testing import wait_until
from casework.timers import Timer
from notifications import webhooks
from notifications.handlers import on_event
from notifications.models import Delivery, Subscription, Task


def handle_batch(session, *evts):
    """What the consumer does with a batch, in the caller's transaction."""
    for evt in evts:
        with context.bound(service="notifications", correlation_id=evt.correlationid, causation_id=evt.id), \
                session.begin_nested():
            if inbox.claim(session, evt):
                on_event(session, evt, catalogue.load(evt.type, evt.data))


def subscription(url):
    return Subscription(id=uuid.uuid4(), owner="admin-1", url=url, event_types=["intake.referral.received.v2"],
                        secret="partner-shared-secret-123")


def deliveries(harness):
    """(event id, address) of every webhook delivery logged, and how many have their send timer."""
    with harness.db.transaction() as session:
        logged = session.execute(select(Delivery.id, Delivery.event_id, Delivery.address)
                                 .where(Delivery.channel == "webhook")).all()
        keys = set(session.scalars(select(Timer.key)))
    assert {f"webhook:{d.id}:0" for d in logged} <= keys
    return sorted((d.event_id, d.address) for d in logged)


@pytest.fixture
def statements(notifications):
    seen = []

    def record(conn, cursor, statement, *args):
        seen.append(statement)

    sa_event.listen(notifications.db.engine, "before_cursor_execute", record)
    yield seen
    sa_event.remove(notifications.db.engine, "before_cursor_execute", record)


def test_subscriptions_are_read_once_for_a_batch_and_every_event_is_delivered(notifications, statements):
    with notifications.db.transaction() as session:
        session.add(subscription("https://hooks.example.org/a"))
    batch = [referral() for _ in range(5)]

    with notifications.db.transaction() as session:
        handle_batch(session, *batch)

    assert deliveries(notifications) == sorted((e.id, "https://hooks.example.org/a") for e in batch)
    assert len([s for s in statements if "FROM subscriptions" in s]) == 1


def test_a_subscription_made_or_changed_in_the_transaction_is_seen_by_the_events_after_it(notifications):
    a, b, c, d = (referral() for _ in range(4))
    with notifications.db.transaction() as session:
        first = subscription("https://hooks.example.org/first")
        session.add(first)
        handle_batch(session, a)
        session.add(subscription("https://hooks.example.org/second"))  # pending, not yet flushed
        handle_batch(session, b)
        first.active = False
        session.flush()
        handle_batch(session, c)
        session.execute(update(Subscription).values(active=False))
        handle_batch(session, d)

    assert deliveries(notifications) == sorted([
        (a.id, "https://hooks.example.org/first"),
        (b.id, "https://hooks.example.org/first"), (b.id, "https://hooks.example.org/second"),
        (c.id, "https://hooks.example.org/second"),
    ])


def test_a_subscription_not_yet_flushed_is_seen(notifications):
    a, b = referral(), referral()
    with notifications.db.transaction() as session:
        webhooks.enqueue(session, a, catalogue.load(a.type, a.data), None)
        session.add(subscription("https://hooks.example.org/pending"))
        webhooks.enqueue(session, b, catalogue.load(b.type, b.data), None)

    assert deliveries(notifications) == [(b.id, "https://hooks.example.org/pending")]


def test_a_subscription_rolled_back_with_its_savepoint_gets_no_deliveries(notifications):
    a, b = referral(), referral()
    with notifications.db.transaction() as session:
        try:
            with session.begin_nested():
                session.add(subscription("https://hooks.example.org/gone"))
                handle_batch(session, a)
                raise RuntimeError("the event failed")
        except RuntimeError:
            pass
        handle_batch(session, b)

    assert deliveries(notifications) == []


def test_subscriptions_read_in_one_transaction_are_read_again_in_the_next(notifications):
    session = notifications.db.session()
    try:
        first, second = referral(), referral()
        with session.begin():
            handle_batch(session, first)  # no subscriptions yet
        with notifications.db.transaction() as other:
            other.add(subscription("https://hooks.example.org/new"))
        with session.begin():
            handle_batch(session, second)
    finally:
        session.close()

    assert deliveries(notifications) == [(second.id, "https://hooks.example.org/new")]


@pytest.mark.postgresql_only(reason="two writers at once, one waiting on the other's row lock (seen in "
                                     "pg_stat_activity); SQLite lets one writer in at a time")
def test_two_transactions_opening_the_same_task_at_once_make_one(notifications):
    referral_id = uuid.uuid4()
    first, second = referral(referral_id=referral_id), referral(referral_id=referral_id)
    session = notifications.db.session()
    try:
        session.begin()
        handle_batch(session, first)  # its task is written but not committed
        other = threading.Thread(target=handle, args=(notifications, second))
        other.start()
        # The second transaction found no live task and its INSERT now waits on the first's.
        wait_until(lambda: _waiting_on_a_lock(notifications), message="the second INSERT to wait")
        session.commit()
    finally:
        session.close()
    other.join(10)

    with notifications.db.transaction() as session:
        assert session.scalar(select(func.count()).select_from(Task)) == 1
        assert session.scalar(select(func.count()).where(Timer.kind == "task.overdue")) == 1
        assert set(session.scalars(select(inbox.InboxEntry.event_id))) == {first.id, second.id}
    assert len(notifications.events("notifications.task.created.v1")) == 1


def _waiting_on_a_lock(harness) -> bool:
    with harness.db.engine.connect() as conn:
        return bool(conn.scalar(text(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'")))
