"""Publishing with publisher confirms: a publish returns once the broker has the message.

``publish_many`` sends a whole batch and then waits for the broker's confirms (RabbitMQ acks
several deliveries at once with ``multiple``), so a batch costs one round trip, not one per
message. It still returns only when every message in it is confirmed, and raises when any is
nacked, returned unroutable or not confirmed in time, so the relay marks rows sent only
after the broker has them all.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterable
from typing import Any

from kombu import Connection, Producer

from casework.events import CONTENT_TYPE
from casework.settings import Settings

from . import topology
from .connection import connect

log = logging.getLogger(__name__)


CONFIRM_TIMEOUT_SECONDS = 30.0


class Unroutable(Exception):
    """The broker returned a mandatory message: nothing would have received it."""


class Nacked(Exception):
    """The broker refused a message (nack): it does not have it."""


class _Confirms:
    """Delivery tags published on one confirm-mode channel and not yet acked or nacked."""

    def __init__(self) -> None:
        self.last_tag = 0
        self.pending: set[int] = set()
        self.nacked = False

    def on_ack(self, tag: int, multiple: bool) -> None:
        if multiple:
            self.pending = {t for t in self.pending if t > tag}
        else:
            self.pending.discard(tag)

    def on_nack(self, tag: int, multiple: bool) -> None:
        self.nacked = True
        self.on_ack(tag, multiple)


class Publisher:
    """One broker connection that publishes events and confirms each one.

    Not shared between threads: each relay or consumer has its own.
    """

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._conn: Connection | None = None
        self._producer: Producer | None = None
        self._returned: list[Any] = []
        self._lock = threading.Lock()
        self._confirms: _Confirms | None = None

    def _ensure(self) -> Producer:
        if self._producer is None:
            self._conn = connect(self.settings)
            topology.declare(self._conn, self.settings)
            channel = self._conn.channel()
            self._producer = Producer(channel, on_return=self._on_return)
            if not self.settings.embedded:
                # Confirm mode from the start, so every publish on this channel has a known tag.
                channel.confirm_select()
                channel._confirm_selected = True
                self._confirms = _Confirms()
                channel.events["basic_ack"].add(self._confirms.on_ack)
                channel.events["basic_nack"].add(self._confirms.on_nack)
        return self._producer

    def _on_return(self, exc: Exception, exchange: str, routing_key: str, message: Any) -> None:
        self._returned.append(routing_key)

    def publish_many(self, items: Iterable[tuple[str, str, str]]) -> None:
        """Publish ``(routing_key, body, event_id)`` triples to the events exchange, in order."""
        with self._lock:
            try:
                producer = self._ensure()
                if self._confirms is None:  # the in-process broker has no confirms
                    for routing_key, body, event_id in items:
                        self._publish(producer, self.settings.exchange, routing_key, body, message_id=event_id)
                else:
                    self._publish_confirmed_batch(producer, list(items))
            except Exception:
                self.close()
                raise

    def _publish_confirmed_batch(self, producer: Producer, items: list[tuple[str, str, str]]) -> None:
        """Send every message, then wait until the broker has confirmed them all."""
        import time

        channel, confirms = producer.channel, self._confirms
        assert confirms is not None
        self._returned.clear()
        confirms.nacked = False
        for routing_key, body, event_id in items:
            message = channel.prepare_message(
                body.encode() if isinstance(body, str) else body, content_type=CONTENT_TYPE,
                content_encoding="utf-8", headers={}, properties={"delivery_mode": 2, "message_id": event_id},
            )
            channel._basic_publish(message, exchange=self.settings.exchange, routing_key=routing_key,
                                   mandatory=True)
            confirms.last_tag += 1
            confirms.pending.add(confirms.last_tag)
        deadline = time.monotonic() + CONFIRM_TIMEOUT_SECONDS
        while confirms.pending:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError(f"the broker confirmed {len(items) - len(confirms.pending)} of {len(items)}")
            self._conn.drain_events(timeout=remaining)
        if confirms.nacked:
            raise Nacked(f"the broker refused a message of a batch of {len(items)}")
        if self._returned:  # a return arrives before its message's ack
            raise Unroutable(self._returned[0])

    def publish_raw(self, routing_key: str, body: bytes | str, *, headers: dict | None = None,
                    message_id: str | None = None, content_type: str | None = CONTENT_TYPE,
                    exchange: str = "") -> None:
        """Publish to a queue through the default exchange (retries, parking, replays)."""
        with self._lock:
            try:
                self._publish(self._ensure(), exchange, routing_key, body, message_id=message_id,
                              headers=headers, content_type=content_type)
            except Exception:
                self.close()
                raise

    def _publish(self, producer: Producer, exchange: str, routing_key: str, body: bytes | str, *,
                 message_id: str | None, headers: dict | None = None, content_type: str | None = CONTENT_TYPE) -> None:
        self._returned.clear()
        producer.publish(
            body.encode() if isinstance(body, str) else body,
            exchange=exchange,
            routing_key=routing_key,
            content_type=content_type or "application/octet-stream",
            content_encoding="utf-8",
            delivery_mode=2,
            mandatory=not self.settings.embedded,
            message_id=message_id,
            headers=headers or {},
            retry=False,
        )
        if self._confirms is not None:
            self._confirms.last_tag += 1  # confirmed already: kombu waited for it
        if self._returned:
            raise Unroutable(routing_key)

    def heartbeat(self) -> None:
        """Keep an idle connection alive; drop it if the broker has gone."""
        with self._lock:
            if self._conn is not None:
                try:
                    self._conn.heartbeat_check()
                except Exception:
                    self.close()

    @property
    def connected(self) -> bool:
        return self._conn is not None and self._conn.connected

    def close(self) -> None:
        if self._conn is not None:
            try:
                self._conn.release()
            except Exception:
                pass
        self._conn = None
        self._producer = None
        self._confirms = None
