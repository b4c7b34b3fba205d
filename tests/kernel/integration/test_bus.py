"""The bus against real RabbitMQ and PostgreSQL: delivery, exactly-once effect, retries, parking."""

import json
import threading
import uuid

import pytest

from casework import events
from casework.bus import Publisher, list_parked, replay
from casework_dev.testing import bearer, wait_until
from sample.bus import drain, effect_count, effects, publish, ready_count, tap
from sample.service import FLAKY

OFFICER = bearer("officer-1", "intake_officer")


def note_event(type_="sample.note.created.v1", note_id=None):
    return events.make(type_, subject="n", data={"note_id": str(note_id or uuid.uuid4())})


def test_an_event_written_by_the_api_takes_effect_in_the_consumer(sample):
    sample.worker()
    r = sample.client.post("/notes", json={"text": "x"}, headers={**OFFICER, "X-Correlation-ID": "corr-7"})
    assert r.status_code == 201
    wait_until(lambda: effect_count(sample, "slow") == 1, message="the chained event to take effect")
    created = sample.events("sample.note.created.v1")[0]
    [chained] = sample.events("sample.note.slow.v1")
    assert chained.correlationid == "corr-7"
    assert chained.causationid == created.id
    assert effects(sample, "created")[0].event_id == created.id


def test_a_redelivered_event_takes_effect_once(sample):
    sample.worker()
    event = note_event()
    publish(sample, event, event, event)
    marker = note_event("sample.note.slow.v1")
    publish(sample, marker)
    wait_until(lambda: any(e.event_id == marker.id for e in effects(sample, "slow")))
    assert [e.event_id for e in effects(sample, "created")] == [event.id]


def test_a_handler_that_always_fails_is_retried_then_parked_and_replayed(sample):
    sample.worker()
    flaky = note_event("sample.note.flaky.v1")
    behind = note_event()
    publish(sample, flaky, behind)
    # The queue keeps flowing: the event behind the failing one is handled at once.
    wait_until(lambda: effect_count(sample, "created") == 1, timeout=5)
    parked = wait_until(lambda: list_parked(sample.settings, "sample"), timeout=15, message="the message to be parked")
    assert len(parked) == 1
    assert parked[0]["message_id"] == flaky.id
    assert parked[0]["reason"] == "handler_failed"
    assert parked[0]["error_type"] == "RuntimeError"
    assert "fails until a test mends it" in parked[0]["error_message"]
    assert parked[0]["attempts"] == 1 + len(sample.settings.retry_delays)
    assert effect_count(sample, "flaky") == 0

    FLAKY["failing"] = False
    assert replay(sample.settings, "sample") == 1
    wait_until(lambda: effect_count(sample, "flaky") == 1, message="the replayed message to take effect")
    assert list_parked(sample.settings, "sample") == []


def test_the_replay_command_replays_only_the_messages_named(sample):
    from click.testing import CliRunner

    from casework import cli
    from sample.service import SERVICE

    sample.worker()
    first, second = note_event("sample.note.flaky.v1"), note_event("sample.note.flaky.v1")
    publish(sample, first, second)
    wait_until(lambda: len(list_parked(sample.settings, "sample")) == 2, timeout=15)
    FLAKY["failing"] = False
    runner = CliRunner()
    env = {"CASEWORK_EXCHANGE": sample.settings.exchange, "CASEWORK_QUEUE_PREFIX": sample.settings.queue_prefix,
           "CASEWORK_BROKER_URL": sample.settings.broker_url}
    original = cli.installed
    cli.installed = lambda: {"sample": SERVICE}  # the sample service is not an installed distribution
    try:
        listed = runner.invoke(cli.main, ["parked", "list", "--service", "sample"], env=env)
        assert listed.exit_code == 0, listed.output
        assert {json.loads(line)["message_id"] for line in listed.output.splitlines()} == {first.id, second.id}
        replayed = runner.invoke(cli.main, ["parked", "replay", "--service", "sample", "--id", second.id], env=env)
        assert replayed.exit_code == 0 and "replayed 1" in replayed.output
    finally:
        cli.installed = original
    wait_until(lambda: effect_count(sample, "flaky") == 1)
    assert [e.event_id for e in effects(sample, "flaky")] == [second.id]
    assert [m["message_id"] for m in list_parked(sample.settings, "sample")] == [first.id]


def test_unknown_types_and_undecodable_bodies_are_parked_not_dropped(sample):
    sample.worker()
    queue = sample.settings.queue_name("sample")
    publisher = Publisher(sample.settings)
    unknown = events.make("sample.note.unheard_of.v1", subject="n", data={})
    publisher.publish_raw(queue, unknown.to_json(), message_id=unknown.id)
    publisher.publish_raw(queue, b"\x00\x01 not json", message_id="garbage-1")
    publisher.publish_raw(queue, b"hello", message_id="text-1", content_type="text/plain")
    publisher.publish_raw(queue, json.dumps({"specversion": "1.0"}), message_id="half-1")
    publisher.close()
    parked = wait_until(lambda: (found := list_parked(sample.settings, "sample")) and len(found) == 4 and found)
    reasons = {p["message_id"]: p["reason"] for p in parked}
    assert reasons == {unknown.id: "unknown_type", "garbage-1": "undecodable", "text-1": "undecodable",
                       "half-1": "undecodable"}


