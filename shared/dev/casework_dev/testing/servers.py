"""Real PostgreSQL and RabbitMQ for tests: found, reached, and given per-run databases and names."""


from __future__ import annotations

import dataclasses
import functools
import os
import socket
from urllib.parse import urlsplit

import pytest
from psycopg.conninfo import conninfo_to_dict

from casework import auth
from casework.bus.connection import broker_addresses
from casework.database_url import conninfo
from casework.db import create_database, drop_database  # noqa: F401 - part of this module's API
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


def _reachable(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=2):
            return True
    except OSError:
        return False


def _postgres_hosts(url: str) -> list[tuple[str, int]]:
    # Every server a URL names (it may name a primary and its standbys).
    params = conninfo_to_dict(conninfo(url))
    hosts = str(params.get("host") or "127.0.0.1").split(",")
    ports = str(params.get("port") or "").split(",")
    ports = ports * len(hosts) if len(ports) == 1 else ports
    return [(host or "127.0.0.1", int(port or 5432)) for host, port in zip(hosts, ports, strict=True)]


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
    hosts = _postgres_hosts(url)
    if not any(_reachable(host, port) for host, port in hosts):
        unavailable("PostgreSQL at " + ", ".join(f"{host}:{port}" for host, port in hosts))
    return url


def require_broker() -> str:
    """The test broker's URL: one node, or a cluster's (``;``-separated), of which one must answer."""
    url = broker_server_url()
    nodes = [urlsplit(address) for address in broker_addresses(url)]
    if not any(_reachable(node.hostname or "127.0.0.1", node.port or 5672) for node in nodes):
        unavailable("RabbitMQ at " + ", ".join(f"{node.hostname}:{node.port or 5672}" for node in nodes))
    return url


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
            # The default delays too: a process of the test's that read its settings from the
            # environment (the parked-message CLI, say) declared its retry queues with them.
            delays = sorted({*settings.retry_delays, *Settings.retry_delays})
            for service in services:
                names += [settings.queue_name(service), topology.parking_queue_name(settings, service)]
                names += [topology.retry_queue_name(settings, service, d) for d in delays]
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
