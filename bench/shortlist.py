"""GET /adverts/{id}/shortlist for an advert with 2,000 bids from a register of 100,000
applicants, through the lettings api under gunicorn. Target: p95 under 50 ms.

The baseline is the floor under it, measured in the same run: the same bids joined to their
applicants read with one plain SQL query (psycopg, no ORM, no ranking, no JSON).

    .venv/bin/python bench/shortlist.py [requests]
"""

from __future__ import annotations

import datetime as dt
import json
import random
import statistics
import sys
import time
import uuid

import psycopg
from sqlalchemy import insert

from casework_dev.testing import TEST_SECRET, ServiceHarness, bearer, token

sys.path.insert(0, str(__import__("pathlib").Path(__file__).resolve().parent))
import processes  # noqa: E402
from common import BROKER, POSTGRES, write  # noqa: E402
from load import closed_loop  # noqa: E402

REGISTER, BIDS = 100_000, 2_000
OFFICER = bearer("bench-officer", "lettings_officer")


def applicants(rng: random.Random, count: int, now: dt.datetime) -> list[dict]:
    """``count`` households on the register (rows of ``applicants``): bands A–D, dates over seven
    years, 3% wheelchair users, 10% needing a ground floor, 97% active."""
    return [{
        "id": uuid.uuid4(), "reference": f"A-{i:07d}", "band": rng.choice("ABCD"),
        "effective_date": dt.date(2018, 1, 1) + dt.timedelta(days=rng.randrange(2500)),
        "application_date": dt.date(2017, 1, 1) + dt.timedelta(days=rng.randrange(2500)),
        "needs_wheelchair": rng.random() < 0.03, "needs_ground_floor": rng.random() < 0.1,
        "support_needs": [], "reasonable_preference": [], "existing_tenant": False,
        "status": "active" if rng.random() < 0.97 else "suspended", "bedroom_need": rng.choice([1, 2, 2, 3]),
        "lead_name": f"Applicant {i}", "lead_date_of_birth": dt.date(1950, 1, 1) + dt.timedelta(days=rng.randrange(20000)),
        "created_at": now,
    } for i in range(count)]


def seed(harness: ServiceHarness) -> str:
    """A two-bedroom void advertised, 100,000 applicants, 2,000 of them bidding; the advert closed."""
    from lettings.models import Applicant, Bid

    client = harness.client
    prop = client.post("/properties", json={"address": "Flat 3, 12 Fleming Way", "property_type": "flat",
                                            "bedrooms": 2, "floor": 1, "weekly_rent": "98.00",
                                            "service_charge": "7.00"}, headers=OFFICER).json
    client.post(f"/properties/{prop['id']}/void", json={"void_date": str(dt.date.today()), "reason": "transfer"},
                headers=OFFICER)
    closes = (dt.datetime.now(dt.UTC) + dt.timedelta(days=7)).isoformat()
    advert = client.post("/adverts", json={"property_id": prop["id"], "closes_at": closes}, headers=OFFICER).json
    rng = random.Random(7)
    now = dt.datetime.now(dt.UTC)
    register = applicants(rng, REGISTER, now)
    bidders = rng.sample(register, BIDS)
    with harness.db.transaction() as session:
        for start in range(0, REGISTER, 10_000):
            session.execute(insert(Applicant), register[start:start + 10_000])
        session.execute(insert(Bid), [{"id": uuid.uuid4(), "advert_id": uuid.UUID(advert["id"]), "applicant_id": a["id"],
                                       "placed_at": now - dt.timedelta(seconds=i)} for i, a in enumerate(bidders)])
    with psycopg.connect(harness.database_url, autocommit=True) as conn:
        conn.execute("ANALYZE")
    closed = client.post(f"/adverts/{advert['id']}/close", headers=OFFICER)
    assert closed.status_code == 200, closed.json
    return advert["id"]


def baseline_ms(database_url: str, advert_id: str, requests: int) -> list[float]:
    sql = ("SELECT b.placed_at, a.* FROM bids b JOIN applicants a ON a.id = b.applicant_id "
           "WHERE b.advert_id = %s")
    times = []
    with psycopg.connect(database_url) as conn:
        for _ in range(requests):
            t0 = time.perf_counter()
            rows = conn.execute(sql, (advert_id,)).fetchall()
            times.append((time.perf_counter() - t0) * 1000)
            assert len(rows) == BIDS
    return times


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, int(len(ordered) * p))], 2)


def main(requests: int = 60) -> dict:
    from lettings.service import SERVICE

    with ServiceHarness(SERVICE, POSTGRES, BROKER) as harness:
        started = time.perf_counter()
        advert_id = seed(harness)
        seeded_s = round(time.perf_counter() - started, 1)
        port = processes.free_port()
        api = processes.gunicorn("services/lettings/gunicorn.conf.py", port, {
            "CASEWORK_LETTINGS_DATABASE_URL": harness.database_url, "CASEWORK_JWT_SECRET": TEST_SECRET})
        try:
            headers = {"Authorization": f"Bearer {token('bench-officer', 'lettings_officer')}"}
            path = f"/adverts/{advert_id}/shortlist"
            closed_loop(port, lambda n: ("GET", path, b"", headers), clients=1, seconds=2, warmup=0, prepared=1)  # warm
            one = closed_loop(port, lambda n: ("GET", path, b"", headers), clients=1, seconds=requests / 10,
                              warmup=0, prepared=1).figures()
            memory = processes.rss_mb(api)
        finally:
            processes.stop(api)
        base = baseline_ms(harness.database_url, advert_id, 20)
        with harness.db.transaction() as session:
            from sqlalchemy import text

            body_check = session.execute(text("SELECT count(*) FROM bids")).scalar()
    result = {
        "register": REGISTER, "bids": BIDS, "bids_in_db": body_check, "seeded_in_s": seeded_s,
        "shortlist_http": {k: one[k] for k in ("requests", "p50_ms", "p95_ms", "p99_ms", "statuses")},
        "baseline_plain_sql_join": {"p50_ms": pct(base, 0.5), "p95_ms": pct(base, 0.95),
                                    "mean_ms": round(statistics.fmean(base), 2)},
        "target": "p95 < 50 ms", "met": one["p95_ms"] is not None and one["p95_ms"] < 50,
        "memory_mb_after": {"lettings_api": memory},
    }
    print(write("shortlist", result))
    print(json.dumps({k: result[k] for k in ("shortlist_http", "baseline_plain_sql_join", "met")}))
    return result


if __name__ == "__main__":
    main(*(int(a) for a in sys.argv[1:2]))
