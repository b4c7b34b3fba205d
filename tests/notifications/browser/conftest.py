"""The web inbox in headless Chromium (``casework_dev.testing.browser``), served by a real threaded
server against real PostgreSQL and RabbitMQ."""

import os
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "integration"))


@pytest.fixture(scope="module")
def port():
    from casework_dev.processes import free_port

    return free_port()


@pytest.fixture(scope="module")
def notifications(postgres_url, broker_url, port):
    from casework_dev.testing import ServiceHarness
    from notifications.service import SERVICE

    # Sign-in sends the browser to notifications' public URL: this server's.
    saved = {name: os.environ.get(name) for name in ("CASEWORK_NOTIFICATIONS_PUBLIC_URL", "CASEWORK_INBOX_POLL_SECONDS")}
    os.environ["CASEWORK_NOTIFICATIONS_PUBLIC_URL"] = f"http://127.0.0.1:{port}"
    os.environ["CASEWORK_INBOX_POLL_SECONDS"] = "1"  # the page polls every second, so a test sees a task soon
    try:
        with ServiceHarness(SERVICE, postgres_url, broker_url) as harness:
            yield harness
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


@pytest.fixture(scope="module")
def worker(notifications):
    return notifications.worker()


@pytest.fixture(scope="module")
def server(notifications, port):
    """The notifications app on a real threaded HTTP server; yields its base URL."""
    from casework_dev.testing.browser import serve

    with serve(notifications.app, port) as url:
        yield url


@pytest.fixture(scope="module")
def browser():
    from casework_dev.testing.browser import chromium

    with chromium() as driver:
        yield driver


@pytest.fixture(scope="module")
def browser_without_javascript():
    from casework_dev.testing.browser import chromium

    with chromium(javascript=False) as driver:
        yield driver


@pytest.fixture(autouse=True)
def clean(request):
    yield
    if "notifications" in request.fixturenames:
        request.getfixturevalue("notifications").truncate()
