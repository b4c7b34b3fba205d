"""Test support: real PostgreSQL and RabbitMQ for integration tests, isolated per test run.

Servers come from testcontainers when a Docker engine answers, and otherwise from
``CASEWORK_TEST_POSTGRES_URL`` / ``CASEWORK_TEST_BROKER_URL`` (defaults: the local servers
on 127.0.0.1). A test that needs a server it cannot reach fails when ``CI`` is set and is
skipped otherwise. Each run gets its own databases and its own exchange and queue names,
so runs never see each other's data.

Load it as a pytest plugin: ``pytest_plugins = ["casework.testing"]``.
"""

from __future__ import annotations

import dataclasses
import functools
import os
import socket
import uuid
from collections.abc import Iterator
from urllib.parse import urlsplit, urlunsplit

import pytest
import sqlalchemy as sa

from casework import auth
from casework.settings import Settings

TEST_SECRET = "casework-test-secret-0123456789abcdef"
DEFAULT_POSTGRES = "postgresql://postgres@127.0.0.1:5432/postgres"
DEFAULT_BROKER = "amqp://guest:guest@127.0.0.1:5672//"


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() in ("1", "true", "yes")


def unavailable(what: str) -> None:
    """Fail in CI, skip elsewhere."""
    if in_ci():
        pytest.fail(f"{what} is not reachable, and CI must run every test against real servers")
    pytest.skip(f"{what} is not reachable")


def _reachable(url: str, default_port: int) -> bool:
    parts = urlsplit(url)
    try:
        with socket.create_connection((parts.hostname or "127.0.0.1", parts.port or default_port), timeout=2):
            return True
    except OSError:
        return False


@functools.lru_cache(maxsize=1)
def _docker_available() -> bool:
    if os.environ.get("CASEWORK_TEST_NO_DOCKER"):
        return False
    try:
        import docker

        docker.from_env(timeout=3).ping()
        return True
    except Exception:
        return False


_containers: list = []


@functools.lru_cache(maxsize=1)
def postgres_server_url() -> str:
    if "CASEWORK_TEST_POSTGRES_URL" not in os.environ and _docker_available():
        from testcontainers.postgres import PostgresContainer

        container = PostgresContainer("postgres:16-alpine", driver=None).start()
        _containers.append(container)
        return container.get_connection_url()
    return os.environ.get("CASEWORK_TEST_POSTGRES_URL", DEFAULT_POSTGRES)


@functools.lru_cache(maxsize=1)
def broker_server_url() -> str:
    if "CASEWORK_TEST_BROKER_URL" not in os.environ and _docker_available():
        from testcontainers.rabbitmq import RabbitMqContainer

        container = RabbitMqContainer("rabbitmq:3.13-management").start()
        _containers.append(container)
        host, port = container.get_container_host_ip(), container.get_exposed_port(5672)
        return f"amqp://guest:guest@{host}:{port}//"
    return os.environ.get("CASEWORK_TEST_BROKER_URL", DEFAULT_BROKER)


def require_postgres() -> str:
    url = postgres_server_url()
    if not _reachable(url, 5432):
        unavailable(f"PostgreSQL at {urlsplit(url).hostname}:{urlsplit(url).port or 5432}")
    return url


def require_broker() -> str:
    url = broker_server_url()
    if not _reachable(url, 5672):
        unavailable(f"RabbitMQ at {urlsplit(url).hostname}:{urlsplit(url).port or 5672}")
    return url


def _admin_engine(server_url: str) -> sa.Engine:
    url = server_url.replace("postgresql://", "postgresql+psycopg://", 1)
    return sa.create_engine(url, isolation_level="AUTOCOMMIT")


def create_database(server_url: str, prefix: str = "cw_test") -> str:
    """A new empty database on the server; returns its URL."""
    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    engine = _admin_engine(server_url)
    with engine.connect() as conn:
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    engine.dispose()
    parts = urlsplit(server_url)
    return urlunsplit((parts.scheme, parts.netloc, f"/{name}", parts.query, parts.fragment))


