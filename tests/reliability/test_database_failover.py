"""The database fails over under load: a primary stopped, its synchronous standby promoted.

Every service's database lives on a primary with a streaming standby, both started by this test
(casework_dev.testing.postgres_replica); every api and worker is given one URL naming both, with
``target_session_attrs=read-write``. Referrals are posted and triaged from several threads while
the primary is stopped at once (``pg_ctl stop -m immediate``) and, a moment later, the standby
promoted. A caller that gets a 503 retries with the same Idempotency-Key, as a partner's system
is told to. Run it alone with ``pytest -m failover``.
"""

import datetime as dt
import json
import os
import platform
import statistics
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import requests

from casework.database_url import database_name
from casework_dev.system import Client, System
from casework_dev.testing import unavailable, wait_until
from casework_dev.testing.postgres_replica import CannotStart, ReplicatedPostgres
from intake.events import ACCEPTED, RECEIVED

from .counting import rows, settle, unsent

pytestmark = [pytest.mark.failover, pytest.mark.slow]

RESULTS = Path(__file__).resolve().parents[2] / "bench" / "results" / "database_failover.json"
REFERRAL = {
    "source": {"system": "income_recovery", "referrer": {"name": "Sam Patel"}},
    "person": {"name": "Alex Morgan", "date_of_birth": "1984-03-02", "address": "Flat 4, 12 Station Road"},
    "reasons": ["rent_arrears"], "details": "Arrears.", "arrears_balance": "1300.00", "weekly_rent": "130.00",
    "consent": {"given": True, "method": "verbal", "recorded_by": "Sam Patel"},
}
#: How long the database is away before the standby is promoted (a managed service takes longer to decide).
AWAY_SECONDS = 1.5
#: How long the load goes on after the promotion.
AFTER_SECONDS = 5


@pytest.fixture(scope="module")
def pair():
    servers = ReplicatedPostgres()
    try:
        servers.start()
    except CannotStart as exc:
        servers.close()
        unavailable(f"a PostgreSQL primary and standby of this test's own ({exc})")
    yield servers
    servers.close()


@pytest.fixture(scope="module")
def system(pair, broker_url, tmp_path_factory):
    with System.for_tests(pair.url(), broker_url, log_dir=tmp_path_factory.mktemp("failover-logs")) as running:
        running.start(timeout=120)
        yield running


@dataclass
class Answer:
    """One HTTP request: what it was, when it ran, and how it was answered."""

    kind: str
    key: str
    started: float
    finished: float
    status: int  # -1: no answer (a timeout or a dropped connection)
    content_type: str = ""
    body: str = ""


@dataclass
class Load:
    """Callers posting referrals and triaging every other one, retrying a 503 with the same key."""

    partner: Client
    officer: Client
    answers: list[Answer] = field(default_factory=list)
    referrals: dict[str, str] = field(default_factory=dict)  # tenancy_ref -> referral id, once answered 201
    accepted: list[str] = field(default_factory=list)
    stopping: threading.Event = field(default_factory=threading.Event)

    def caller(self, number: int) -> None:
        n = 0
        while not self.stopping.is_set():
            tenancy_ref = f"T-{number}-{n}-{uuid.uuid4().hex[:8]}"
            created = self._until_done("referral", self.partner, "/referrals",
                                       {**REFERRAL, "tenancy_ref": tenancy_ref})
            if created is None:
                return
            referral = self.referrals[tenancy_ref] = created.json()["id"]
            if n % 2 == 0:
                if self._until_done("triage", self.officer, f"/referrals/{referral}/triage",
                                    {"outcome": "accept"}) is None:
                    return
                self.accepted.append(referral)
            n += 1

    def _until_done(self, kind: str, caller: Client, path: str, body: dict) -> requests.Response | None:
        """POST until answered 2xx (None if the test gave up meanwhile), keeping every answer."""
        key = uuid.uuid4().hex
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            started = time.monotonic()
            try:
                response = caller.post("intake", path, body, headers={"Idempotency-Key": key})
            except requests.RequestException as exc:
                self.answers.append(Answer(kind, key, started, time.monotonic(), -1, body=repr(exc)))
                time.sleep(0.2)
                continue
            self.answers.append(Answer(kind, key, started, time.monotonic(), response.status_code,
                                       response.headers.get("Content-Type", ""), response.text[:300]))
            if response.status_code < 300:
                return response
            if response.status_code != 503:
                return None  # asserted on below
            time.sleep(0.2)
        return None


