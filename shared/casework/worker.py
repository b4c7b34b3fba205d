"""The worker process: outbox relay, consumer and timer sweeper, with its own health port.

``python -m <service>.worker`` runs it. Each part is a thread that survives the broker or
database going away and carries on when they return. SIGTERM stops it cleanly: the consumer
stops taking messages, the message in hand is finished and acknowledged, then it exits.
"""

from __future__ import annotations

import json
import logging
import signal
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from casework import collector, context, planner, sealing
from casework.bus import Consumer, Publisher
from casework.bus.connection import broker_addresses
from casework.db import Database
from casework.logging import configure_logging
from casework.outbox import Relay
from casework.service import Service
from casework.settings import Settings
from casework.timers import Sweeper

log = logging.getLogger(__name__)


class Worker:
    """The relay, consumer and sweeper of one service, as threads."""

    def __init__(self, service: Service, settings: Settings, db: Database | None = None) -> None:
        sealing.check_settings()
        broker_addresses(settings.broker_url)  # a malformed CASEWORK_BROKER_URL stops the worker at start
        self.service = service
        self.settings = settings
        self.db = db or Database(settings.database_url, pool_size=settings.db_pool_size)
        self.relay = Relay(self.db, Publisher(settings), service=service.name, batch=settings.relay_batch,
                           poll_seconds=settings.relay_poll_seconds)
        self.consumer = Consumer(settings, self.db, service) if service.handlers else None
        self.sweeper = Sweeper(self.db, {**service.timers, **planner.handlers(self.db)}, service=service.name,
                               poll_seconds=settings.timer_poll_seconds)
        self.threads: list[threading.Thread] = []

    def start(self) -> None:
        from casework.privacy import ensure_retention_sweep

        try:
            ensure_retention_sweep(self.db, self.service.timers)
        except Exception:  # the database may be down: the next start schedules it
            log.exception("could not schedule the retention sweep")
        try:
            planner.ensure(self.db)
        except Exception:  # likewise
            log.exception("could not schedule the planner's statistics")
        parts: list[tuple[str, Any]] = [("relay", self.relay), ("sweeper", self.sweeper)]
        if self.consumer is not None:
            parts.append(("consumer", self.consumer))
        for name, part in parts:
            thread = threading.Thread(target=self._run_part, args=(part,), name=f"{self.service.name}-{name}",
                                      daemon=True)
            thread.start()
            self.threads.append(thread)

    def consuming(self, timeout: float = 15.0) -> bool:
        """Wait until the consumer has declared its queue and consumes from it (at once when the
        service consumes nothing); False if it has not within ``timeout``. Events published
        before that find no queue bound: the broker sends them to the alternate exchange, and
        the in-process broker drops them."""
        deadline = time.monotonic() + timeout
        while self.consumer is not None and not self.consumer.connected:
            if time.monotonic() > deadline:
                return False
            time.sleep(0.02)
        return True

    def _run_part(self, part: Any) -> None:
        with context.bound(service=self.service.name):
            part.run()

    def stop(self, timeout: float = 10) -> None:
        for part in (self.consumer, self.relay, self.sweeper):
            if part is not None:
                part.stop()
        for thread in self.threads:
            thread.join(timeout)

    @property
    def alive(self) -> bool:
        return all(t.is_alive() for t in self.threads)

    def readiness(self) -> dict[str, bool]:
        ready = {"database": self.db.ping(), "relay": self.relay.healthy}
        if self.consumer is not None:
            ready["broker"] = self.consumer.connected
        return ready


def serve_health(worker: Worker, port: int, host: str = "127.0.0.1") -> ThreadingHTTPServer:
    """``/healthz``, ``/readyz`` and ``/metrics`` for the worker's probes, on ``host`` (loopback
    unless told: the figures are nobody's business beyond the probe and the scraper)."""
    from casework.web.health import metrics_text

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802
            if self.path == "/healthz":
                self._send(200 if worker.alive else 503, {"alive": worker.alive})
            elif self.path == "/readyz":
                checks = worker.readiness()
                self._send(200 if all(checks.values()) else 503, checks)
            elif self.path == "/metrics":
                body = metrics_text()
                self.send_response(200)
                self.send_header("Content-Type", "text/plain; version=0.0.4")
                self.end_headers()
                self.wfile.write(body)
            else:
                self._send(404, {"error": "not found"})

        def _send(self, status: int, body: dict) -> None:
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer((host, port), Handler)
    threading.Thread(target=server.serve_forever, name="worker-health", daemon=True).start()
    return server


def main(service: Service) -> None:
    """Run the worker until SIGTERM or SIGINT."""
    configure_logging(service.name)
    settings = Settings.from_env(service.name, default_port=service.port)
    worker = Worker(service, settings)
    collector.settle()
    stopped = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stopped.set())
    signal.signal(signal.SIGINT, lambda *_: stopped.set())
    worker.start()
    server = serve_health(worker, settings.worker_health_port, settings.worker_health_host) if settings.worker_health_port else None
    log.info("worker started", extra={"health_port": settings.worker_health_port})
    stopped.wait()
    log.info("worker stopping")
    worker.stop()
    if server is not None:
        server.shutdown()
