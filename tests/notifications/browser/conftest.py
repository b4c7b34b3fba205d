"""The web inbox in headless Chromium (Debian's ``chromium`` and ``chromium-driver``, driven by Selenium),
served by a real threaded server against real PostgreSQL and RabbitMQ.

Without Chromium the tests fail in CI (``CI=true``) and are skipped elsewhere: ``.ci/run`` installs it.
"""

import dataclasses
import shutil
import sys
import tempfile
import threading
import time
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "integration"))

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--disable-dev-shm-usage", "--window-size=1100,900")


@pytest.fixture(scope="module")
def notifications(postgres_url, broker_url):
    from casework_dev.testing import ServiceHarness
    from notifications.service import SERVICE
    from notifications.web import EXTENSION

    with ServiceHarness(SERVICE, postgres_url, broker_url) as harness:
        # The page polls for new tasks every second, so a test sees one soon.
        settings = harness.app.extensions[EXTENSION]
        harness.app.extensions[EXTENSION] = dataclasses.replace(settings, poll_seconds=1)
        yield harness


@pytest.fixture(scope="module")
def worker(notifications):
    return notifications.worker()


@pytest.fixture(scope="module")
def server(notifications):
    """The notifications app on a real threaded HTTP server; yields its base URL."""
    from werkzeug.serving import make_server

    active: set[object] = set()

    def counted(environ, start_response):  # so teardown can wait for a poll in flight to end
        request = object()
        active.add(request)
        try:
            yield from notifications.app(environ, start_response)
        finally:
            active.discard(request)

    http = make_server("127.0.0.1", 0, counted, threaded=True)
    thread = threading.Thread(target=http.serve_forever, daemon=True, name="inbox-http")
    thread.start()
    yield f"http://127.0.0.1:{http.server_port}"
    http.shutdown()
    thread.join(timeout=10)
    # The browser has gone; a poll in flight ends before the database is dropped.
    deadline = time.monotonic() + 15
    while active and time.monotonic() < deadline:
        time.sleep(0.1)


@pytest.fixture(scope="module")
def browser():
    from casework_dev.testing import unavailable

    try:
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service
    except ImportError:
        unavailable("Selenium (pip install selenium)")
    for binary in (CHROMIUM, CHROMEDRIVER):
        if not Path(binary).exists():
            unavailable(f"{binary} (apt-get install chromium chromium-driver)")
    profile = tempfile.mkdtemp(prefix="casework-chromium-")
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in (*FLAGS, f"--user-data-dir={profile}"):
        options.add_argument(flag)
    try:
        driver = webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=options)
    except Exception as exc:  # a Chromium that will not start is as good as none
        shutil.rmtree(profile, ignore_errors=True)
        unavailable(f"headless Chromium ({type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''})")
    driver.set_page_load_timeout(20)
    yield driver
    driver.quit()
    shutil.rmtree(profile, ignore_errors=True)


@pytest.fixture(autouse=True)
def clean(request):
    yield
    if "notifications" in request.fixturenames:
        request.getfixturevalue("notifications").truncate()
