"""The notifications consumer draining a backlog: events per second, one transaction per event
(``consumer_batch=1``) against small batches (the default), alternating, same run.

N ``intake.referral.received`` events are queued before the consumer starts; the figure is N
over the time until the last triage task exists. Real PostgreSQL and RabbitMQ.

    .venv/bin/python bench/consumer.py [events] [rounds]
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import statistics
import sys
import threading
import time
import uuid
from pathlib import Path

from kombu import Connection
from sqlalchemy import func, select

from casework import context
from casework.bus import Consumer, Publisher, topology
from casework.contracts import catalogue
from casework.events import make
from casework_dev.testing import ServiceHarness
from notifications.models import Task
from notifications.service import SERVICE

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import BROKER, POSTGRES, write  # noqa: E402


def referral_received():
    referral_id = uuid.uuid4()
    data = {"referral_id": referral_id, "reference": "R-000123", "source_system": "rent", "referrer_client": "sys-rent",
            "risk_level": "high",
            "triage_due": dt.datetime.now(dt.UTC).replace(microsecond=0) + dt.timedelta(days=1)}
    with context.bound(service="intake"):
        full = "casework.intake.referral.received.v2"
        return make(full, subject=str(referral_id), data=catalogue.serialise(full, data))


def drain_rate(harness: ServiceHarness, batch: int, count: int) -> float:
    harness.truncate()
    settings = dataclasses.replace(harness.settings, consumer_batch=batch)
    with Connection(settings.broker_url) as conn:
        topology.declare(conn, settings, SERVICE.name, SERVICE.consumes)
    publisher = Publisher(settings)
    events = [referral_received() for _ in range(count)]
    for i in range(0, count, 500):
        publisher.publish_many([(e.routing_key, e.to_json(), e.id) for e in events[i:i + 500]])
    publisher.close()
    consumer = Consumer(settings, harness.db, SERVICE)
    started = time.perf_counter()
    thread = threading.Thread(target=consumer.run, daemon=True)
    thread.start()
    try:
        while True:
            with harness.db.transaction() as session:
                done = session.scalar(select(func.count()).select_from(Task))
            if done >= count:
                break
            time.sleep(0.02)
        return count / (time.perf_counter() - started)
    finally:
        consumer.stop()
        thread.join(10)


def main(count: int = 2000, rounds: int = 3) -> dict:
    runs: dict[str, list[float]] = {"one_per_transaction": [], "batched": []}
    with ServiceHarness(SERVICE, POSTGRES, BROKER) as harness:
        default = harness.settings.consumer_batch
        for _ in range(rounds):
            runs["one_per_transaction"].append(round(drain_rate(harness, 1, count), 1))
            runs["batched"].append(round(drain_rate(harness, default, count), 1))
    result = {"events": count, "batch": default, "events_per_s": runs,
              "median": {k: statistics.median(v) for k, v in runs.items()}}
    print(write("consumer", result))
    print(json.dumps(result))
    return result


if __name__ == "__main__":
    main(*(int(a) for a in sys.argv[1:3]))
