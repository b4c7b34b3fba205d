"""Embedded mode: the whole system in one process with no servers to install.

Each service keeps its own SQLite file under the data folder; the broker is kombu's
in-process transport. The api, outbox relay, consumer, inbox and timers are the same code
as in production; only the engines differ. Data survives a restart (the SQLite files);
messages in flight at Ctrl-C are not broker-durable here, which is why this mode is for
trying Casework out and for fast tests, not for production.
"""

from __future__ import annotations

import dataclasses
import os
import signal
import threading
from pathlib import Path

from werkzeug.serving import make_server

from casework import auth
from casework.db import Database
from casework.logging import configure_logging
from casework.migrations import upgrade
from casework.service import Service, installed
from casework.settings import Settings
from casework.web import create_app
from casework.worker import Worker

DEMO_USERS = [
    ("intake-officer-1", ["intake_officer"], "Iris Intake"),
    ("sustainment-officer-1", ["sustainment_officer"], "Sam Sustain"),
    ("lettings-officer-1", ["lettings_officer"], "Lee Lettings"),
    ("team-leader-1", ["team_leader"], "Tara Leader"),
    ("admin-1", ["admin"], "Ada Admin"),
    ("partner-system-1", ["referrer"], "Income Recovery system"),
]


def embedded_settings(service: Service, data_dir: Path, host: str, port_offset: int = 0) -> Settings:
    return dataclasses.replace(
        Settings.from_env(service.name, default_port=service.port),
        database_url=f"sqlite:///{(data_dir / f'{service.name}.db').resolve()}",
        broker_url="memory://",
        public_url=f"http://{host}:{service.port + port_offset}",
        worker_health_port=0,
    )


def run_embedded(data_dir: Path, *, host: str = "127.0.0.1", stop: threading.Event | None = None,
                 quiet: bool = False, port_offset: int = 0) -> None:
    """Serve every installed service on its port (plus ``port_offset``) until ``stop`` or Ctrl-C."""
    # Before logging is configured: the welcome text should not drown in migration chatter.
    os.environ.setdefault("CASEWORK_LOG_LEVEL", "WARNING")
    configure_logging("casework")
    data_dir.mkdir(parents=True, exist_ok=True)
    servers, workers = [], []
    for service in installed().values():  # links in messages point at where each service is served
        os.environ.setdefault(f"CASEWORK_{service.name.upper()}_PUBLIC_URL", f"http://{host}:{service.port + port_offset}")
    for service in installed().values():
        settings = embedded_settings(service, data_dir, host, port_offset)
        upgrade(service, settings.database_url)
        db = Database(settings.database_url)
        app = create_app(service, settings=settings, db=db)
        server = make_server(host, service.port + port_offset, app, threaded=True)
        threading.Thread(target=server.serve_forever, name=f"{service.name}-http", daemon=True).start()
        worker = Worker(service, settings, db)
        worker.start()
        servers.append((service, server))
        workers.append(worker)
    if not quiet:
        _print_welcome(servers, host, port_offset)
    stop = stop or threading.Event()
    if threading.current_thread() is threading.main_thread():  # a test may run it in a thread
        signal.signal(signal.SIGINT, lambda *_: stop.set())
        signal.signal(signal.SIGTERM, lambda *_: stop.set())
    stop.wait()
    print("\nStopping Casework…", flush=True)
    for worker in workers:
        worker.stop()
    for _, server in servers:
        server.shutdown()


def _print_welcome(servers, host: str, port_offset: int) -> None:
    print("\nCasework is running (embedded: SQLite files and an in-process broker).\n")
    for service, _ in servers:
        base = f"http://{host}:{service.port + port_offset}"
        print(f"  {service.name:<14} {base}   docs {base}/docs")
        for label, path in service.pages.items():
            print(f"  {'':<14} {label}: {base}{path}")
    print_tokens(Settings.from_env("casework").jwt_secret)
    print("Press Ctrl-C to stop. Data is kept in the data folder.\n", flush=True)


def print_tokens(secret: str) -> None:
    """A development token for each demo user (``casework run`` and ``casework up`` print them)."""
    settings = Settings.from_env("casework")
    print("\nDevelopment tokens (valid 12 hours; use as 'Authorization: Bearer <token>'):\n")
    for sub, roles, name in DEMO_USERS:
        token = auth.mint(sub, roles, name=name, secret=secret, issuer=settings.jwt_issuer,
                          audience=settings.jwt_audience)
        print(f"  {roles[0]:<20} {sub:<24} {token}")
    print(flush=True)
