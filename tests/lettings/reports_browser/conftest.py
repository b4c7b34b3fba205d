"""The lettings reports pages in headless Chromium (``casework_dev.testing.browser``), served by a
real threaded server against real PostgreSQL."""

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "integration"))


@pytest.fixture(scope="module")
def lettings(postgres_url, broker_url):
    from casework_dev.testing import ServiceHarness
    from lettings.service import SERVICE

    with ServiceHarness(SERVICE, postgres_url, broker_url) as harness:
        yield harness


@pytest.fixture(scope="module")
def server(lettings):
    from casework_dev.testing.browser import serve

    with serve(lettings.app) as url:
        yield url


@pytest.fixture(scope="module")
def browser():
    from casework_dev.testing.browser import chromium

    with chromium() as driver:
        yield driver


@pytest.fixture(autouse=True)
def clean(request):
    yield
    if "lettings" in request.fixturenames:
        request.getfixturevalue("lettings").truncate()
