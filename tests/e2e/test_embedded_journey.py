"""Embedded mode: `casework run` in a subprocess (SQLite files and the in-process broker), driven
over HTTP only: the first run a newcomer sees, a restart, and `make demo` against it. (Journeys
1-3 run on it too: the ``sqlite`` backend of the e2e ``system`` fixture.)"""

import contextlib
import json
import os
import re
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import requests

from casework import auth
from casework_dev.embedded import DEMO_USERS
from casework_dev.testing.embedded import EmbeddedSystem, free_offset

SECRET = "casework-embedded-e2e-secret-0123456789"
ROOT = Path(__file__).resolve().parents[2]
ENV = {k: v for k, v in os.environ.items() if not k.startswith("CASEWORK_")} | {
    "CASEWORK_JWT_SECRET": SECRET, "CASEWORK_TIMER_POLL_SECONDS": "0.2", "CASEWORK_RELAY_POLL_SECONDS": "0.2"}
#: The services of services/sustainment/samples/agencies-oruk.json (the directory's ``service_name``).
SAMPLE_AGENCIES = sorted(s["name"] for s in json.loads(
    (ROOT / "services" / "sustainment" / "samples" / "agencies-oruk.json").read_text(encoding="utf-8"))["content"])
OFFICERS = {"intake-officer-1": ["intake"], "sustainment-officer-1": ["sustainment"],
            "lettings-officer-1": ["lettings"], "team-leader-1": ["intake", "sustainment"], "admin-1": [],
            "housing-officer-1": [], "income-officer-1": [], "asb-officer-1": []}


@contextlib.contextmanager
def running(tmp_path: Path, offset: int):
    """`casework run` on ``tmp_path/data`` until the block ends, then Ctrl-C; it must stop cleanly."""
    with EmbeddedSystem(tmp_path, jwt_secret=SECRET, offset=offset) as system:
        yield system.start().urls()
        code = system.stop()
    assert code == 0, system.logs(60)


def directory(urls: dict[str, str]) -> tuple[list[dict], list[dict]]:
    admin = {"Authorization": "Bearer " + auth.mint("admin-1", ["admin"], secret=SECRET)}
    officers = requests.get(urls["notifications"] + "/officers", params={"page_size": 100}, headers=admin, timeout=10)
    teams = requests.get(urls["notifications"] + "/teams", params={"page_size": 100}, headers=admin, timeout=10)
    assert officers.status_code == teams.status_code == 200, (officers.text, teams.text)
    return officers.json(), teams.json()


def agencies(urls: dict[str, str]) -> list[str]:
    """The agency directory's names (sustainment), inactive ones too."""
    admin = {"Authorization": "Bearer " + auth.mint("admin-1", ["admin"], secret=SECRET)}
    listed = requests.get(urls["sustainment"] + "/agencies", params={"include_inactive": "true"}, headers=admin,
                          timeout=10)
    assert listed.status_code == 200, listed.text
    return sorted(a["service_name"] for a in listed.json())


def demo(offset: int, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(ROOT / "scripts" / "demo.py")],
                          env=ENV | {"PORT_OFFSET": str(offset)} | env, capture_output=True, text=True, timeout=240)


def test_the_first_run_is_ready_to_use_and_the_demo_runs_against_it(tmp_path):
    offset, data_dir = free_offset(), tmp_path / "data"
    with running(tmp_path, offset) as urls:
        # The officers printed with their tokens are in the directory, with their teams.
        officers, teams = directory(urls)
        printed = {sub for sub, roles, _ in DEMO_USERS if set(roles) & set(auth.OFFICER_ROLES)}
        assert {o["id"]: o["teams"] for o in officers} == {sub: OFFICERS[sub] for sub in printed}
        assert {t["slug"]: t["manager_id"] for t in teams} == {
            "intake": "team-leader-1", "sustainment": "team-leader-1", "lettings": None}
        browser = requests.Session()
        signin = browser.get(urls["notifications"] + "/app/sign-in", timeout=10)
        assert "Iris Intake" in signin.text and "no officers in the directory" not in signin.text
        # A printed officer picked on the development sign-in opens an inbox with their team in it.
        csrf = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', signin.text).group(1)
        inbox = browser.post(urls["notifications"] + "/app/sign-in/development",
                             data={"officer": "intake-officer-1", "csrf_token": csrf}, timeout=10)
        assert inbox.url.endswith("/app/inbox") and "Signed in as Iris Intake" in inbox.text, inbox.text[:2000]
        assert "You are not in a team in the directory" not in inbox.text
        # The sample agency directory is there, so an officer can refer a tenant to an agency at once.
        assert agencies(urls) == SAMPLE_AGENCIES

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
    with running(tmp_path, offset) as urls:
        officers, teams = directory(urls)
        assert sorted(o["id"] for o in officers) == sorted(OFFICERS)
        assert sorted(t["slug"] for t in teams) == ["intake", "lettings", "sustainment"]
        assert agencies(urls) == SAMPLE_AGENCIES
    with sqlite3.connect(data_dir / "notifications.db") as db:
        seeded = db.execute("SELECT record_type, count(*) FROM audit_log WHERE actor = 'casework run' "
                            "AND action = 'create' GROUP BY record_type").fetchall()
    assert dict(seeded) == {"officer": len(OFFICERS), "team": 3}
    with sqlite3.connect(data_dir / "sustainment.db") as db:
        imported = db.execute("SELECT count(*) FROM audit_log WHERE actor = 'casework run' AND action = 'import' "
                              "AND record_type = 'agency'").fetchone()
    assert imported == (len(SAMPLE_AGENCIES),)


def test_the_demo_says_when_nothing_is_running():
    offset = free_offset()
    shown = demo(offset)
    assert shown.returncode != 0
    assert f"http://127.0.0.1:{8001 + offset}" in shown.stderr + shown.stdout
    assert "make run" in shown.stderr + shown.stdout and "Traceback" not in shown.stderr
