"""Open web inboxes beside the API: /healthz and GET /tasks latency with 0 and with 50 inboxes open.

The notifications api under gunicorn as deployed (2 workers × 4 threads), on PostgreSQL. Each open
inbox does what the page's script does: it asks for the page's live-update address over and over
(after the pause the page names, if any). One client at a time then calls /healthz and GET /tasks
for ``SECONDS`` and records each answer's time; a call that takes over 12 s counts as timed out.
The baseline is the same api with no inbox open, measured in the same run.

    .venv/bin/python bench/inbox.py [inboxes]      # not in `make bench`: it takes about a minute
"""

from __future__ import annotations

import re
import statistics
import sys
import threading
import time
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import BROKER, POSTGRES, write  # noqa: E402

from casework import auth  # noqa: E402
from casework_dev.system import System  # noqa: E402

WORKERS, THREADS = 2, 4
SECONDS = 15
TIMEOUT = 12
OFFICERS = 10


def bearer(secret: str, sub: str, *roles: str) -> dict[str, str]:
    return {"Authorization": "Bearer " + auth.mint(sub, roles, secret=secret)}


def open_inbox(url: str, officer: str) -> tuple[requests.Session, str, float]:
    browser = requests.Session()
    page = browser.get(f"{url}/app/sign-in", timeout=TIMEOUT).text
    csrf = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    inbox = browser.post(f"{url}/app/sign-in/development", data={"officer": officer, "csrf_token": csrf},
                         timeout=TIMEOUT).text
    live = re.search(r'data-inbox-(?:stream|updates)="([^"]+)"', inbox).group(1).replace("&amp;", "&")
    pause = re.search(r'data-poll-seconds="([\d.]+)"', inbox)
    return browser, url + live, float(pause.group(1)) if pause else 0.0


def keep_open(browser: requests.Session, live: str, pause: float, stop: threading.Event, asked: list) -> None:
    while not stop.is_set():
        try:
            with browser.get(live, stream=True, timeout=(5, 20)) as answer:
                asked.append(answer.status_code)
                for _ in answer.iter_content(chunk_size=None):
                    if stop.is_set():
                        return
        except requests.RequestException:
            pass
        stop.wait(pause)


def measure(url: str, headers: dict[str, str]) -> dict:
    times: dict[str, list[float]] = {"/healthz": [], "/tasks": []}
    timeouts = {path: 0 for path in times}
    ends = time.monotonic() + SECONDS
    with requests.Session() as client:
        while time.monotonic() < ends:
            for path in times:
                started = time.monotonic()
                try:
                    client.get(url + path, headers=headers, timeout=TIMEOUT).raise_for_status()
                    times[path].append(time.monotonic() - started)
                except requests.Timeout:
                    timeouts[path] += 1
    figures = {}
    for path, taken in times.items():
        ms = sorted(t * 1000 for t in taken)
        figures[path] = {"answered": len(taken), "timed_out": timeouts[path],
                         "per_second": round(len(taken) / SECONDS, 1),
                         "p50_ms": round(statistics.median(ms), 1) if ms else None,
                         "p95_ms": round(ms[int(0.95 * (len(ms) - 1))], 1) if ms else None,
                         "max_ms": round(ms[-1], 1) if ms else None}
    return figures


def main(inboxes: int = 50) -> dict:
    from notifications.service import SERVICE

    with System.for_tests(POSTGRES, BROKER, services=[SERVICE], api_workers=WORKERS, api_threads=THREADS) as system:
        system.migrate()
        system.start_process("notifications-api", timeout=60)
        url, secret = system.url("notifications"), system.jwt_secret
        admin = bearer(secret, "o-admin", "admin")
        for n in range(OFFICERS):
            requests.post(f"{url}/officers", headers=admin, timeout=TIMEOUT, json={
                "id": f"o-{n}", "name": f"Officer {n}", "teams": ["sustainment"], "roles": ["sustainment_officer"],
                "email": f"o-{n}@council.example.gov.uk", "email_preference": "off"}).raise_for_status()
        officer = bearer(secret, "o-0", "sustainment_officer")
        baseline = measure(url, officer)
        opened = [open_inbox(url, f"o-{n % OFFICERS}") for n in range(inboxes)]
        stop, asked = threading.Event(), []
        threads = [threading.Thread(target=keep_open, args=(*inbox, stop, asked), daemon=True) for inbox in opened]
        for thread in threads:
            thread.start()
        time.sleep(3)
        loaded = measure(url, officer)
        stop.set()
        for thread in threads:
            thread.join(timeout=30)
    answers = {str(code): asked.count(code) for code in sorted(set(asked))}
    return {"api": f"gunicorn {WORKERS} workers × {THREADS} threads", "inboxes": inboxes, "seconds": SECONDS,
            "no_inbox_open": baseline, "inboxes_open": loaded, "live_update_answers": answers}


if __name__ == "__main__":
    figures = main(int(sys.argv[1]) if len(sys.argv) > 1 else 50)
    print(write("inbox", figures).read_text())