def drop_database(database_url: str) -> None:
    parts = urlsplit(database_url)
    name = parts.path.lstrip("/")
    server = urlunsplit((parts.scheme, parts.netloc, "/postgres", parts.query, parts.fragment))
    engine = _admin_engine(server)
    with engine.connect() as conn:
        conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    engine.dispose()


def test_settings(service: str, *, database_url: str, broker_url: str, namespace: str, **overrides) -> Settings:
    """Settings for a test: its own exchange and queue names, fast polling and retries."""
    base = Settings.from_env(service)
    values = dict(
        database_url=database_url,
        broker_url=broker_url,
        exchange=f"{namespace}.casework.events",
        queue_prefix=f"{namespace}.",
        jwt_secret=TEST_SECRET,
        jwks_url="",
        retry_delays=(1, 1),
        relay_poll_seconds=0.2,
        timer_poll_seconds=0.2,
        worker_health_port=0,
    )
    values.update(overrides)
    return dataclasses.replace(base, **values)


test_settings.__test__ = False  # a helper, not a test, where a test module imports it


def token(sub: str, *roles: str, name: str = "") -> str:
    """A bearer token signed with the test secret."""
    return auth.mint(sub, roles, name=name or sub, secret=TEST_SECRET)


def bearer(sub: str, *roles: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token(sub, *roles)}"}


def delete_namespace(settings: Settings, services: list[str]) -> None:
    """Remove a test's exchanges and queues from the broker."""
    from casework.bus import topology
    from casework.bus.connection import connect

    try:
        with connect(settings, confirms=False, max_retries=1) as conn:
            channel = conn.channel()
            names = [f"{settings.queue_prefix}casework.unrouted"]
            for service in services:
                names += [settings.queue_name(service), topology.parking_queue_name(settings, service)]
                names += [topology.retry_queue_name(settings, service, d) for d in settings.retry_delays]
            for name in names:
                try:
                    channel.queue_delete(name)
                except Exception:
                    channel = conn.channel()
            for name in (settings.exchange, f"{settings.exchange}.unrouted"):
                try:
                    channel.exchange_delete(name)
                except Exception:
                    channel = conn.channel()
    except Exception:
        pass


class ServiceHarness:
    """One service against real servers: its own migrated database and broker names.

    ``client`` is a Flask test client of the real app; ``worker()`` starts the real relay,
    consumer and sweeper as threads; ``events()`` reads what the service wrote to its outbox.
    """

    def __init__(self, service, postgres_url: str, broker_url: str, *, migrate: bool = True, **overrides) -> None:
        from casework.db import Database
        from casework.migrations import upgrade
        from casework.web import create_app

        self.service = service
        self.namespace = f"t{uuid.uuid4().hex[:10]}"
        self.database_url = create_database(postgres_url, prefix=f"cw_{service.name}")
        if migrate:
            upgrade(service, self.database_url)
        self.settings = test_settings(service.name, database_url=self.database_url, broker_url=broker_url,
                                      namespace=self.namespace, **overrides)
        self.db = Database(self.database_url)
        self.app = create_app(service, settings=self.settings, db=self.db)
        self.client = self.app.test_client()
        self._workers: list = []

    def worker(self):
        """Start the service's worker (relay, consumer, sweeper) against the real broker."""
        from casework.worker import Worker

        worker = Worker(self.service, self.settings, self.db)
        worker.start()
        self._workers.append(worker)
        if worker.consumer is not None:
            # Its queue and bindings exist from here on: events published now reach it.
            wait_until(lambda: worker.consumer.connected, timeout=15, message="the consumer to connect")
        return worker

    def events(self, type: str | None = None) -> list:
        """The events this service has written to its outbox, oldest first."""
        from sqlalchemy import select

        from casework.events import parse
        from casework.outbox import OutboxMessage

        with self.db.transaction() as session:
            rows = session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).all()
            found = [parse(row.body) for row in rows]
        if type is not None:
            type = type if type.startswith("casework.") else "casework." + type
            found = [e for e in found if e.type == type]
        return found

    def truncate(self) -> None:
        """Empty every table (between tests sharing this harness).

        A worker left running may hold row locks: TRUNCATE then deadlocks or waits, so it is
        retried a few times.
        """
        import time

        from sqlalchemy.exc import OperationalError

        for attempt in range(5):
            try:
                with self.db.engine.begin() as conn:
                    conn.exec_driver_sql("SET LOCAL lock_timeout = '2s'")
                    names = [t for t in conn.dialect.get_table_names(conn) if t != "alembic_version"]
                    if names:
                        conn.exec_driver_sql(
                            "TRUNCATE " + ", ".join(f'"{n}"' for n in names) + " RESTART IDENTITY CASCADE")
                return
            except OperationalError:
                if attempt == 4:
                    raise
                time.sleep(0.2 * (attempt + 1))

    def close(self) -> None:
        for worker in self._workers:
            worker.stop(timeout=5)
        self.db.dispose()
        drop_database(self.database_url)
        delete_namespace(self.settings, [self.service.name])

    def __enter__(self) -> ServiceHarness:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def wait_until(predicate, timeout: float = 10.0, interval: float = 0.05, message: str = "condition"):
    """Poll ``predicate`` until it returns something truthy; fail the test after ``timeout``."""
    import time

    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            pytest.fail(f"timed out after {timeout}s waiting for {message}")
        time.sleep(interval)


