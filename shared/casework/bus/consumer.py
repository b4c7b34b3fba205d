"""The consumer: one service's queue, events handled once and in order, failures retried then parked.

Messages are handled in small batches. The consumer takes what the broker has already
delivered (never waiting for more) up to ``settings.consumer_batch``. Each message is
parsed (undecodable → parked), given its handler (unknown type → parked) and its data loaded
by the contract (invalid → parked); then the batch takes effect in one database transaction,
in delivery order, each event's inbox record with its handler's writes. Only after that commit
are the messages acknowledged, so a crash at any point means redelivery, and the inbox makes
the redelivery a no-op. A handler that raises rolls the batch back, and its events are taken
again one transaction each: the others take effect, and the failing one is retried after each
delay in ``settings.retry_delays`` (through TTL queues), then parked with the failure in its headers.
"""

from __future__ import annotations

import datetime as dt
import heapq
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import marshmallow as ma
from kombu import Consumer as KombuConsumer
from kombu.message import Message
from sqlalchemy.exc import DBAPIError

from casework import context, events, inbox
from casework.contracts import catalogue
from casework.db import Database, database_away
from casework.metrics import EVENTS_CONSUMED, EVENTS_PARKED
from casework.service import Service
from casework.settings import Settings

from . import topology
from .connection import connect
from .publisher import Publisher

log = logging.getLogger(__name__)

ATTEMPTS = "x-casework-attempts"
RETRY_AT = "x-casework-retry-at"
JSON_CONTENT = ("application/cloudevents+json", "application/json")


@dataclass
class Delivery:
    """A message whose event has a handler and valid data: ready to take effect."""

    message: Message
    event: events.Event
    data: Any
    handler: Callable[..., Any]
    attempts: int
    first_time: bool = False
    failure: Exception | None = None


