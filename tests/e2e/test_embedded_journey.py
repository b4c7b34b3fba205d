"""Embedded mode: `casework run` in a subprocess (SQLite files and the in-process broker), driven
over HTTP only: journey 1, the first run a newcomer sees, and `make demo` against it."""

import contextlib
import os
import random
import re
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

from casework import auth
from casework.embedded import DEMO_USERS
from casework.testing import wait_until

from .conftest import People, assigned_and_told, referred_and_accepted

SECRET = "casework-embedded-e2e-secret-0123456789"
PORTS = {"intake": 8001, "sustainment": 8002, "lettings": 8003, "notifications": 8004}
ROOT = Path(__file__).resolve().parents[2]
ENV = {k: v for k, v in os.environ.items() if not k.startswith("CASEWORK_")} | {
    "CASEWORK_JWT_SECRET": SECRET, "CASEWORK_TIMER_POLL_SECONDS": "0.2", "CASEWORK_RELAY_POLL_SECONDS": "0.2"}
OFFICERS = {"intake-officer-1": ["intake"], "sustainment-officer-1": ["sustainment"],
            "lettings-officer-1": ["lettings"], "team-leader-1": ["intake", "sustainment"], "admin-1": []}


def free(port: int) -> bool:
    with socket.socket() as s:
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
        return True


def listening(port: int) -> bool:
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) == 0


def free_offset() -> int:
    # Below the ephemeral range (32768+), where outgoing connections would take ports too.
    return next(o for o in (random.randrange(2000, 20000, 10) for _ in range(50))
                if all(free(p + o) for p in PORTS.values()))


def casework_run(data_dir: Path, offset: int, log_path: Path) -> subprocess.Popen:
    with open(log_path, "ab") as log:
        return subprocess.Popen([sys.executable, "-m", "casework.cli", "run", "--data-dir", str(data_dir),
                                 "--port-offset", str(offset)], env=ENV, stdout=log, stderr=subprocess.STDOUT)


@contextlib.contextmanager
def running(data_dir: Path, offset: int, log_path: Path):
    """`casework run` until the block ends, then Ctrl-C; it must stop cleanly."""
    before = log_path.stat().st_size if log_path.exists() else 0  # a restart appends to the same log
    process = casework_run(data_dir, offset, log_path)
    try:
        # The welcome is printed once the directory is seeded: ready to use, not merely listening.
        wait_until(lambda: process.poll() is not None or b"Press Ctrl-C" in log_path.read_bytes()[before:],
                   timeout=60, interval=0.2, message="casework run to be ready")
        assert process.poll() is None, log_path.read_text()
        yield {name: f"http://127.0.0.1:{port + offset}" for name, port in PORTS.items()}
    finally:
        process.send_signal(signal.SIGINT)  # as Ctrl-C
        try:
            code = process.wait(20)
        except subprocess.TimeoutExpired:
            process.kill()
            code = None
    assert code == 0, log_path.read_text()[-3000:]


@pytest.fixture
def embedded(tmp_path):
    with running(tmp_path / "data", free_offset(), tmp_path / "casework-run.log") as urls:
        yield urls, tmp_path


def test_journey_one_works_embedded_and_stops_cleanly_on_ctrl_c(embedded):
    urls, tmp_path = embedded
    people = People(urls, SECRET)
    people.register()
    _, case = referred_and_accepted(people)
    assert (case["case_type"], case["risk_level"]) == ("sustainment", "high")
    assigned_and_told(people, case)
    assert {p.name for p in (tmp_path / "data").iterdir()} >= {f"{name}.db" for name in PORTS}


def directory(urls: dict[str, str]) -> tuple[list[dict], list[dict]]:
    admin = {"Authorization": "Bearer " + auth.mint("admin-1", ["admin"], secret=SECRET)}
    officers = requests.get(urls["notifications"] + "/officers", params={"page_size": 100}, headers=admin, timeout=10)
    teams = requests.get(urls["notifications"] + "/teams", params={"page_size": 100}, headers=admin, timeout=10)
    assert officers.status_code == teams.status_code == 200, (officers.text, teams.text)
    return officers.json(), teams.json()