def test_an_event_no_service_is_bound_for_is_kept_not_lost(sample):
    stray = events.make("sample.nobody.listens.v1", subject="n", data={})
    publish(sample, stray)
    from kombu import Connection

    from casework.bus import topology

    with Connection(sample.settings.broker_url) as conn:
        queue = topology.unrouted_queue(sample.settings)(conn.default_channel)
        message = wait_until(lambda: queue.get(no_ack=True), timeout=5, message="the stray event")
        assert message.properties["message_id"] == stray.id


def test_two_relays_publish_every_event_exactly_once(sample):
    from casework import context, outbox
    from casework.outbox import Relay

    seen = tap(sample)
    with sample.db.transaction() as session, context.bound(service="sample"):
        for _ in range(300):
            outbox.emit(session, "sample.note.slow.v1", subject="n", data={"note_id": uuid.uuid4()})
    relays = [Relay(sample.db, Publisher(sample.settings), service="sample", batch=20) for _ in range(2)]
    threads = [threading.Thread(target=r.drain) for r in relays]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    ids = [m.properties["message_id"] for m in drain(sample, seen, expected=300)]
    assert len(ids) == 300 and len(set(ids)) == 300
    with sample.db.transaction() as session:
        assert outbox.pending_count(session) == 0


def test_two_sweepers_fire_every_timer_exactly_once(sample):
    from casework import timers
    from casework.db import utcnow
    from casework.timers import Sweeper

    with sample.db.transaction() as session:
        for i in range(200):
            timers.schedule(session, "note.review", key=f"review:{i}", due_at=utcnow())
    sweepers = [Sweeper(sample.db, {"note.review": sample.service.timers["note.review"]}, service="sample")
                for _ in range(2)]
    threads = [threading.Thread(target=s.fire_due, kwargs={"limit": 500}) for s in sweepers]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    fired = [e.event_id for e in effects(sample, "timer")]
    assert len(fired) == 200 and len(set(fired)) == 200


def test_a_cancelled_timer_does_not_fire(sample):
    from casework import timers
    from casework.db import utcnow
    from casework.timers import Sweeper

    with sample.db.transaction() as session:
        timers.schedule(session, "note.review", key="review:done", due_at=utcnow())
        timers.schedule(session, "note.review", key="review:open", due_at=utcnow())
    with sample.db.transaction() as session:
        assert timers.cancel(session, "review:done") is True
    Sweeper(sample.db, sample.service.timers, service="sample").fire_due()
    assert effect_count(sample, "timer") == 1


def test_the_relay_is_woken_by_notify_without_polling(sample):
    from casework.outbox import Relay

    seen = tap(sample)
    relay = Relay(sample.db, Publisher(sample.settings), service="sample", poll_seconds=30)
    thread = threading.Thread(target=relay.run, daemon=True)
    thread.start()
    try:
        import time

        time.sleep(1.0)  # the relay has drained and is waiting on LISTEN for 30 s
        sample.client.post("/notes", json={"text": "x"}, headers=OFFICER)
        assert len(drain(sample, seen, expected=1, timeout=5)) == 1
    finally:
        relay.stop()


def test_a_busy_relay_finds_events_whose_notify_the_writer_skipped(sample):
    """Writers NOTIFY at most every outbox.NOTIFY_EVERY_SECONDS; while a relay lingers after
    publishing it finds the events written meanwhile by looking, not by its 30 s poll."""
    import time

    from casework import context, outbox
    from casework.outbox import Relay

    seen = tap(sample)
    relay = Relay(sample.db, Publisher(sample.settings), service="sample", poll_seconds=30)
    relay.LINGER_SECONDS = 5.0  # long enough that this test's writes all land inside it
    thread = threading.Thread(target=relay.run, daemon=True)
    thread.start()
    try:
        time.sleep(0.5)
        sample.client.post("/notes", json={"text": "wakes it"}, headers=OFFICER)
        wait_until(lambda: pending(sample) == 0, timeout=5)  # published: the relay lingers now
        for _ in range(3):
            outbox._last_notify[0] = time.monotonic()  # a NOTIFY was just sent: this write skips its own
            with sample.db.transaction() as session, context.bound(service="sample"):
                outbox.emit(session, "sample.note.slow.v1", subject="n", data={"note_id": uuid.uuid4()})
            time.sleep(0.1)
        assert len(drain(sample, seen, expected=4, timeout=3)) == 4
    finally:
        relay.stop()
        thread.join(5)


def pending(sample) -> int:
    from casework import outbox

    with sample.db.transaction() as session:
        return outbox.pending_count(session)


