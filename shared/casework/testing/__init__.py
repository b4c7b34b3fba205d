"""Test support: real PostgreSQL and RabbitMQ for integration tests, isolated per test run.

Servers come from testcontainers when a Docker engine answers, and otherwise from
``CASEWORK_TEST_POSTGRES_URL`` / ``CASEWORK_TEST_BROKER_URL`` (defaults: the local servers
on 127.0.0.1). A test that needs a server it cannot reach fails when ``CI`` is set and is
skipped otherwise. Each run gets its own databases and its own exchange and queue names,
so runs never see each other's data.

Load it as a pytest plugin: ``pytest_plugins = ["casework.testing"]``.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest

from .harness import EmbeddedHarness, ServiceHarness
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

__all__ = [
    "DEFAULT_BROKER", "DEFAULT_POSTGRES", "TEST_SECRET", "EmbeddedHarness", "ServiceHarness", "TcpProxy", "at_once",
    "bearer", "broker_server_url", "create_database", "delete_namespace", "drop_database", "in_ci", "postgres_server_url",
    "require_broker", "require_postgres", "test_settings", "token", "unavailable", "wait_until",
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


def pytest_sessionfinish(session, exitstatus) -> None:
    for container in _containers:
        try:
            container.stop()
        except Exception:
            pass
