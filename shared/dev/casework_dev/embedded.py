"""Embedded mode: the whole system in one process with no servers to install.

Each service keeps its own SQLite file under the data folder; the broker is kombu's
in-process transport. The api, outbox relay, consumer, inbox and timers are the same code
as in production; only the engines differ. Data survives a restart (the SQLite files);
messages in flight at Ctrl-C are not broker-durable here, which is why this mode is for
trying Casework out and for fast tests, not for production.
"""

from __future__ import annotations

import dataclasses
import errno
import json
import os
import signal
import socket
import threading
import urllib.error
import urllib.request
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
    # Front-line officers who see a tenant at risk first and raise referrals.
    ("housing-officer-1", ["housing_officer"], "Hana Housing"),
    ("income-officer-1", ["income_officer"], "Ian Income"),
    ("asb-officer-1", ["asb_officer"], "Asha Safe"),
    ("partner-system-1", ["referrer"], "Income Recovery system"),
]

# The demo officers' teams: slug, name, manager (escalations go to them) and members.
DEMO_TEAMS = [
    ("intake", "Intake", "team-leader-1", ["intake-officer-1", "team-leader-1"]),
    ("sustainment", "Tenancy sustainment", "team-leader-1", ["sustainment-officer-1", "team-leader-1"]),
    ("lettings", "Lettings", None, ["lettings-officer-1"]),
]


class CannotStart(RuntimeError):
    """Casework cannot start, for a reason the person starting it can put right (no traceback)."""


class PortBusy(CannotStart):
    """A service's port is taken (most often by another Casework already running)."""

    def __init__(self, busy: list[tuple[str, int]], port_offset: int) -> None:
        ports = ", ".join(f"{port} ({name})" for name, port in busy)
        moved = port_offset + 1000
        super().__init__(
            f"{'Port' if len(busy) == 1 else 'Ports'} {ports} {'is' if len(busy) == 1 else 'are'} already in use: "
            f"is Casework already running? Stop it, or move this one "
            f"with `make run PORT_OFFSET={moved}` (`casework run --port-offset {moved}`).")


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
    busy = [(s.name, s.port + port_offset) for s in installed().values() if _busy(host, s.port + port_offset)]
    if busy:  # before any migration or thread: werkzeug would exit on the first, naming no way out
        raise PortBusy(busy, port_offset)
    data_dir.mkdir(parents=True, exist_ok=True)
    servers, workers, directory, agencies = [], [], None, None
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
        if service.name == "notifications":
            directory = (f"http://{host}:{service.port + port_offset}", settings)
        if service.name == "sustainment":
            agencies = (f"http://{host}:{service.port + port_offset}", settings)
    stop = stop or threading.Event()
    if threading.current_thread() is threading.main_thread():  # a test may run it in a thread
        signal.signal(signal.SIGINT, lambda *_: stop.set())
        signal.signal(signal.SIGTERM, lambda *_: stop.set())
    try:
        if directory is not None:
            seed_directory(*directory, actor="casework run")
        if agencies is not None:
            seed_agencies(*agencies, actor="casework run")
        if not quiet:
            _print_welcome(servers, host, port_offset)
        stop.wait()
    finally:
        print("\nStopping Casework…", flush=True)
        for worker in workers:
            worker.stop()
        for _, server in servers:
            server.shutdown()


def _busy(host: str, port: int) -> bool:
    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as the server binds: TIME_WAIT is no bar
        try:
            probe.bind((host, port))
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                return True
            raise
    return False


