"""Publishing with publisher confirms: a publish returns once the broker has the message."""

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


class Unroutable(Exception):
    """The broker returned a mandatory message: nothing would have received it."""


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

    def _ensure(self) -> Producer:
        if self._producer is None:
            self._conn = connect(self.settings)
            topology.declare(self._conn, self.settings)
            self._producer = Producer(self._conn.channel(), on_return=self._on_return)
        return self._producer

    def _on_return(self, exc: Exception, exchange: str, routing_key: str, message: Any) -> None:
        self._returned.append(routing_key)

    def publish_many(self, items: Iterable[tuple[str, str, str]]) -> None:
        """Publish ``(routing_key, body, event_id)`` triples to the events exchange, in order."""
        with self._lock:
            try:
                producer = self._ensure()
                for routing_key, body, event_id in items:
                    self._publish(producer, self.settings.exchange, routing_key, body, message_id=event_id)
            except Exception:
                self.close()
                raise

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
