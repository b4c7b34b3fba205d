"""Faults under load, against every service as real processes: nothing missing, nothing twice."""

import threading
import time

import psycopg
import pytest
import requests

from casework.database_url import conninfo, database_name, with_database
from casework_dev.testing import wait_until

from .counting import rows, settle

pytestmark = pytest.mark.slow

REFERRAL = {
    "source": {"system": "income_recovery", "referrer": {"name": "Sam Patel"}},
    "person": {"name": "Alex Morgan", "date_of_birth": "1984-03-02", "address": "Flat 4, 12 Station Road"},
    "reasons": ["rent_arrears", "mental_health"], "details": "Arrears.", "arrears_balance": "1300.00",
    "weekly_rent": "130.00", "consent": {"given": True, "method": "verbal", "recorded_by": "Sam Patel"},
}


def stream(partner, officer, *, seconds: float, rate: float, during=None) -> tuple[list[str], list[str]]:
    """Referrals at a steady rate for ``seconds`` (every other one accepted); ``during()`` runs midway."""
    made, accepted = [], []
    started, n = time.monotonic(), 0
    fault = threading.Thread(target=during) if during else None
    while time.monotonic() - started < seconds:
        if fault and not fault.is_alive() and time.monotonic() - started > seconds / 4 and not fault.ident:
            fault.start()
        response = partner.post("intake", "/referrals", {**REFERRAL, "tenancy_ref": f"T-{time.time_ns()}"})
        assert response.status_code == 201, response.text
        made.append(response.json()["id"])
        if n % 2 == 0:
            triaged = officer.post("intake", f"/referrals/{made[-1]}/triage", {"outcome": "accept"})
            assert triaged.status_code == 200, triaged.text
            accepted.append(made[-1])
        n += 1
        time.sleep(max(0.0, started + n / rate - time.monotonic()))
    if fault:
        fault.join()
    return made, accepted


def test_the_broker_away_for_seconds_loses_and_repeats_nothing(system, broker_proxy, partner, officer):
    def outage():
        broker_proxy.cut()
        time.sleep(5)
        broker_proxy.restore()

    made, accepted = stream(partner, officer, seconds=12, rate=8, during=outage)
    settle(system, made, accepted)


@pytest.mark.parametrize("worker", ["intake-worker", "notifications-worker", "sustainment-worker"])
def test_a_worker_killed_mid_stream_loses_and_repeats_nothing(system, partner, officer, worker):
    def kill_and_restart():
        system.kill(worker)
        time.sleep(1)
        system.start_process(worker)

    made, accepted = stream(partner, officer, seconds=6, rate=8, during=kill_and_restart)
    settle(system, made, accepted)


def test_database_connections_terminated_answer_503_and_the_api_recovers(system, partner):
    url = system.database_urls["intake"]
    name = database_name(url)
    answers: list[int] = []
    bodies: list[str] = []
    stop = threading.Event()

    def load():
        while not stop.is_set():
            try:
                r = partner.post("intake", "/referrals", {**REFERRAL, "tenancy_ref": f"T-{time.time_ns()}"})
            except requests.RequestException:
                answers.append(-1)
                continue
            answers.append(r.status_code)
            if r.status_code != 201:
                bodies.append(r.headers.get("Content-Type", "") + " " + r.text)

    before = rows(system, "intake", "SELECT count(*) FROM referrals")[0][0]
    threads = [threading.Thread(target=load) for _ in range(4)]
    for t in threads:
        t.start()
    time.sleep(1)
    for _ in range(3):
        with psycopg.connect(conninfo(with_database(url, "postgres")), autocommit=True) as admin:
            admin.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                          "WHERE datname = %s AND pid <> pg_backend_pid()", (name,))
        time.sleep(0.7)
    time.sleep(1)
    stop.set()
    for t in threads:
        t.join()

    assert set(answers) <= {201, 503}, bodies[:3]
    assert all("application/problem+json" in b for b in bodies)
    created = answers.count(201)
    # Nothing half-written: every referral made has its audit record and its event.
    referrals = rows(system, "intake", "SELECT count(*) FROM referrals")[0][0] - before
    assert referrals == created
    orphans = rows(system, "intake", "SELECT count(*) FROM referrals r WHERE NOT EXISTS (SELECT 1 FROM outbox o "
                   "WHERE o.body LIKE '%%' || r.id::text || '%%')")[0][0]
    assert orphans == 0
    # Recovered without a restart.
    wait_until(lambda: partner.post("intake", "/referrals", {**REFERRAL, "tenancy_ref": "T-after"}).status_code == 201,
               timeout=10, message="intake to answer 201 again")
