"""Test support: real PostgreSQL and RabbitMQ for integration tests, isolated per test run.

Servers come from testcontainers when a Docker engine answers, and otherwise from
``CASEWORK_TEST_POSTGRES_URL`` / ``CASEWORK_TEST_BROKER_URL`` (defaults: the local servers
on 127.0.0.1). A test that needs a server it cannot reach fails when ``CI`` is set and is
skipped otherwise. Each run gets its own databases and its own exchange and queue names,
so runs never see each other's data.

A service's integration tests run on both backends it runs on: ``postgresql`` (PostgreSQL and
RabbitMQ, as in production) and ``sqlite`` (a SQLite file and the in-process broker, as
`make run`), through the ``harness_for`` fixture. A test that truly needs PostgreSQL or
RabbitMQ says so, and why, with ``@pytest.mark.postgresql_only(reason=…)``: it then runs on
PostgreSQL only.

Load it as a pytest plugin: ``pytest_plugins = ["casework_dev.testing"]``.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest

from .embedded import EmbeddedSystem
from .harness import EmbeddedHarness, ServiceHarness, schema_drift
from .proxy import TcpProxy
from .race import at_once
from .servers import (
    DEFAULT_BROKER,
    DEFAULT_POSTGRES,
    TEST_SECRET,
    _containers,
    bearer,
    broker_server_url,
    create_database,
    delete_namespace,
    drop_database,
    in_ci,
    postgres_server_url,
    require_broker,
    require_postgres,
    test_settings,
    token,
    unavailable,
    wait_until,
)
from .statements import plan_of, statements_sent
from .times import naive_times, stored_times
from .unit import audited, memory_session, pending_timers, published

BACKENDS = ("postgresql", "sqlite")

__all__ = [
    "BACKENDS", "DEFAULT_BROKER", "DEFAULT_POSTGRES", "TEST_SECRET", "EmbeddedHarness", "EmbeddedSystem",
    "ServiceHarness", "TcpProxy", "at_once", "bearer", "broker_server_url", "create_database", "delete_namespace",
    "drop_database", "in_ci", "audited", "memory_session", "naive_times", "pending_timers", "plan_of", "published", "stored_times", "postgres_server_url", "require_broker", "require_postgres",
    "schema_drift", "statements_sent", "test_settings", "token", "unavailable", "wait_until",
]


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


@pytest.fixture(scope="session", params=BACKENDS)
def backend(request) -> str:
    """The backend a test runs on: ``postgresql`` (with RabbitMQ) or ``sqlite`` (embedded)."""
    return request.param


@pytest.fixture(scope="module")
def harness_for(backend: str, request, tmp_path_factory):
    """``harness_for(SERVICE, **settings)``: one service on the test's backend, as a context
    manager: a ``ServiceHarness`` on ``postgresql``, an ``EmbeddedHarness`` on ``sqlite``."""
    if backend == "sqlite":
        return lambda service, **overrides: EmbeddedHarness(service, tmp_path_factory.mktemp(service.name),
                                                            **overrides)
    servers = request.getfixturevalue("postgres_url"), request.getfixturevalue("broker_url")
    return lambda service, **overrides: ServiceHarness(service, *servers, **overrides)


def pytest_configure(config) -> None:
    config.addinivalue_line(
        "markers", "postgresql_only(reason): needs PostgreSQL or RabbitMQ itself (LISTEN/NOTIFY, SKIP LOCKED, "
                   "pg_terminate_backend, triggers, broker queues with TTL): runs on the postgresql backend only")


def pytest_collection_modifyitems(config, items) -> None:
    """Leave out the ``sqlite`` runs of tests marked ``postgresql_only``; a mark without a
    reason is an error, so the reason is never lost."""
    kept, left_out = [], []
    for item in items:
        mark = item.get_closest_marker("postgresql_only")
        if mark is not None and not (mark.kwargs.get("reason") or mark.args):
            raise pytest.UsageError(f"{item.nodeid}: postgresql_only needs a reason")
        on_sqlite = getattr(item, "callspec", None) is not None and item.callspec.params.get("backend") == "sqlite"
        (left_out if mark is not None and on_sqlite else kept).append(item)
    if left_out:
        config.hook.pytest_deselected(items=left_out)
        items[:] = kept


def pytest_sessionfinish(session, exitstatus) -> None:
    for container in _containers:
        try:
            container.stop()
        except Exception:
            pass
