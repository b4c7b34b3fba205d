"""Small helpers for the bus tests."""

from kombu import Connection, Queue, binding
from sqlalchemy import func, select

from casework.bus import Publisher, topology
from sample.service import Effect


def publish(harness, *events) -> None:
    publisher = Publisher(harness.settings)
    try:
        publisher.publish_many([(e.routing_key, e.to_json(), e.id) for e in events])
    finally:
        publisher.close()


def effects(harness, kind: str | None = None) -> list[Effect]:
    with harness.db.transaction() as session:
        stmt = select(Effect).order_by(Effect.id)
        if kind:
            stmt = stmt.where(Effect.kind == kind)
        return list(session.scalars(stmt))


def effect_count(harness, kind: str) -> int:
    with harness.db.transaction() as session:
        return session.scalar(select(func.count()).select_from(Effect).where(Effect.kind == kind))


def tap(harness, name: str = "tap", key: str = "#") -> Queue:
    """A queue of the test's own, bound to the events exchange, to see what was published."""
    queue = Queue(f"{harness.settings.queue_prefix}{name}", durable=False, auto_delete=False,
                  bindings=[binding(topology.events_exchange(harness.settings), routing_key=key)])
    with Connection(harness.settings.broker_url) as conn:
        topology.declare(conn, harness.settings)
        queue(conn.default_channel).declare()
    return queue


def drain(harness, queue: Queue, expected: int | None = None, timeout: float = 10.0) -> list:
    """Every message in ``queue`` (acked), waiting up to ``timeout`` for ``expected`` of them."""
    import time

    got = []
    deadline = time.monotonic() + timeout
    with Connection(harness.settings.broker_url) as conn:
        bound = queue(conn.default_channel)
        while True:
            message = bound.get(no_ack=True)
            if message is not None:
                got.append(message)
                continue
            if expected is None or len(got) >= expected or time.monotonic() > deadline:
                break
            time.sleep(0.05)
        bound.delete()
    return got


def ready_count(harness, queue_name: str) -> int:
    with Connection(harness.settings.broker_url) as conn:
        return conn.default_channel.queue_declare(queue_name, passive=True).message_count