# -- fixtures -------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def postgres_url() -> str:
    """The PostgreSQL server (``postgres`` database URL)."""
    return require_postgres()


@pytest.fixture(scope="session")
def broker_url() -> str:
    return require_broker()


@pytest.fixture
def database_url(postgres_url: str) -> Iterator[str]:
    """A fresh, empty PostgreSQL database for one test."""
    url = create_database(postgres_url)
    yield url
    drop_database(url)


@pytest.fixture
def namespace() -> str:
    return f"t{uuid.uuid4().hex[:10]}"


def pytest_sessionfinish(session, exitstatus) -> None:
    for container in _containers:
        try:
            container.stop()
        except Exception:
            pass


class TcpProxy:
    """A local TCP proxy in front of a server, which a test can cut and restore.

    ``cut()`` closes every connection through it and refuses new ones, as a broker or
    database going away does; ``restore()`` lets connections through again. Only this
    test's clients are affected, not other users of the same server.
    """

    def __init__(self, target_host: str, target_port: int) -> None:
        import threading

        self.target = (target_host, target_port)
        self.listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(64)
        self.port = self.listener.getsockname()[1]
        self.open = True
        self._sockets: set[socket.socket] = set()
        self._lock = threading.Lock()
        self._stopped = False
        threading.Thread(target=self._accept, daemon=True, name="tcp-proxy").start()

    def url_for(self, url: str) -> str:
        """``url`` with its host and port replaced by the proxy's."""
        parts = urlsplit(url)
        netloc = parts.netloc.rsplit("@", 1)
        userinfo = netloc[0] + "@" if len(netloc) == 2 else ""
        return urlunsplit((parts.scheme, f"{userinfo}127.0.0.1:{self.port}", parts.path, parts.query, parts.fragment))

    def _accept(self) -> None:
        import threading

        while not self._stopped:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            if not self.open:
                client.close()
                continue
            try:
                upstream = socket.create_connection(self.target, timeout=5)
                upstream.settimeout(None)
            except OSError:
                client.close()
                continue
            with self._lock:
                self._sockets.update((client, upstream))
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pipe, args=(a, b), daemon=True).start()

    def _pipe(self, source: socket.socket, sink: socket.socket) -> None:
        try:
            while True:
                data = source.recv(65536)
                if not data:
                    break
                sink.sendall(data)
        except OSError:
            pass
        finally:
            for s in (source, sink):
                try:
                    s.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
                s.close()
            with self._lock:
                self._sockets.discard(source)
                self._sockets.discard(sink)

    def cut(self) -> None:
        self.open = False
        with self._lock:
            sockets = list(self._sockets)
        for s in sockets:
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            s.close()

    def restore(self) -> None:
        self.open = True

    def close(self) -> None:
        self._stopped = True
        self.cut()
        self.listener.close()
