"""The minimal pipeline's consumer (bench/minimal_pipeline.py): each message a row in the second
database (``INSERT … ON CONFLICT DO NOTHING``, so a redelivery changes nothing), committed, then
acknowledged; one transaction per message.

    MINIMAL_TASKS_DATABASE_URL=… MINIMAL_BROKER_URL=… MINIMAL_QUEUE=… python bench/minimal_consumer.py
"""

from __future__ import annotations

import os
import signal

import psycopg
from kombu import Connection, Consumer, Queue

PREFETCH = 20


def main() -> None:
    stopping = []
    signal.signal(signal.SIGTERM, lambda *_: stopping.append(True))
    with psycopg.connect(os.environ["MINIMAL_TASKS_DATABASE_URL"], autocommit=True) as db, \
            Connection(os.environ["MINIMAL_BROKER_URL"]) as broker:

        def handle(body: dict, message) -> None:  # body: the message's JSON, decoded by kombu
            db.execute("INSERT INTO tasks (referral_id) VALUES (%s) ON CONFLICT DO NOTHING",
                       (body["referral_id"],))
            message.ack()

        queue = Queue(os.environ["MINIMAL_QUEUE"], no_declare=True)
        with Consumer(broker.channel(), queues=[queue], callbacks=[handle], prefetch_count=PREFETCH,
                      accept=["json"]):
            while not stopping:
                try:
                    broker.drain_events(timeout=1)
                except TimeoutError:
                    pass


if __name__ == "__main__":
    main()