@pytest.mark.slow
def test_events_written_while_the_broker_is_away_all_arrive_once_it_is_back(sample, broker_url):
    import dataclasses
    from urllib.parse import urlsplit

    from casework.bus import Consumer
    from casework.outbox import Relay
    from casework_dev.testing import TcpProxy

    parts = urlsplit(broker_url)
    proxy = TcpProxy(parts.hostname, parts.port or 5672)
    through_proxy = dataclasses.replace(sample.settings, broker_url=proxy.url_for(broker_url))
    relay = Relay(sample.db, Publisher(through_proxy), service="sample", poll_seconds=0.2)
    consumer = Consumer(sample.settings, sample.db, sample.service)
    threads = [threading.Thread(target=part.run, daemon=True) for part in (relay, consumer)]
    for t in threads:
        t.start()
    try:
        # Until the consumer has declared its queue, published events would go to the unrouted queue.
        wait_until(lambda: consumer.connected, message="the consumer to connect")
        for i in range(5):
            assert sample.client.post("/notes", json={"text": f"before {i}"}, headers=OFFICER).status_code == 201
        # Settled: each note's event and the event its handler chained have been relayed and handled.
        wait_until(lambda: effect_count(sample, "created") == 5 and effect_count(sample, "slow") == 5)

        proxy.cut()
        for i in range(20):
            assert sample.client.post("/notes", json={"text": f"during {i}"}, headers=OFFICER).status_code == 201
        import time

        time.sleep(1.5)
        from casework import outbox

        with sample.db.transaction() as session:
            assert outbox.pending_count(session) == 20
        assert effect_count(sample, "created") == 5

        proxy.restore()
        wait_until(lambda: effect_count(sample, "created") == 25, timeout=40, message="the backlog to drain")
        ids = [e.event_id for e in effects(sample, "created")]
        assert len(set(ids)) == 25
    finally:
        relay.stop()
        consumer.stop()
        proxy.close()
        for t in threads:
            t.join(5)


@pytest.mark.slow
def test_a_consumer_killed_after_its_effect_but_before_the_ack_takes_effect_once(sample, broker_url):
    import os
    import signal
    import subprocess
    import sys
    from pathlib import Path

    script = Path(__file__).resolve().parent.parent / "sample" / "run_worker.py"
    env = {**os.environ, "SAMPLE_DATABASE_URL": sample.database_url, "SAMPLE_BROKER_URL": broker_url,
           "SAMPLE_NAMESPACE": sample.namespace, "CASEWORK_LOG_LEVEL": "WARNING"}
    doomed = subprocess.Popen([sys.executable, str(script)], env={**env, "SAMPLE_DIE_AFTER_COMMIT": "1"},
                              stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    try:
        assert doomed.stdout.readline().strip() == b"worker ready"
        sample.client.post("/notes", json={"text": "x"}, headers=OFFICER)
        assert doomed.wait(30) == -signal.SIGKILL
        assert effect_count(sample, "created") == 1  # the effect was committed before the kill
    finally:
        if doomed.poll() is None:
            doomed.kill()

    survivor = subprocess.Popen([sys.executable, str(script)], env=env, stdout=subprocess.PIPE,
                                stderr=subprocess.DEVNULL)
    try:
        assert survivor.stdout.readline().strip() == b"worker ready"
        queue = sample.settings.queue_name("sample")
        # The unacknowledged message comes back, is recognised, and is acknowledged this time.
        wait_until(lambda: effect_count(sample, "slow") == 1 and ready_count(sample, queue) == 0, timeout=20)
        survivor.send_signal(signal.SIGTERM)
        assert survivor.wait(20) == 0
        assert ready_count(sample, queue) == 0  # nothing left unacknowledged to come back
        assert effect_count(sample, "created") == 1
    finally:
        if survivor.poll() is None:
            survivor.kill()


def test_a_timer_that_reschedules_itself_runs_again(sample):
    import datetime as dt

    from casework import timers
    from casework.db import utcnow
    from casework.timers import Sweeper

    runs = []

    def daily(session, timer):
        runs.append(timer.key)
        if len(runs) == 1:
            timers.schedule(session, "digest", key=timer.key, due_at=utcnow() - dt.timedelta(seconds=1))

    with sample.db.transaction() as session:
        timers.schedule(session, "digest", key="digest:officer-1", due_at=utcnow())
    sweeper = Sweeper(sample.db, {"digest": daily}, service="sample")
    assert sweeper.fire_due() == 1  # the first run moved it; the second run spends it
    assert runs == ["digest:officer-1", "digest:officer-1"]


def test_retry_later_keeps_the_handlers_writes_and_runs_again(sample):
    from casework import timers
    from casework.db import utcnow
    from casework.timers import RetryLater, Sweeper
    from sample.service import Effect

    def sending(session, timer):
        session.add(Effect(event_id=str(timer.id), kind="attempt"))
        raise RetryLater(0, "the mail server said try later")

    with sample.db.transaction() as session:
        timers.schedule(session, "send", key="send:1", due_at=utcnow())
    sweeper = Sweeper(sample.db, {"send": sending}, service="sample", max_attempts=3)
    sweeper.fire_due()
    assert effect_count(sample, "attempt") == 3  # each attempt's log row kept, then attempts ran out
