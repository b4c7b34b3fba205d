"""The notifications service on each backend (PostgreSQL with RabbitMQ, and the embedded SQLite with
the in-process broker): one harness per module."""

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))


@pytest.fixture(scope="module")
def notifications(harness_for):
    from notifications.service import SERVICE

    with harness_for(SERVICE) as harness:
        yield harness


@pytest.fixture(autouse=True)
def clean(request):
    yield
    if "notifications" in request.fixturenames:
        request.getfixturevalue("notifications").truncate()
