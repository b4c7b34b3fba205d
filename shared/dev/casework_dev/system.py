"""The whole system as real processes: each service's api under gunicorn and its worker.

``casework up`` runs it against the local (or named) PostgreSQL and RabbitMQ; the end-to-end
and reliability tests run it against databases and broker names of their own::

    with System.for_tests(postgres_url, broker_url) as system:
        system.start()
        requests.get(system.url("intake") + "/referrals", ...)
        system.kill("sustainment-worker"); system.start_process("sustainment-worker")

Each process is a child in its own process group, configured only through its environment
(``CASEWORK_<SERVICE>_DATABASE_URL``, ``CASEWORK_BROKER_URL``, ``CASEWORK_EXCHANGE``, …),
exactly as a container would be, and writes its log to ``<log_dir>/<process>.log``.
"""

from __future__ import annotations

import contextlib
import dataclasses
import os
import signal
import sys
import tempfile
import time
import uuid
from collections.abc import Iterable
from pathlib import Path

from casework.db import ensure_database
from casework.service import Service, installed
from casework.settings import Settings

from .processes import Process, free_ports, gunicorn_has_control_socket

DEFAULT_POSTGRES = "postgresql://postgres@127.0.0.1:5432/postgres"
DEFAULT_BROKER = "amqp://guest:guest@127.0.0.1:5672//"


@dataclasses.dataclass
class Ports:
    api: int
    worker_health: int