def demo(offset: int, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(ROOT / "scripts" / "demo.py")],
                          env=ENV | {"PORT_OFFSET": str(offset)} | env, capture_output=True, text=True, timeout=240)


def test_the_first_run_is_ready_to_use_and_the_demo_runs_against_it(tmp_path):
    offset, data_dir, log_path = free_offset(), tmp_path / "data", tmp_path / "casework-run.log"
    with running(data_dir, offset, log_path) as urls:
        # The officers printed with their tokens are in the directory, with their teams.
        officers, teams = directory(urls)
        printed = {sub for sub, roles, _ in DEMO_USERS if set(roles) & set(auth.OFFICER_ROLES)}
        assert {o["id"]: o["teams"] for o in officers} == {sub: OFFICERS[sub] for sub in printed}
        assert {t["slug"]: t["manager_id"] for t in teams} == {
            "intake": "team-leader-1", "sustainment": "team-leader-1", "lettings": None}
        browser = requests.Session()
        signin = browser.get(urls["notifications"] + "/inbox/sign-in", timeout=10)
        assert "Iris Intake" in signin.text and "no officers in the directory" not in signin.text
        # A printed token pasted into the sign-in form opens an inbox with the officer's team in it.
        printed_token = next(line.split()[-1] for line in log_path.read_text().splitlines()
                             if line.split()[1:2] == ["intake-officer-1"])
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', signin.text).group(1)
        inbox = browser.post(urls["notifications"] + "/inbox/sign-in", data={"token": printed_token, "csrf_token": csrf},
                             timeout=10)
        assert inbox.url.endswith("/inbox") and "Signed in as Iris Intake" in inbox.text, inbox.text[:2000]
        assert "You are not in a team in the directory" not in inbox.text

        # A second copy on the same ports says which port is busy and how to move it.
        second = subprocess.run([sys.executable, "-m", "casework.cli", "run", "--data-dir", str(tmp_path / "other"),
                                 "--port-offset", str(offset)], env=ENV, capture_output=True, text=True, timeout=60)
        assert second.returncode != 0
        assert f"{8001 + offset}" in second.stderr and "--port-offset" in second.stderr, second.stderr
        assert "Traceback" not in second.stdout + second.stderr

        # The demo will not drive a URL that answers as another service.
        astray = demo(offset, CASEWORK_INTAKE_URL=urls["notifications"])
        assert astray.returncode != 0 and "Casework's notifications service answers there" in astray.stderr, astray

        # `make demo` finds the system by the same offset and runs through (slow: a few seconds).
        started = time.monotonic()
        shown = demo(offset)
        assert shown.returncode == 0, shown.stdout[-3000:] + shown.stderr[-3000:]
        assert "Done." in shown.stdout
        print(f"scripts/demo.py took {time.monotonic() - started:.1f}s")

    # A restart on the same data neither fails nor adds the officers, teams or their audit again.
    with running(data_dir, offset, log_path) as urls:
        officers, teams = directory(urls)
        assert sorted(o["id"] for o in officers) == sorted(OFFICERS)
        assert sorted(t["slug"] for t in teams) == ["intake", "lettings", "sustainment"]
    with sqlite3.connect(data_dir / "notifications.db") as db:
        seeded = db.execute("SELECT record_type, count(*) FROM audit_log WHERE actor = 'casework run' "
                            "AND action = 'create' GROUP BY record_type").fetchall()
    assert dict(seeded) == {"officer": len(OFFICERS), "team": 3}


def test_the_demo_says_when_nothing_is_running():
    offset = free_offset()
    shown = demo(offset)
    assert shown.returncode != 0
    assert f"http://127.0.0.1:{8001 + offset}" in shown.stderr + shown.stdout
    assert "make run" in shown.stderr + shown.stdout and "Traceback" not in shown.stderr