def seed_directory(notifications_url: str, settings: Settings, *, actor: str) -> None:
    """Put the demo officers and their teams in the directory unless they are there already.

    Development only (``casework run`` and ``casework up``): the officers whose tokens are printed
    can then sign in to the inbox and see their teams' tasks. It goes through the notifications
    api, as an admin named ``actor``, so the directory's own rules and audit trail apply; what is
    there already (409) is left as the council may have changed it.
    """
    token = auth.mint(actor, ["admin"], name=actor, secret=settings.jwt_secret, issuer=settings.jwt_issuer,
                      audience=settings.jwt_audience)
    officers = [(sub, roles, name) for sub, roles, name in DEMO_USERS if set(roles) & set(auth.OFFICER_ROLES)]
    for sub, roles, name in officers:
        teams = [slug for slug, _, _, members in DEMO_TEAMS if sub in members]
        _add(notifications_url, "/officers", token, {
            "id": sub, "name": name, "email": f"{sub}@council.example.gov.uk", "teams": teams, "roles": roles,
            "email_preference": "off"})  # no mail server in development: the inbox tells them
    for slug, name, manager, _ in DEMO_TEAMS:
        _add(notifications_url, "/teams", token, {"slug": slug, "name": name, "manager_id": manager})


def seed_agencies(sustainment_url: str, settings: Settings, *, actor: str) -> None:
    """Import the sample agency directory (``services/sustainment/samples/agencies-oruk.json``) on
    the first start, so officers can refer tenants to an agency at once.

    Development only (``casework run``): through sustainment's ``POST /agencies/import`` as an admin
    named ``actor``, so the import's own checks and audit trail apply; only into an empty directory,
    so a restart adds nothing and what the council changed or took out stays as it is.
    """
    sample = _sample_agencies()
    if sample is None:  # an installed package without the source tree's samples: nothing to seed
        return
    token = auth.mint(actor, ["admin"], name=actor, secret=settings.jwt_secret, issuer=settings.jwt_issuer,
                      audience=settings.jwt_audience)
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    listed = urllib.request.Request(sustainment_url + "/agencies?include_inactive=true", headers=headers)
    with _NO_PROXY.open(listed, timeout=30) as answer:
        if json.load(answer):
            return
    try:
        with _NO_PROXY.open(urllib.request.Request(sustainment_url + "/agencies/import", data=sample.read_bytes(),
                                                   method="POST", headers=headers), timeout=60):
            return
    except urllib.error.HTTPError as exc:
        detail = exc.read().decode(errors="replace")
        raise CannotStart(f"could not import the sample agencies ({sample}): {exc.code} {detail}") from None


def _sample_agencies() -> Path | None:
    from importlib.util import find_spec

    spec = find_spec("sustainment")
    if spec is None or spec.origin is None:
        return None
    sample = Path(spec.origin).parents[1] / "samples" / "agencies-oruk.json"
    return sample if sample.is_file() else None


_NO_PROXY = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # an http_proxy must not see our own port


def _add(base_url: str, path: str, token: str, body: dict) -> None:
    request = urllib.request.Request(base_url + path, data=json.dumps(body).encode(), method="POST", headers={
        "Authorization": f"Bearer {token}", "Content-Type": "application/json"})
    try:
        with _NO_PROXY.open(request, timeout=30):
            return
    except urllib.error.HTTPError as exc:
        if exc.code == 409:  # there already
            return
        detail = exc.read().decode(errors="replace")
        raise CannotStart(f"could not add {body.get('id') or body.get('slug')} to the directory: "
                           f"{exc.code} {detail}") from None


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
    """A development token for each demo user (``casework run`` and ``casework up`` print them), and their teams."""
    settings = Settings.from_env("casework")
    print("\nDevelopment tokens (valid 12 hours; use as 'Authorization: Bearer <token>'):\n")
    for sub, roles, name in DEMO_USERS:
        token = auth.mint(sub, roles, name=name, secret=secret, issuer=settings.jwt_issuer,
                          audience=settings.jwt_audience)
        print(f"  {roles[0]:<20} {sub:<24} {token}")
    # Both commands seed the directory first (seed_directory), so the inbox sign-in lists them.
    print("\nThe officers among them are in the directory (notifications), so they can sign in to the pages\n"
          "of every service (pick one at notifications' /app/sign-in):\n")
    for _, name, manager, members in DEMO_TEAMS:
        print(f"  {name + ' team':<24} {', '.join(members)}" + (f" (led by {manager})" if manager else ""))
    print(flush=True)
