"""The sample service against real PostgreSQL and RabbitMQ."""

import sys
from pathlib import Path

import pytest

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
