"""Many open inboxes against the notifications api as production runs it: gunicorn, 2 workers × 4 threads.

Each open inbox does what the page's script does: it asks for the page's live-update address over
and over, as soon as the last answer ends (and after the pause the page names, if any). However
many are open, /healthz and the API must answer in normal time for everybody else.
"""

import re
import threading
import time

import pytest
import requests

from casework import auth
from casework_dev.system import System

pytestmark = pytest.mark.slow

WORKERS, THREADS = 2, 4
OPEN_INBOXES = 3 * WORKERS * THREADS
OFFICERS = 6
NORMAL = 2.0  # seconds: far above what an idle api takes, far below a wait for a free thread


@pytest.fixture(scope="module")
def api(postgres_url, broker_url, tmp_path_factory):
    from notifications.service import SERVICE

    system = System.for_tests(postgres_url, broker_url, services=[SERVICE], api_workers=WORKERS,
                              api_threads=THREADS, log_dir=tmp_path_factory.mktemp("inbox-logs"))
    with system:
        system.migrate()
        system.start_process("notifications-api", timeout=60)
        yield system.url("notifications"), system.jwt_secret


def bearer(secret: str, sub: str, *roles: str) -> dict[str, str]:
    return {"Authorization": "Bearer " + auth.mint(sub, roles, secret=secret)}


def signed_in(url: str, officer: str) -> tuple[requests.Session, str, float]:
    """A browser signed in as ``officer``: its session, the page's live-update address and pause."""
    browser = requests.Session()
    page = browser.get(f"{url}/app/sign-in", timeout=10).text
    csrf = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    inbox = browser.post(f"{url}/app/sign-in/development", data={"officer": officer, "csrf_token": csrf},
                         timeout=10)
    assert inbox.status_code == 200 and "Your inbox" in inbox.text, inbox.text[:500]
    live = re.search(r'data-inbox-(?:stream|updates)="([^"]+)"', inbox.text).group(1).replace("&amp;", "&")
    pause = re.search(r'data-poll-seconds="([\d.]+)"', inbox.text)
    return browser, url + live, float(pause.group(1)) if pause else 0.0


def keep_open(browser: requests.Session, live: str, pause: float, stop: threading.Event) -> None:
    while not stop.is_set():
        try:
            with browser.get(live, stream=True, timeout=(5, 2)) as answer:
                for _ in answer.iter_content(chunk_size=None):
                    if stop.is_set():
                        return
        except requests.RequestException:
            pass  # a read timeout on a quiet stream: ask again, as EventSource does
        stop.wait(pause)


def timed(call) -> float:
    started = time.monotonic()
    try:
        answer = call()
    except requests.Timeout:
        return float("inf")
    assert answer.status_code == 200, answer.text[:300]
    return time.monotonic() - started


def test_more_open_inboxes_than_threads_leave_healthz_and_the_api_answering(api):
    url, secret = api
    headers = bearer(secret, "o-admin", "admin")
    for n in range(OFFICERS):
        r = requests.post(f"{url}/officers", headers=headers, timeout=10, json={
            "id": f"o-{n}", "name": f"Officer {n}", "teams": ["sustainment"], "roles": ["sustainment_officer"],
            "email": f"o-{n}@council.example.gov.uk", "email_preference": "off"})
        assert r.status_code == 201, r.text
    inboxes = [signed_in(url, f"o-{n % OFFICERS}") for n in range(OPEN_INBOXES)]
    stop = threading.Event()
    threads = [threading.Thread(target=keep_open, args=(*inbox, stop), daemon=True) for inbox in inboxes]
    for thread in threads:
        thread.start()
    try:
        time.sleep(3)  # every inbox has asked at least once
        tso = bearer(secret, "o-0", "sustainment_officer")
        healthz = [timed(lambda: requests.get(f"{url}/healthz", timeout=NORMAL * 3)) for _ in range(5)]
        tasks = [timed(lambda: requests.get(f"{url}/tasks", headers=tso, timeout=NORMAL * 3)) for _ in range(5)]
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=10)

    assert max(healthz) < NORMAL, f"/healthz took {healthz} s with {OPEN_INBOXES} inboxes open"
    assert max(tasks) < NORMAL, f"GET /tasks took {tasks} s with {OPEN_INBOXES} inboxes open"
