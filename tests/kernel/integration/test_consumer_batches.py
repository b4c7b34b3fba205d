"""The consumer's batches: several events per transaction, no savepoints, same guarantees."""

from kombu import Connection
from sqlalchemy import select

from casework import events
from casework.bus import list_parked, topology
from casework.bus.consumer import Consumer
from casework.inbox import InboxEntry
from casework_dev.testing import wait_until
from sample.bus import effect_count, effects, publish


def note_event(type_="sample.note.created.v1"):
    import uuid

    return events.make(type_, subject="n", data={"note_id": str(uuid.uuid4())})


def declare_queue(sample) -> None:
    with Connection(sample.settings.broker_url) as conn:
        topology.declare(conn, sample.settings, sample.service.name, sample.service.consumes)


class FakeMessage:
    """Stands for a kombu message: records how it was acknowledged."""

    def __init__(self, event, tag):
        self.body = event.to_json().encode()
        self.headers = {}
        self.properties = {"message_id": event.id}
        self.content_type = "application/cloudevents+json"
        self.delivery_info = {"routing_key": event.routing_key}
        self.delivery_tag = tag
        self.acks: list[bool] = []

    def ack(self, multiple=False):
        self.acks.append(multiple)


def deliveries_of(consumer, evts, *, attempts=0):
    result = []
    for tag, event in enumerate(evts, start=1):
        message = FakeMessage(event, tag)
        message.headers["x-casework-attempts"] = attempts
        result.append(consumer._understand(message))
    return result


def test_a_batch_takes_effect_in_one_transaction_and_is_acked_once_after_it(sample):
    consumer = Consumer(sample.settings, sample.db, sample.service)
    batch = [note_event() for _ in range(5)]
    deliveries = deliveries_of(consumer, batch)
    commits = []
    from sqlalchemy import event as sa_event
    from sqlalchemy.orm import Session

    def count(session):
        if not session.in_nested_transaction():
            commits.append(1)

    sa_event.listen(Session, "after_commit", count)
    try:
        consumer._take_effect(deliveries)
    finally:
        sa_event.remove(Session, "after_commit", count)
    assert len(commits) == 1
    # In delivery order, each once; one ack with ``multiple`` for the last delivery covers them all.
    assert [e.event_id for e in effects(sample, "created")] == [e.id for e in batch]
    assert [d.message.acks for d in deliveries] == [[], [], [], [], [True]]
    assert consumer.handled == 5


def test_a_redelivered_batch_takes_effect_once(sample):
    consumer = Consumer(sample.settings, sample.db, sample.service)
    batch = [note_event() for _ in range(4)]
    consumer._take_effect(deliveries_of(consumer, batch))
    redelivered = deliveries_of(consumer, batch)  # e.g. the consumer died before its ack
    consumer._take_effect(redelivered + deliveries_of(consumer, batch[:1]))  # and a duplicate within the batch
    assert [e.event_id for e in effects(sample, "created")] == [e.id for e in batch]
    assert all(not d.first_time for d in redelivered)
    assert redelivered[-1].message.acks == []  # acked by the ack of the batch's last delivery
    with sample.db.transaction() as session:
        assert len(session.scalars(select(InboxEntry)).all()) == 4


def test_a_failing_event_in_a_batch_is_parked_alone_and_the_others_take_effect_once(sample):
    declare_queue(sample)
    consumer = Consumer(sample.settings, sample.db, sample.service)
    before, flaky, after = note_event(), note_event("sample.note.flaky.v1"), note_event()
    last_attempt = len(sample.settings.retry_delays)
    deliveries = deliveries_of(consumer, [before, flaky, after], attempts=last_attempt)
    consumer._take_effect(deliveries)
    assert [e.event_id for e in effects(sample, "created")] == [before.id, after.id]
    assert effect_count(sample, "flaky") == 0
    with sample.db.transaction() as session:
        claimed = set(session.scalars(select(InboxEntry.event_id)))
    assert claimed == {before.id, after.id}  # the failed event's inbox row was rolled back with it
    # The batch was rolled back and taken again an event at a time: each acknowledged on its own,
    # the parked one after its republish.
    assert [d.message.acks for d in deliveries] == [[False], [False], [False]]
    parked = wait_until(lambda: list_parked(sample.settings, "sample"), timeout=10)
    assert [p["message_id"] for p in parked] == [flaky.id]
    assert parked[0]["reason"] == "handler_failed"


def test_a_failing_event_delivered_among_others_is_retried_then_parked_while_they_take_effect(sample):
    declare_queue(sample)  # queued before the worker starts, so its first drain sees them together
    ordinary = [note_event() for _ in range(3)]
    flaky = note_event("sample.note.flaky.v1")
    publish(sample, ordinary[0], flaky, *ordinary[1:])
    worker = sample.worker()
    wait_until(lambda: effect_count(sample, "created") == 3, timeout=10)
    parked = wait_until(lambda: list_parked(sample.settings, "sample"), timeout=20, message="the message to be parked")
    assert [p["message_id"] for p in parked] == [flaky.id]
    assert parked[0]["attempts"] == 1 + len(sample.settings.retry_delays)
    wait_until(lambda: effect_count(sample, "slow") == 3)
    assert [e.event_id for e in effects(sample, "created")] == [e.id for e in ordinary]
    assert effect_count(sample, "flaky") == 0
    assert worker.consumer.handled == 6  # three notes and their three chained events, each once


def test_a_batch_takes_what_is_delivered_up_to_the_batch_size(sample):
    import dataclasses
    import threading

    declare_queue(sample)
    publish(sample, *[note_event("sample.note.slow.v1") for _ in range(7)])
    consumer = Consumer(dataclasses.replace(sample.settings, consumer_batch=3), sample.db, sample.service)
    sizes = []
    apply = consumer._apply
    consumer._apply = lambda deliveries: (sizes.append(len(deliveries)), apply(deliveries))
    thread = threading.Thread(target=consumer.run, daemon=True)
    thread.start()
    try:
        wait_until(lambda: effect_count(sample, "slow") == 7)
    finally:
        consumer.stop()
        thread.join(5)
    assert sum(sizes) == 7
    assert max(sizes) == 3  # queued ahead, so batches fill up to the limit and no further
