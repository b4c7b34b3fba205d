"""The notifications service against real PostgreSQL and RabbitMQ: one harness per module."""

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))


@pytest.fixture(scope="module")
def notifications(postgres_url, broker_url):
    from casework.testing import ServiceHarness
    from notifications.service import SERVICE

    with ServiceHarness(SERVICE, postgres_url, broker_url) as harness:
        yield harness


@pytest.fixture(autouse=True)
def clean(request):
    yield
    if "notifications" in request.fixturenames:
        request.getfixturevalue("notifications").truncate()
