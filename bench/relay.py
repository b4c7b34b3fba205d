"""Outbox relay throughput beside raw kombu publishing with one confirm per message.

Both publish the same N CloudEvent bodies to the same kind of exchange on the same broker in
the same run. The relay's figure includes reading rows from PostgreSQL and marking them sent.

    .venv/bin/python bench/relay.py [N]
"""

from __future__ import annotations

import statistics
import sys
import time
import uuid

from kombu import Connection, Exchange, Producer

from casework import context, outbox
from casework.bus import Publisher
from casework.bus.connection import connect
from casework.db import Database
from casework.migrations import upgrade
from casework.outbox import Relay
from casework_dev.testing import create_database, drop_database, test_settings

sys.path.insert(0, str(__import__("pathlib").Path(__file__).resolve().parent))
from common import BROKER, POSTGRES, write  # noqa: E402

ROUNDS = 3


def raw_kombu(settings, bodies: list[str]) -> float:
    """The baseline: a kombu Producer with publisher confirms, one message at a time."""
    exchange = Exchange(settings.exchange + ".raw", type="topic", durable=True)
    with Connection(settings.broker_url, transport_options={"confirm_publish": True}) as conn:
        channel = conn.channel()
        exchange(channel).declare()
        producer = Producer(channel, exchange=exchange)
        started = time.perf_counter()
        for body in bodies:
            producer.publish(body.encode(), routing_key="bench.event.v1", content_type="application/cloudevents+json",
                             content_encoding="utf-8", delivery_mode=2, message_id=str(uuid.uuid4()))
        elapsed = time.perf_counter() - started
        exchange(channel).delete()
    return elapsed


def casework_relay(settings, db: Database, count: int) -> float:
    with db.transaction() as session, context.bound(service="intake"):
        for _ in range(count):
            outbox.emit(session, "intake.referral.withdrawn.v1", subject="r",
                        data={"referral_id": uuid.uuid4(), "reference": "R-000001", "source_system": "bench"})
    relay = Relay(db, Publisher(settings), service="intake", batch=settings.relay_batch)
    started = time.perf_counter()
    sent = relay.drain()
    elapsed = time.perf_counter() - started
    assert sent == count, (sent, count)
    return elapsed


def main(count: int = 5000) -> None:
    from intake.service import SERVICE

    url = create_database(POSTGRES, prefix="cw_bench")
    settings = test_settings("intake", database_url=url, broker_url=BROKER, namespace=f"b{uuid.uuid4().hex[:8]}")
    try:
        upgrade(SERVICE, url)
        db = Database(url)
        with connect(settings, confirms=False) as conn:  # declare the exchange the relay publishes to
            from casework.bus import topology

            topology.declare(conn, settings)
        # Alternate the two, three rounds each, and compare medians: a shared 2-core machine is noisy.
        baseline_runs, our_runs = [], []
        for _ in range(ROUNDS):
            bodies = [context_free_body(i) for i in range(count)]
            baseline_runs.append(count / raw_kombu(settings, bodies))
            our_runs.append(count / casework_relay(settings, db, count))
        baseline, ours = statistics.median(baseline_runs), statistics.median(our_runs)
        figures = {
            "messages": count,
            "rounds": ROUNDS,
            "relay_batch": settings.relay_batch,
            "baseline_raw_kombu_per_s": round(baseline, 1),
            "casework_relay_per_s": round(ours, 1),
            "ratio": round(ours / baseline, 3),
            "runs": {"baseline": [round(x) for x in baseline_runs], "casework": [round(x) for x in our_runs]},
            "how": "relay: rows read FOR UPDATE SKIP LOCKED, a batch published, then its confirms awaited "
                   "together (multiple acks), rows marked sent in one UPDATE; baseline: one confirm per message",
        }
        print(write("relay", figures))
        print(figures)
        db.dispose()
    finally:
        drop_database(url)
        from casework_dev.testing import delete_namespace

        delete_namespace(settings, [])


def context_free_body(i: int) -> str:
    from casework.events import make

    return make("intake.referral.withdrawn.v1", subject="r", data={"n": i}).to_json()


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 5000)