def test_the_database_fails_over_under_load_and_nothing_is_lost_half_written_or_repeated(pair, system):
    partner = Client(system.urls(), "income-recovery-system", "referrer", secret=system.jwt_secret)
    officer = Client(system.urls(), "iris-intake", "intake_officer", secret=system.jwt_secret)
    pids = {name: process.pid for name, process in system.processes.items()}
    load = Load(partner, officer)
    callers = [threading.Thread(target=load.caller, args=(n,)) for n in range(4)]
    for caller in callers:
        caller.start()

    time.sleep(4)
    stopped = time.monotonic()
    pair.stop_primary()
    time.sleep(AWAY_SECONDS)
    promoted = pair.promote_standby()
    time.sleep(AFTER_SECONDS)
    load.stopping.set()
    for caller in callers:
        caller.join(timeout=90)
    assert not any(caller.is_alive() for caller in callers), "a caller is still waiting for an answer"

    # Requests in flight got a 201 or a 503 in problem details: never a 500, never no answer.
    statuses = {answer.status for answer in load.answers}
    odd = [a for a in load.answers if a.status not in (200, 201, 503)]
    assert not odd, odd[:3]
    unavailable_answers = [a for a in load.answers if a.status == 503]
    assert unavailable_answers, "no request met the database away: the failover was not under load"
    assert all(a.content_type.startswith("application/problem+json") for a in unavailable_answers), \
        unavailable_answers[:3]
    slowest = max(a.finished - a.started for a in load.answers)
    assert slowest < 10, f"a request took {slowest:.1f}s to be answered"
    assert statuses & {201}

    # Writes were taken again once the standby was promoted.
    after = [a.finished for a in load.answers if a.kind == "referral" and a.status == 201 and a.started > stopped]
    assert after, "no referral was created after the failover"
    recovered = min(after) - stopped

    # The apis and workers reconnected by themselves: the same processes, ready, on the new primary.
    assert not system.exited(), [p.name for p in system.exited()]
    assert {name: process.pid for name, process in system.processes.items()} == pids
    system.wait_ready(timeout=30)
    assert not pair.primary.running
    sessions = {name for (name,) in pair.standby.query("SELECT DISTINCT datname FROM pg_stat_activity")}
    assert {database_name(url) for url in system.database_urls.values()} <= sessions

    # Nothing half-written and nothing twice: each referral answered 201 exists once, with its
    # audit record and its event; every retried request took effect once.
    made = load.referrals
    ids = list(made.values())
    assert len(set(ids)) == len(made), "two requests were answered with the same referral"
    found = rows(system, "intake", "SELECT id::text FROM referrals")
    assert sorted(ids) == sorted(found_id for (found_id,) in found), \
        "a referral a caller was told was made is missing, or one exists that no caller was told was made"
    audited = dict(rows(system, "intake", "SELECT record_id, count(*) FROM audit_log WHERE record_type = 'referral' "
                        "AND action = 'create' AND record_id = ANY(%s) GROUP BY record_id", (ids,)))
    assert audited == dict.fromkeys(ids, 1), "a referral without its audit record, or with two"
    assert events_of(system, RECEIVED) == dict.fromkeys(ids, 1), "a referral without its event, or with two"
    accepted = dict(rows(system, "intake", "SELECT r.id::text, count(a.id) FROM referrals r LEFT JOIN audit_log a "
                         "ON a.record_id = r.id::text AND a.action = 'triage' WHERE r.status = 'accepted' GROUP BY r.id"))
    assert accepted == dict.fromkeys(load.accepted, 1), "a triage without its audit record, or one not asked for"
    assert events_of(system, ACCEPTED) == dict.fromkeys(load.accepted, 1), "a triage without its event, or with two"

    # The outbox drains on the promoted server and every consumer's rows appear, once each.
    settle(system, ids, load.accepted, timeout=60)
    wait_until(lambda: all(unsent(system, name) == 0 for name in system.services), timeout=30,
               message="every service's outbox to drain")
    consumed = time.monotonic() - stopped

    normal = statistics.median(a.finished - a.started for a in load.answers
                               if a.kind == "referral" and a.status == 201 and a.started < stopped)
    figures = {
        "seconds_from_primary_stopped_to_writes_taken": round(recovered, 2),
        "seconds_from_standby_promoted_to_writes_taken": round(min(after) - promoted, 2),
        "seconds_database_away_before_promotion": AWAY_SECONDS,
        "seconds_load_went_on_after_promotion": AFTER_SECONDS,
        "seconds_from_primary_stopped_to_every_event_relayed_and_consumed": round(consumed, 1),
        "baseline_median_post_referral_seconds": round(normal, 3),
        "requests": len(load.answers),
        "answered_503": len(unavailable_answers),
        "slowest_answer_seconds": round(slowest, 2),
        "referrals_made": len(made),
        "referrals_accepted": len(load.accepted),
    }
    print("\ndatabase failover:", json.dumps(figures))
    _write_results(figures)


def events_of(system: System, event_type: str) -> dict[str, int]:
    """How many events of a type intake's outbox holds for each referral."""
    return dict(rows(system, "intake", "SELECT body::jsonb -> 'data' ->> 'referral_id', count(*) FROM outbox "
                     "WHERE event_type LIKE %s GROUP BY 1", (f"%{event_type}",)))


def _write_results(figures: dict) -> None:
    record = {"benchmark": "database_failover", "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
              "machine": {"python": platform.python_version(), "cpus": os.cpu_count(), "platform": platform.platform()},
              "load_average": Path("/proc/loadavg").read_text().split()[:3], **figures}
    RESULTS.write_text(json.dumps(record, indent=2) + "\n")
