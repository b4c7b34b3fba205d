"""Journey 1 in embedded mode: `casework run` in a subprocess (SQLite files and the in-process
broker), driven over HTTP only."""

import os
import random
import signal
import socket
import subprocess
import sys

import pytest

from casework.testing import wait_until

from .conftest import People, assigned_and_told, referred_and_accepted

SECRET = "casework-embedded-e2e-secret-0123456789"
PORTS = {"intake": 8001, "sustainment": 8002, "lettings": 8003, "notifications": 8004}


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


@pytest.fixture
def embedded(tmp_path):
    # Below the ephemeral range (32768+), where outgoing connections would take ports too.
    offset = next(o for o in (random.randrange(2000, 20000, 10) for _ in range(50))
                  if all(free(p + o) for p in PORTS.values()))
    env = {k: v for k, v in os.environ.items() if not k.startswith("CASEWORK_")}
    env |= {"CASEWORK_JWT_SECRET": SECRET, "CASEWORK_TIMER_POLL_SECONDS": "0.2", "CASEWORK_RELAY_POLL_SECONDS": "0.2"}
    log = open(tmp_path / "casework-run.log", "wb")  # noqa: SIM115
    process = subprocess.Popen([sys.executable, "-m", "casework.cli", "run", "--data-dir", str(tmp_path / "data"),
                                "--port-offset", str(offset)], env=env, stdout=log, stderr=subprocess.STDOUT)
    urls = {name: f"http://127.0.0.1:{port + offset}" for name, port in PORTS.items()}
    try:
        wait_until(lambda: process.poll() is not None or all(listening(p + offset) for p in PORTS.values()),
                   timeout=60, interval=0.2, message="casework run to listen")
        assert process.poll() is None, (tmp_path / "casework-run.log").read_text()
        yield urls, tmp_path
    finally:
        process.send_signal(signal.SIGINT)  # as Ctrl-C
        try:
            code = process.wait(20)
        except subprocess.TimeoutExpired:
            process.kill()
            code = None
        log.close()
    assert code == 0, (tmp_path / "casework-run.log").read_text()[-3000:]


def test_journey_one_works_embedded_and_stops_cleanly_on_ctrl_c(embedded):
    urls, tmp_path = embedded
    people = People(urls, SECRET)
    people.register()
    _, case = referred_and_accepted(people)
    assert (case["case_type"], case["risk_level"]) == ("sustainment", "high")
    assigned_and_told(people, case)
    assert {p.name for p in (tmp_path / "data").iterdir()} >= {f"{name}.db" for name in PORTS}
