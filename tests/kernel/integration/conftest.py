"""The sample service against real PostgreSQL and RabbitMQ."""

import sys
from pathlib import Path

import pytest

from casework import context
from casework.context import Principal
from casework.db import Database
from casework_dev.testing import create_database, drop_database

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sample.harness import make_harness  # noqa: E402
from sample.service import FLAKY  # noqa: E402


@pytest.fixture
def sample(postgres_url, broker_url):
    """A fresh sample service: its own database and broker names."""
    harness = make_harness(postgres_url, broker_url)
    FLAKY["failing"] = True
    yield harness
    harness.close()


@pytest.fixture(scope="module")
def sample_web(postgres_url, broker_url):
    """One sample service for the web tests of a module; tables emptied between tests."""
    harness = make_harness(postgres_url, broker_url)
    yield harness
    harness.close()


@pytest.fixture
def web(sample_web):
    yield sample_web
    sample_web.truncate()


@pytest.fixture(params=["postgresql", "sqlite"])
def any_database(request, postgres_url, tmp_path):
    """An empty database, PostgreSQL and then SQLite, with an officer and the sample service in context."""
    url = (create_database(postgres_url, prefix="cw_kernel") if request.param == "postgresql"
           else f"sqlite:///{tmp_path}/kernel.db")
    database = Database(url)
    tokens = [(context.principal, context.principal.set(Principal(sub="officer-1", roles=frozenset({"admin"})))),
              (context.service, context.service.set("sample"))]
    yield database
    for var, token in reversed(tokens):
        var.reset(token)
    database.dispose()
    if request.param == "postgresql":
        drop_database(url)
