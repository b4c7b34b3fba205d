"""The minimal pipeline's relay (bench/minimal_pipeline.py): outbox rows read FOR UPDATE SKIP
LOCKED, each published with a publisher confirm (kombu waits for it), then deleted, in one
transaction; a 10 ms nap when nothing waits.

    MINIMAL_DATABASE_URL=… MINIMAL_BROKER_URL=… MINIMAL_EXCHANGE=… python bench/minimal_relay.py
"""

from __future__ import annotations

import os
import signal
import time

import psycopg
from kombu import Connection, Exchange, Producer

BATCH = 100


def main() -> None:
    stopping = []
    signal.signal(signal.SIGTERM, lambda *_: stopping.append(True))
    exchange = Exchange(os.environ["MINIMAL_EXCHANGE"], type="topic", durable=True)
    with psycopg.connect(os.environ["MINIMAL_DATABASE_URL"]) as db, \
            Connection(os.environ["MINIMAL_BROKER_URL"], transport_options={"confirm_publish": True}) as broker:
        producer = Producer(broker.channel(), exchange=exchange)
        while not stopping:
            with db.transaction():
                rows = db.execute("SELECT id, routing_key, body FROM outbox ORDER BY id LIMIT %s "
                                  "FOR UPDATE SKIP LOCKED", (BATCH,)).fetchall()
                for _, routing_key, body in rows:
                    producer.publish(body, routing_key=routing_key, content_type="application/json",
                                     delivery_mode=2, retry=False)
                if rows:
                    db.execute("DELETE FROM outbox WHERE id = ANY(%s)", ([row[0] for row in rows],))
            if not rows:
                time.sleep(0.01)


if __name__ == "__main__":
    main()