class System:
    """Every installed service (or those named) as an api and a worker process."""

    def __init__(self, database_urls: dict[str, str], broker_url: str, *, exchange: str = "casework.events",
                 queue_prefix: str = "", jwt_secret: str | None = None, ports: dict[str, Ports] | None = None,
                 services: Iterable[Service] | None = None, log_dir: Path | None = None, host: str = "127.0.0.1",
                 api_workers: int = 1, api_threads: int = 4, env: dict[str, str] | None = None,
                 owns_databases: bool = False, inherit_settings: bool = False) -> None:
        self.services = {s.name: s for s in (services or installed().values())}
        self.database_urls = database_urls
        self.broker_url = broker_url
        self.exchange = exchange
        self.queue_prefix = queue_prefix
        self.jwt_secret = jwt_secret or Settings.from_env("casework").jwt_secret
        self.host = host
        if ports is None:
            chosen = iter(free_ports(2 * len(self.services)))
            ports = {name: Ports(next(chosen), next(chosen)) for name in self.services}
        self.ports = ports
        self.log_dir = Path(log_dir or tempfile.mkdtemp(prefix="casework-logs-"))
        self.log_dir.mkdir(parents=True, exist_ok=True)
        self.owns_databases = owns_databases
        self.owns_broker_names = owns_databases
        self.inherit_settings = inherit_settings
        self.extra_env = dict(env or {})
        self.api_workers = api_workers
        self.api_threads = api_threads
        self.processes: dict[str, Process] = {}
        for service in self.services.values():
            self.processes[f"{service.name}-api"] = self._api_process(service)
            self.processes[f"{service.name}-worker"] = self._worker_process(service)

    # -- construction -------------------------------------------------------------------

    @classmethod
    def for_tests(cls, postgres_url: str, broker_url: str, *, services: Iterable[Service] | None = None,
                  **options) -> System:
        """Fresh databases (``cw_e2e_<run>_<service>``) and broker names of its own; removed on close.

        ``exchange=`` and ``queue_prefix=`` name the broker's instead, where the test has a broker
        to itself (a cluster loaded with production's definitions, say); those are left on it."""
        services = list(services or installed().values())
        run = uuid.uuid4().hex[:8]
        urls = {s.name: ensure_database(postgres_url, f"cw_e2e_{run}_{s.name}") for s in services}
        env = {"CASEWORK_RETRY_DELAYS": "1,2", "CASEWORK_RELAY_POLL_SECONDS": "0.2",
               "CASEWORK_TIMER_POLL_SECONDS": "0.2", "CASEWORK_LOG_LEVEL": "INFO", **options.pop("env", {})}
        system = cls(urls, broker_url, exchange=options.pop("exchange", f"e2e{run}.casework.events"),
                     queue_prefix=options.pop("queue_prefix", f"e2e{run}."),
                     services=services, env=env, owns_databases=True,
                     jwt_secret=options.pop("jwt_secret", "casework-test-secret-0123456789abcdef"), **options)
        system.owns_broker_names = system.exchange == f"e2e{run}.casework.events"
        return system

    @classmethod
    def local(cls, postgres_url: str = DEFAULT_POSTGRES, broker_url: str = DEFAULT_BROKER, **options) -> System:
        """The databases named after the services on one server, the standard ports (8001…, 8101…)."""
        services = list(options.pop("services", None) or installed().values())
        urls = {s.name: ensure_database(postgres_url, s.name) for s in services}
        ports = {s.name: Ports(s.port, s.port + 100) for s in services}
        return cls(urls, broker_url, services=services, ports=ports, inherit_settings=True, **options)

    def settings(self, name: str) -> Settings:
        """The settings the service's processes read from the environment this system gives them."""
        service = self.services[name]
        return dataclasses.replace(
            Settings.from_env(name, default_port=service.port), database_url=self.database_urls[name],
            broker_url=self.broker_url, exchange=self.exchange, queue_prefix=self.queue_prefix,
            jwt_secret=self.jwt_secret, jwks_url="", public_url=self.url(name),
            retry_delays=tuple(int(x) for x in self.environment()["CASEWORK_RETRY_DELAYS"].split(",")),
        )

    def url(self, name: str) -> str:
        """The base URL of a service's api."""
        return f"http://{self.host}:{self.ports[name].api}"

    def urls(self) -> dict[str, str]:
        """Every service's api base URL, by name."""
        return {name: self.url(name) for name in self.services}

    def worker_url(self, name: str) -> str:
        """The base URL of a service's worker's health port."""
        return f"http://{self.host}:{self.ports[name].worker_health}"

    def environment(self) -> dict[str, str]:
        """What every process of this system gets in its environment."""
        # A test's system takes nothing from the caller's CASEWORK_* settings but the policy files and
        # log level; `casework up` passes the operator's settings on (rate limits, JWKS, …).
        dropped = ("GUNICORN_", "PROMETHEUS_MULTIPROC_DIR") + (() if self.inherit_settings else ("CASEWORK_",))
        env = {k: v for k, v in os.environ.items() if not k.startswith(dropped)}
        env |= {
            "CASEWORK_BROKER_URL": self.broker_url,
            "CASEWORK_EXCHANGE": self.exchange,
            "CASEWORK_QUEUE_PREFIX": self.queue_prefix,
            "CASEWORK_JWT_SECRET": self.jwt_secret,
            # The broker's retry queues are named by these (deploy/rabbitmq/definitions.json: 1,5,30).
            "CASEWORK_RETRY_DELAYS": env.get("CASEWORK_RETRY_DELAYS", "1,5,30"),
            "PYTHONUNBUFFERED": "1",
        }
        for name in self.services:
            key = name.upper()
            env[f"CASEWORK_{key}_DATABASE_URL"] = self.database_urls[name]
            env[f"CASEWORK_{key}_PUBLIC_URL"] = self.url(name)
            env[f"CASEWORK_{key}_WORKER_HEALTH_PORT"] = str(self.ports[name].worker_health)
        # Keep what the caller set for the council's policy files and log level.
        env |= {k: v for k, v in os.environ.items() if k.endswith("_POLICY_FILE") or k == "CASEWORK_LOG_LEVEL"}
        env |= self.extra_env
        return env

    def _api_process(self, service: Service) -> Process:
        env = self.environment() | {
            "GUNICORN_BIND": f"{self.host}:{self.ports[service.name].api}",
            "GUNICORN_WORKERS": str(self.api_workers),
            "GUNICORN_THREADS": str(self.api_threads),
        }
        if self.api_workers > 1:
            # Prometheus figures shared by gunicorn's workers; a fresh folder per start.
            env["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(prefix=f"casework-metrics-{service.name}-")
        conf = service.migrations.parent / "gunicorn.conf.py"
        argv = [sys.executable, "-m", "gunicorn"]
        argv += ["-c", str(conf)] if conf.exists() else [f"{service.name}.app:create_app()"]
        if gunicorn_has_control_socket():
            # Newer gunicorns open a control socket at one fixed path per user: several masters would fight over it.
            argv.append("--no-control-socket")
        return Process(f"{service.name}-api", argv, env, f"{self.url(service.name)}/readyz",
                       self.log_dir / f"{service.name}-api.log")

    def _worker_process(self, service: Service) -> Process:
        return Process(f"{service.name}-worker", [sys.executable, "-m", f"{service.name}.worker"],
                       self.environment(), f"{self.worker_url(service.name)}/readyz",
                       self.log_dir / f"{service.name}-worker.log")

    # -- lifecycle ----------------------------------------------------------------------

    def migrate(self) -> None:
        """Bring every service's database to head."""
        from casework.migrations import upgrade

        for name, service in self.services.items():
            upgrade(service, self.database_urls[name])

    def declare_topology(self) -> None:
        """The exchange and every service's queues, so no event is missed before a worker starts."""
        from casework.bus import declare
        from casework.bus.connection import connect

        for name, service in self.services.items():
            settings = self.settings(name)
            with connect(settings, confirms=False) as conn:
                declare(conn, settings, name, service.consumes)

    def start(self, timeout: float = 60) -> System:
        """Migrate, declare the topology, start every process and wait until each is ready."""
        self.migrate()
        self.declare_topology()
        for process in self.processes.values():
            process.start()
        self.wait_ready(timeout=timeout)
        return self

    def wait_ready(self, names: Iterable[str] | None = None, timeout: float = 60) -> None:
        """Wait for ``/readyz`` of each process (all by default); raise with its log if one fails."""
        waiting = [self.processes[n] for n in (names or self.processes)]
        deadline = time.monotonic() + timeout
        while waiting:
            for process in list(waiting):
                if not process.running:
                    raise RuntimeError(f"{process.name} exited ({process.popen.returncode if process.popen else '-'})"
                                       f"; its log ends:\n{process.log_tail()}")
                if process.ready:
                    waiting.remove(process)
            if waiting and time.monotonic() > deadline:
                raise RuntimeError(f"not ready after {timeout}s: {', '.join(p.name for p in waiting)}\n"
                                   + "\n".join(f"--- {p.name}\n{p.log_tail(20)}" for p in waiting))
            if waiting:
                time.sleep(0.2)

    def process(self, name: str) -> Process:
        """``intake-api``, ``sustainment-worker``, …"""
        return self.processes[name]

    def start_process(self, name: str, *, wait: bool = True, timeout: float = 30) -> None:
        self.processes[name].start()
        if wait:
            self.wait_ready([name], timeout=timeout)

    def stop_process(self, name: str, timeout: float = 20) -> int | None:
        """SIGTERM one process and wait for it to finish what it has in hand."""
        return self.processes[name].stop(timeout)

    def kill(self, name: str) -> None:
        """SIGKILL one process: no clean shutdown."""
        self.processes[name].kill()

    def exited(self) -> list[Process]:
        """Processes that were started and are no longer running."""
        return [p for p in self.processes.values() if p.popen is not None and not p.running]

    def stop(self, timeout: float = 20) -> None:
        """SIGTERM every process at once, then wait for each (SIGKILL after ``timeout``)."""
        for process in self.processes.values():
            process.signal(signal.SIGTERM)
        for process in self.processes.values():
            process.stop(timeout)

    def close(self) -> None:
        """Stop every process; a system made for tests also drops its databases and broker names."""
        self.stop()
        if not self.owns_databases:
            return
        from casework.db import drop_database
        from casework_dev.testing import delete_namespace

        for url in self.database_urls.values():
            with contextlib.suppress(Exception):
                drop_database(url)
        if self.owns_broker_names:
            delete_namespace(self.settings(next(iter(self.services))), list(self.services))

    def logs(self, lines: int = 30) -> str:
        """The end of every process's log (for a failing test's report)."""
        return "\n".join(f"--- {p.name}\n{p.log_tail(lines)}" for p in self.processes.values())

    def __enter__(self) -> System:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


class Client:
    """Someone calling the running system over HTTP with a development token of their own.

    ``urls`` maps each service to its base URL (``System.urls()``, or the standard local ports).
    """

    def __init__(self, urls: dict[str, str], sub: str, *roles: str, secret: str, name: str = "") -> None:
        import requests

        from casework import auth

        self.urls = urls
        self.sub = sub
        self.roles = roles
        self.http = requests.Session()
        self.http.headers["Authorization"] = "Bearer " + auth.mint(sub, roles, name=name or sub, secret=secret)

    def get(self, service: str, path: str, **params):
        return self.http.get(self.urls[service] + path, params=params, timeout=15)

    def post(self, service: str, path: str, body: dict | None = None, headers: dict[str, str] | None = None):
        return self.http.post(self.urls[service] + path, json=body if body is not None else {}, headers=headers,
                              timeout=15)

    def put(self, service: str, path: str, body: dict, headers: dict[str, str] | None = None):
        return self.http.put(self.urls[service] + path, json=body, headers=headers, timeout=15)

    def tasks(self, **filters: str) -> list[dict]:
        """Tasks this caller may see in notifications (their own and their teams'), filtered."""
        response = self.get("notifications", "/tasks", page_size=100, **filters)
        response.raise_for_status()
        return response.json()

    def inbox(self) -> list[dict]:
        response = self.get("notifications", "/notifications", page_size=100)
        response.raise_for_status()
        return response.json()


def local_urls(host: str = "127.0.0.1", port_offset: int = 0) -> dict[str, str]:
    """Each installed service's base URL on its standard port plus ``port_offset`` (``casework up``,
    ``casework run --port-offset``)."""
    return {name: f"http://{host}:{service.port + port_offset}" for name, service in installed().items()}
