"""Parked messages: list them, and replay them into their service's queue once fixed."""

from __future__ import annotations

from typing import Any

from casework.settings import Settings

from . import topology
from .connection import connect
from .consumer import ATTEMPTS, message_summary
from .publisher import Publisher

CASEWORK_HEADERS = ("x-casework-reason", "x-casework-error-type", "x-casework-error-message",
                    "x-casework-parked-at", "x-casework-last-error", "x-casework-retry-at", ATTEMPTS)


def list_parked(settings: Settings, service: str, *, limit: int = 1000) -> list[dict[str, Any]]:
    """What waits in the service's parking queue. Nothing is removed."""
    found = []
    with connect(settings, confirms=False) as conn:
        topology.declare(conn, settings, service)
        queue = topology.parking_queue(settings, service)(conn.channel())
        held = []
        for _ in range(limit):
            message = queue.get(no_ack=False)
            if message is None:
                break
            held.append(message)
            found.append(message_summary(message))
        # Put every message back, only after all were read, so none is read twice.
        for message in held:
            message.reject(requeue=True)
    return found


def replay(settings: Settings, service: str, *, message_ids: set[str] | None = None, limit: int = 1000) -> int:
    """Move parked messages (all, or those named) back to the service's queue; return how many."""
    replayed = 0
    publisher = Publisher(settings)
    try:
        with connect(settings, confirms=False) as conn:
            topology.declare(conn, settings, service)
            queue = topology.parking_queue(settings, service)(conn.channel())
            passed_over = []
            for _ in range(limit):
                message = queue.get(no_ack=False)
                if message is None:
                    break
                message_id = message.properties.get("message_id")
                if message_ids is not None and message_id not in message_ids:
                    passed_over.append(message)
                    continue
                headers = {k: v for k, v in (message.headers or {}).items() if k not in CASEWORK_HEADERS}
                headers["x-casework-replayed"] = True
                publisher.publish_raw(settings.queue_name(service), message.body, headers=headers,
                                      message_id=message_id, content_type=message.content_type)
                message.ack()
                replayed += 1
            for message in passed_over:
                message.reject(requeue=True)
    finally:
        publisher.close()
    return replayed