class Consumer:
    def __init__(self, settings: Settings, db: Database, service: Service, *, prefetch: int | None = None) -> None:
        self.settings = settings
        self.db = db
        self.service = service
        self.batch_size = settings.consumer_batch
        # Twice a batch, so the next batch is already on its way while one is being handled.
        self.prefetch = prefetch or max(20, 2 * self.batch_size)
        self.queue_name = settings.queue_name(service.name)
        self.republisher = Publisher(settings)
        self.stopping = threading.Event()
        self.connected = False
        self.handled = 0
        self._received: list[Message] = []
        self._delayed: list[tuple[float, int, bytes, dict, str | None]] = []  # embedded retries
        self._seq = 0
        self._conn: Any = None

    # -- running -----------------------------------------------------------------------

    def run(self) -> None:
        """Consume until stopped, reconnecting with backoff when the broker goes away."""
        backoff = 0.5
        while not self.stopping.is_set():
            try:
                self._consume()
                backoff = 0.5
            except Exception as exc:
                self.connected = False
                if self.stopping.is_set():
                    break
                log.warning("consumer lost the broker: %s; retrying in %.1fs", type(exc).__name__, backoff)
                self.stopping.wait(backoff)
                backoff = min(backoff * 2, 15.0)
        self.republisher.close()

    def _consume(self) -> None:
        with connect(self.settings, confirms=False) as conn:
            self._conn = conn
            self._received.clear()  # deliveries on an earlier channel can no longer be acknowledged
            topology.declare(conn, self.settings, self.service.name, self.service.consumes)
            queue = topology.service_queue(self.settings, self.service.name, self.service.consumes)
            channel = conn.channel()
            with KombuConsumer(channel, queues=[queue], on_message=self._received.append,
                               prefetch_count=self.prefetch, auto_declare=False):
                self.connected = True
                while not self.stopping.is_set():
                    try:
                        conn.drain_events(timeout=1)
                    except TimeoutError:
                        conn.heartbeat_check()
                    self._collect_delivered(conn)
                    self._handle_received()
                    self._release_delayed()

    def stop(self) -> None:
        self.stopping.set()

    # -- one batch ---------------------------------------------------------------------

    def _collect_delivered(self, conn: Any) -> None:
        """Add the messages the broker has already delivered to the batch, without waiting."""
        while self._received and len(self._received) < self.batch_size:
            try:
                conn.drain_events(timeout=0)
            except TimeoutError:
                return

    def _handle_received(self) -> None:
        received = self._received[:]
        self._received.clear()  # the same list: the kombu consumer appends to it
        deliveries = [d for d in map(self._understand, received) if d is not None]
        if deliveries:
            self._take_effect(deliveries)

    def _understand(self, message: Message) -> Delivery | None:
        """The message's event, handler and data; None when the message was parked instead."""
        headers = dict(message.headers or {})
        attempts = int(headers.get(ATTEMPTS, 0))
        content_type = (message.content_type or "").split(";")[0].strip()
        if content_type and content_type not in JSON_CONTENT:
            return self._park(message, "undecodable", ValueError(f"content type {content_type!r} is not JSON"), attempts)
        try:
            event = events.parse(message.body)
        except events.InvalidEvent as exc:
            return self._park(message, "undecodable", exc, attempts)
        handler = self.service.handlers.get(event.type)
        if handler is None:
            return self._park(message, "unknown_type", LookupError(f"no handler for {event.type}"), attempts, event)
        try:
            data = catalogue.load(event.type, event.data)
        except (ma.ValidationError, events.UnknownEventType) as exc:
            return self._park(message, "invalid_data", exc, attempts, event)
        return Delivery(message, event, data, handler, attempts)

    def _take_effect(self, deliveries: list[Delivery]) -> None:
        """Commit the deliveries' effects together, then acknowledge, retry or park each."""
        try:
            if not self._commit(deliveries):
                return  # stopping while the database is away: unacknowledged, so redelivered later
        except Exception as exc:
            if len(deliveries) > 1:
                # One event's handler (or the commit) failed: take the events one transaction
                # each to find the one at fault.
                for delivery in deliveries:
                    self._take_effect([delivery])
                return
            deliveries[0].failure = exc
        self._settle(deliveries)

    def _commit(self, deliveries: list[Delivery]) -> bool:
        """Apply the deliveries in one transaction, waiting while the database is away.

        The database being away is not the messages' fault: they neither count an attempt nor
        go back to the broker, but are held until it answers. False when stopped meanwhile.
        """
        while True:
            try:
                self._apply(deliveries)
                return True
            except DBAPIError as exc:
                if not database_away(exc):
                    raise
                if self.stopping.is_set():
                    return False
                log.warning("database unavailable while handling %d events; waiting", len(deliveries))
                self._wait_for_database()

    def _apply(self, deliveries: list[Delivery]) -> None:
        """One transaction for the batch: the events' inbox records (one statement), then each
        new event's effect, in delivery order.

        No savepoint per event: a handler failing is rare, and then the whole transaction rolls
        back and ``_take_effect`` takes the events one transaction each, so the failing one is
        retried or parked and the others take effect. Two round trips fewer per event (SAVEPOINT
        and RELEASE) on the path every event takes.
        """
        with self.db.transaction() as session:
            new = inbox.claim_all(session, [delivery.event for delivery in deliveries])
            for delivery in deliveries:
                # An event delivered twice in one batch takes effect at its first delivery.
                delivery.first_time, delivery.failure = delivery.event.id in new, None
                new.discard(delivery.event.id)
                if delivery.first_time:
                    with self._context_of(delivery.event):
                        delivery.handler(session, delivery.event, delivery.data)

    def _settle(self, deliveries: list[Delivery]) -> None:
        """After the commit: failures to retry or parking (each acknowledged on its own once
        republished), then one acknowledgement for the events that took effect."""
        taken = []
        for delivery in deliveries:
            if delivery.failure is not None:
                with self._context_of(delivery.event):
                    self._retry_or_park(delivery.message, delivery.failure, delivery.attempts, delivery.event)
            else:
                taken.append(delivery)
        if not taken:
            return
        if len(taken) > 1 and not self.settings.embedded:
            # Every earlier delivery on this channel is settled by now (taken here, or parked or
            # retried and acknowledged already), so one ack with ``multiple`` covers the batch.
            taken[-1].message.ack(multiple=True)
        else:  # the in-process broker ignores ``multiple``
            for delivery in taken:
                delivery.message.ack()
        for delivery in taken:
            self.handled += 1
            outcome = "handled" if delivery.first_time else "duplicate"
            EVENTS_CONSUMED.labels(self.service.name, delivery.event.type, outcome).inc()
            with self._context_of(delivery.event):
                log.info("event %s", outcome, extra={"event_type": delivery.event.type, "event_id": delivery.event.id})

    def _context_of(self, event: events.Event) -> Any:
        """The logging and causation context of handling ``event``."""
        return context.bound(service=self.service.name, correlation_id=event.correlationid or event.id,
                             causation_id=event.id, traceparent=event.traceparent)

    def _wait_for_database(self) -> None:
        while not self.stopping.is_set() and not self.db.ping():
            if self._conn is not None:
                try:
                    self._conn.heartbeat_check()
                except Exception:
                    pass
            self.stopping.wait(2)

    def _retry_or_park(self, message: Message, exc: Exception, attempts: int, event: events.Event) -> None:
        delays = self.settings.retry_delays
        if attempts >= len(delays):
            return self._park(message, "handler_failed", exc, attempts + 1, event)
        delay = delays[attempts]
        headers = dict(message.headers or {})
        headers[ATTEMPTS] = attempts + 1
        headers[RETRY_AT] = (dt.datetime.now(dt.UTC) + dt.timedelta(seconds=delay)).isoformat()
        headers["x-casework-last-error"] = _describe(exc)
        log.warning("handler failed (attempt %d), retrying in %ds: %s", attempts + 1, delay, type(exc).__name__,
                    extra={"event_type": event.type, "event_id": event.id})
        EVENTS_CONSUMED.labels(self.service.name, event.type, "retried").inc()
        if self.settings.embedded:
            # The in-process broker has no TTL queues: hold the message here until it is due.
            self._seq += 1
            heapq.heappush(self._delayed, (time.monotonic() + delay, self._seq, message.body, headers,
                                           message.properties.get("message_id")))
        else:
            self.republisher.publish_raw(topology.retry_queue_name(self.settings, self.service.name, delay),
                                         message.body, headers=headers,
                                         message_id=message.properties.get("message_id"),
                                         content_type=message.content_type)
        message.ack()

    def _park(self, message: Message, reason: str, exc: Exception, attempts: int,
              event: events.Event | None = None) -> None:
        headers = dict(message.headers or {})
        headers.update({
            ATTEMPTS: attempts,
            "x-casework-reason": reason,
            "x-casework-error-type": type(exc).__name__,
            "x-casework-error-message": _describe(exc),
            "x-casework-parked-at": dt.datetime.now(dt.UTC).isoformat(),
            "x-casework-routing-key": message.delivery_info.get("routing_key", ""),
        })
        headers.pop(RETRY_AT, None)
        self.republisher.publish_raw(topology.parking_queue_name(self.settings, self.service.name), message.body,
                                     headers=headers, message_id=message.properties.get("message_id"),
                                     content_type=message.content_type)
        message.ack()
        EVENTS_PARKED.labels(self.service.name, reason).inc()
        log.error("event parked: %s", reason, extra={
            "event_type": event.type if event else None, "event_id": event.id if event else None,
            "error_type": type(exc).__name__, "attempts": attempts,
        })

    def _release_delayed(self) -> None:
        now = time.monotonic()
        while self._delayed and self._delayed[0][0] <= now:
            _, _, body, headers, message_id = heapq.heappop(self._delayed)
            self.republisher.publish_raw(self.queue_name, body, headers=headers, message_id=message_id)


def _describe(exc: Exception) -> str:
    return f"{type(exc).__name__}: {exc}"[:500]


def message_summary(message: Any) -> dict[str, Any]:
    """What the parking CLI shows of a parked message (no body: it may hold personal data)."""
    headers = dict(message.headers or {})
    return {
        "message_id": message.properties.get("message_id"),
        "routing_key": headers.get("x-casework-routing-key"),
        "reason": headers.get("x-casework-reason"),
        "error_type": headers.get("x-casework-error-type"),
        "error_message": headers.get("x-casework-error-message"),
        "attempts": headers.get(ATTEMPTS),
        "parked_at": headers.get("x-casework-parked-at"),
    }
