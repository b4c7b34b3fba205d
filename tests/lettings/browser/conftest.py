"""The lettings pages in headless Chromium (``casework_dev.testing.browser``), served by a real
threaded server against real PostgreSQL and RabbitMQ."""

import pytest


@pytest.fixture(scope="module")
def lettings(postgres_url, broker_url):
    from casework_dev.testing import ServiceHarness
    from lettings.service import SERVICE

    with ServiceHarness(SERVICE, postgres_url, broker_url) as harness:
        yield harness


@pytest.fixture(scope="module")
def server(lettings):
    """The lettings app on a real threaded HTTP server; yields its base URL."""
    from casework_dev.testing.browser import serve

    with serve(lettings.app) as url:
        yield url
