"""The managers' and team leaders' pages over a year of a large council's data, each beside the
JSON endpoint it matches, in the same run (as ``pages.py`` measures the officers' pages).

A year of a large council: 100,000 applicants on the register, 5,000 voids (about 500 standing
empty now), 50,000 sustainment cases and 60,000 referrals. The pages, each against its own
service under gunicorn (the service's ``gunicorn.conf.py``) on PostgreSQL:

* lettings' live voids, ``GET /app/voids`` (its first page of 25), beside ``GET /reports/live-voids``;
* an advert with 2,000 bids, bidding closed and nobody offered the home yet (so the page shows the
  ranked shortlist, the excluded bidders and the offer form), ``GET /app/adverts/{reference}``,
  beside ``GET /adverts/{id}/shortlist``;
* each service's performance page over the last twelve months (the default range):
  lettings ``GET /app/performance`` beside ``GET /reports/lettings-performance``, sustainment and
  intake ``GET /app/performance`` beside ``GET /reports/performance``.

Seeding writes the rows with ``COPY`` (the rows the use cases would have written over the year:
making them through the API would take hours and time the API, not the pages), a few seconds per
service. Measuring is ``pages.compare``: 4 keep-alive clients, alternating rounds of the page and
its JSON, medians of the rounds' p50 and p95. Targets as ``pages.py``: **p95 under 200 ms**, and
**within ×3 of the JSON endpoint's p95**.

    .venv/bin/python bench/council.py [seconds] [page name…]   # `make bench-council`; about four minutes
    .venv/bin/python bench/council.py profile "live voids" [requests] [rows]   # cProfile, in process
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import random
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterable
from decimal import Decimal
from pathlib import Path

import psycopg

from casework_dev.testing import TEST_SECRET, ServiceHarness

sys.path.insert(0, str(Path(__file__).resolve().parent))
import processes  # noqa: E402
from common import BROKER, POSTGRES, write  # noqa: E402
from pages import CLIENTS, ROUNDS, SECONDS, TARGET_P95_MS, TARGET_RATIO, Seeded, compare  # noqa: E402
from shortlist import applicants as register  # noqa: E402

APPLICANTS = 100_000
VOIDS = 5_000
BIDS_ON_THE_ADVERT = 2_000
BIDS_PER_ADVERT = 30
CASES = 50_000
REFERRALS = 60_000
OFFICERS = [f"o-{team}-{n:02d}" for team in ("north", "south", "east", "west") for n in range(20)]


def copy(conn: psycopg.Connection, table: str, rows: list[dict]) -> None:
    """``rows`` (dicts with the same keys) into ``table`` with one COPY; lists and dicts as JSON."""
    if not rows:
        return
    columns = list(rows[0])
    with conn.cursor().copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as out:
        for row in rows:
            out.write_row([json.dumps(v) if isinstance(v, (list, dict)) else v for v in row.values()])


def moment(rng: random.Random, now: dt.datetime, days: int) -> dt.datetime:
    """A moment in the last ``days`` days, in working hours' spread."""
    return now - dt.timedelta(days=rng.random() * days)


# -- lettings: the register, a year of voids, adverts, bids, offers and lets -------------------------------


def seed_lettings(harness: ServiceHarness) -> list[tuple[str, Seeded]]:
    """100,000 applicants; 5,000 homes each voided once in the last year, let 10–70 days later
    when that day has come (about 500 still void: not advertised, advertised, shortlist, offered,
    accepted or signed up to start later); an advert for each void but the newest few, 30 bids on
    each (2,000 on the measured one), up to two refused offers before each let; the tenancies."""
    from lettings.letting import core_logs, void_stages

    rng = random.Random(29)
    now = dt.datetime.now(dt.UTC)
    today = now.date()
    people = register(rng, APPLICANTS, now)
    ids = [a["id"] for a in people]
    unused = iter(rng.sample(ids, 30_000))  # who is offered a home: once each
    homes, voids, adverts, bids, offers, tenancies = [], [], [], [], [], []
    measured = None
    counter = iter(range(1, 10**7))
    for n in range(VOIDS):
        rent = Decimal(rng.randrange(8000, 16000)) / 100
        home = {"id": uuid.uuid4(), "reference": f"P-{next(counter):06d}", "address": f"{n + 1} Fleming Way, Milton Keynes",
                "uprn": f"{25000000 + n}", "property_type": rng.choice(("house", "flat", "flat", "maisonette", "bungalow")),
                "bedrooms": rng.choice((1, 2, 2, 3, 3, 4)), "floor": rng.choice((0, 0, 1, 2, 3)),
                "wheelchair_accessible": rng.random() < 0.05, "sensitive_let": False, "weekly_rent": rent,
                "service_charge": Decimal("7.00"), "created_at": now - dt.timedelta(days=3000)}
        homes.append(home)
        void_date = today - dt.timedelta(days=rng.randrange(365))
        let_date = void_date + dt.timedelta(days=rng.randrange(10, 70))
        void = {"id": uuid.uuid4(), "property_id": home["id"], "void_date": void_date,
                "reason": rng.choice(("tenant_moved_out", "transfer", "tenant_died", "eviction")),
                "let_date": let_date if let_date <= today else None}
        voids.append(void)
        if (today - void_date).days < 3 or rng.random() < 0.03:
            continue  # not advertised yet
        published = dt.datetime.combine(void_date + dt.timedelta(days=2), dt.time(9), tzinfo=dt.UTC)
        closes = published + dt.timedelta(days=7)
        advert = {"id": uuid.uuid4(), "reference": f"ADV-{next(counter):06d}", "property_id": home["id"],
                  "void_id": void["id"], "status": "let" if void["let_date"] else ("open" if closes > now else "closed"),
                  "published_at": published, "closes_at": closes, "closed_at": None if closes > now else closes}
        adverts.append(advert)
        many = BIDS_ON_THE_ADVERT if measured is None and advert["status"] == "closed" else BIDS_PER_ADVERT
        bidders = rng.sample(ids, many)
        bids += [{"id": uuid.uuid4(), "advert_id": advert["id"], "applicant_id": a,
                  "placed_at": published + dt.timedelta(minutes=rng.randrange(7 * 24 * 60))} for a in bidders]
        if measured is None and advert["status"] == "closed":
            measured = advert
            continue  # the shortlist is shown, nobody offered yet

        def offer(status: str, made: dt.datetime, advert: dict = advert, home: dict = home) -> dict:
            made_offer = {"id": uuid.uuid4(), "reference": f"O-{next(counter):06d}", "advert_id": advert["id"],
                          "property_id": home["id"], "applicant_id": next(unused), "status": status, "made_at": made,
                          "made_by": "o-lettings-01", "respond_by": made + dt.timedelta(days=3),
                          "answered_at": None if status == "pending" else made + dt.timedelta(days=2),
                          "refusal_reason_code": rng.choice(("size", "location", "condition", "cost", "personal"))
                          if status == "refused" else None}
            offers.append(made_offer)
            return made_offer

        made = closes + dt.timedelta(hours=2)
        if advert["status"] == "open":
            continue
        for _ in range(rng.choice((0, 0, 1, 2))):
            if made >= now:
                break
            offer("refused", made)
            made += dt.timedelta(days=3)
        if made >= now:
            continue
        if void["let_date"] is None:
            stage = rng.choice(("shortlist", "pending", "accepted", "signed_up"))
            if stage == "shortlist":
                continue
            last = offer(stage, made)
            if stage == "signed_up":
                void["let_date"] = today + dt.timedelta(days=rng.randrange(1, 14))
        else:
            last = offer("signed_up", min(made, dt.datetime.combine(void["let_date"], dt.time(9), tzinfo=dt.UTC)))
        if last["status"] == "signed_up":
            tenancies.append({"id": uuid.uuid4(), "reference": f"T-{next(counter):06d}", "offer_id": last["id"],
                              "property_id": home["id"], "applicant_id": last["applicant_id"],
                              "tenancy_start": void["let_date"], "tenancy_type": "introductory", "high_risk": False,
                              "high_risk_reasons": [], "support_needs": [], "weekly_rent": home["weekly_rent"],
                              "service_charge": home["service_charge"], "signed_up_by": "o-lettings-01",
                              "created_at": last["made_at"]})
    assert measured is not None
    with psycopg.connect(harness.database_url) as conn:
        copy(conn, "applicants", people)
        copy(conn, "properties", homes)
        copy(conn, "voids", voids)
        copy(conn, "adverts", adverts)
        copy(conn, "bids", bids)
        copy(conn, "offers", offers)
        copy(conn, "tenancies", tenancies)
    with harness.db.transaction() as session:  # where each void stands, as the use cases moving them kept it
        void_stages.recount(session)
        core_logs.rebuild(session)  # and each let's CORE log, as signing it up kept it
    live = sum(1 for v in voids if v["let_date"] is None or v["let_date"] > today)
    shape = {"applicants": len(people), "homes": len(homes), "voids": len(voids), "live_voids": live,
             "adverts": len(adverts), "bids": len(bids), "offers": len(offers), "tenancies": len(tenancies)}
    sub, roles = "bench-lettings", ("lettings_officer",)
    return [
        ("live voids", Seeded(page="/app/voids", endpoint="/reports/live-voids", sub=sub, roles=roles,
                              shape={**shape, "per_page": 25})),
        ("advert with 2,000 bids", Seeded(page=f"/app/adverts/{measured['reference']}",
                                           endpoint=f"/adverts/{measured['id']}/shortlist", sub=sub, roles=roles,
                                           shape={"bids": BIDS_ON_THE_ADVERT, "advert": measured["reference"]})),
        ("lettings performance", Seeded(page="/app/performance", endpoint="/reports/lettings-performance",
                                        sub=sub, roles=roles, shape=shape)),
    ]


# -- sustainment: 50,000 cases opened over the year ---------------------------------------------------------


def seed_sustainment(harness: ServiceHarness) -> list[tuple[str, Seeded]]:
    """50,000 cases opened over the last year (one in seven an onboarding case with its settling-in
    visit, the rest from referrals), over 80 officers; first contact made for nine in ten, within
    its three days for most; a case closed 30–200 days after it opened when that day has come."""
    rng = random.Random(29)
    now = dt.datetime.now(dt.UTC)
    cases, visits = [], []
    outcomes = ("tenancy_sustained", "tenancy_sustained", "moved_on_planned", "evicted", "disengaged", "transferred")
    for n in range(CASES):
        opened = moment(rng, now, 365)
        onboarding = rng.random() < 0.15
        closed = opened + dt.timedelta(days=rng.randrange(30, 200))
        closed = closed if closed < now else None
        contact = opened + dt.timedelta(hours=rng.randrange(1, 120)) if rng.random() < 0.9 else None
        case = {"id": uuid.uuid4(), "number": n + 1, "case_type": "onboarding" if onboarding else "sustainment",
                "status": "closed" if closed else rng.choice(("open", "allocated", "active", "active")),
                "risk_level": rng.choice(("low", "medium", "medium", "high", "critical")), "risk_score": rng.randrange(60),
                "risk_factors": [], "reasons": ["rent_arrears"], "tenancy_ref": f"T-{rng.randrange(40_000):07d}",
                "tenant_name": f"Tenant {n}", "support_needs": [], "consent_given": True, "safeguarding_exemption": False,
                "officer_id": rng.choice(OFFICERS), "consecutive_no_access": 0,
                "referred_at": None if onboarding else opened - dt.timedelta(hours=rng.randrange(4, 120)),
                "opened_at": opened, "first_contact_due": opened + dt.timedelta(days=3),
                "first_contact_at": contact if contact and contact < now else None,
                "settling_in_due": opened + dt.timedelta(days=14) if onboarding else None,
                "closed_at": closed, "closure_outcome": rng.choice(outcomes) if closed else None}
        cases.append(case)
        if onboarding:
            held = opened + dt.timedelta(days=rng.randrange(2, 20))
            if held < now:
                visits.append({"id": uuid.uuid4(), "case_id": case["id"], "kind": "settling_in", "scheduled_for": held,
                               "scheduled_by": case["officer_id"], "status": "completed", "risks_identified": [],
                               "recorded_at": held, "recorded_by": case["officer_id"]})
    with psycopg.connect(harness.database_url) as conn:
        copy(conn, "cases", cases)
        copy(conn, "visits", visits)
    return [("sustainment performance", Seeded(
        page="/app/performance", endpoint="/reports/performance", sub="bench-leader", roles=("team_leader",),
        shape={"cases": len(cases), "closed": sum(1 for c in cases if c["closed_at"]),
               "settling_in_visits": len(visits)}))]


# -- intake: 60,000 referrals received over the year --------------------------------------------------------


REASONS = ("rent_arrears", "mental_health", "anti_social_behaviour", "hoarding", "domestic_abuse", "physical_health")
SOURCES = ("income_recovery", "northgate", "housing_options", "adult_social_care", "police", "self_referral")


def seed_intake(harness: ServiceHarness) -> list[tuple[str, Seeded]]:
    """60,000 referrals received over the last year from six systems, each giving one to three
    reasons; triaged within 0–4 days against a two-day deadline (accepted, rejected or signposted),
    a few withdrawn, the last days' still waiting."""
    rng = random.Random(29)
    now = dt.datetime.now(dt.UTC)
    rows = []
    for n in range(REFERRALS):
        received = moment(rng, now, 365)
        triaged = received + dt.timedelta(hours=rng.randrange(1, 100))
        status = rng.choices(("accepted", "rejected", "signposted", "withdrawn"), (55, 15, 23, 7))[0]
        if triaged > now:
            status, triaged = "received", None
        elif status == "withdrawn":
            triaged = None
        rows.append({"id": uuid.uuid4(), "reference": f"R-{n + 1:06d}", "status": status, "received_at": received,
                     "source_system": rng.choice(SOURCES), "referrer_name": "Sam Patel", "entered_by": "bench-system",
                     "person_name": f"Person {n}", "reasons": rng.sample(REASONS, rng.choice((1, 1, 2, 3))),
                     "consent_given": True, "risk_level": rng.choice(("low", "medium", "high")),
                     "risk_score": rng.randrange(60), "risk_factors": [], "triage_due": received + dt.timedelta(days=2),
                     "possible_duplicate_of": [], "triaged_at": triaged,
                     "triage_outcome": {"accepted": "accept", "rejected": "reject", "signposted": "signpost"}.get(status),
                     "triaged_by": "bench-triage" if triaged else None,
                     "withdrawn_at": received + dt.timedelta(days=1) if status == "withdrawn" else None})
    with psycopg.connect(harness.database_url) as conn:
        copy(conn, "referrals", rows)
    return [("intake performance", Seeded(
        page="/app/performance", endpoint="/reports/performance", sub="bench-leader", roles=("team_leader",),
        shape={"referrals": len(rows), "waiting": sum(1 for r in rows if r["status"] == "received")}))]


# -- measuring ----------------------------------------------------------------------------------------------

SERVICES: tuple[tuple[str, str, Callable[[ServiceHarness], list[tuple[str, Seeded]]], tuple[str, ...]], ...] = (
    ("lettings", "CASEWORK_LETTINGS_DATABASE_URL", seed_lettings,
     ("live voids", "advert with 2,000 bids", "lettings performance")),
    ("sustainment", "CASEWORK_SUSTAINMENT_DATABASE_URL", seed_sustainment, ("sustainment performance",)),
    ("intake", "CASEWORK_INTAKE_DATABASE_URL", seed_intake, ("intake performance",)),
)


def measure(service: str, setting: str, seed: Callable, seconds: float, only: Iterable[str] = ()) -> dict:
    """Seed one service's database, start its api under gunicorn, and compare each of its pages."""
    app_service = __import__(f"{service}.service", fromlist=["SERVICE"]).SERVICE
    logging.getLogger("casework").setLevel(logging.WARNING)
    found = {}
    with ServiceHarness(app_service, POSTGRES, BROKER) as harness:
        started = time.perf_counter()
        seeded = seed(harness)
        seeded_s = round(time.perf_counter() - started, 1)
        with psycopg.connect(harness.database_url, autocommit=True) as conn:
            conn.execute("VACUUM ANALYZE")
        port = processes.free_port()
        api = processes.gunicorn(f"services/{service}/gunicorn.conf.py", port, {
            "CASEWORK_JWT_SECRET": TEST_SECRET, setting: harness.database_url, "CASEWORK_INTAKE_RATE_LIMIT": ""})
        try:
            for name, pair in seeded:
                if only and name not in only:
                    continue
                found[name] = {"service": service, "seeded": pair.shape, "seeded_in_s": seeded_s,
                               **compare(port, pair, seconds)}
                print(name, json.dumps({k: v for k, v in found[name].items()
                                        if k in ("skipped", "p95_ratio", "met")}),
                      {k: found[name][k]["p95_ms"] for k in ("page", "json") if k in found[name]}, flush=True)
            memory = processes.rss_mb(api)
        finally:
            processes.stop(api)
    for figures in found.values():
        figures["memory_mb_after"] = memory
    return found


def profile(name: str, requests: int = 10, top: int = 25) -> None:
    """Where one page's time goes: its service seeded as above, then ``requests`` GETs of the page
    and of its JSON through the test client, each under cProfile (one request at a time, in process)."""
    import cProfile
    import pstats

    from casework_dev.testing import bearer

    service, setting, seed, _ = next(s for s in SERVICES if name in s[3])
    app_service = __import__(f"{service}.service", fromlist=["SERVICE"]).SERVICE
    logging.getLogger("casework").setLevel(logging.WARNING)
    with ServiceHarness(app_service, POSTGRES, BROKER) as harness:
        pair = dict(seed(harness))[name]
        with psycopg.connect(harness.database_url, autocommit=True) as conn:
            conn.execute("VACUUM ANALYZE")
        headers = bearer(pair.sub, *pair.roles)
        for path, asked in ((pair.page, {**headers, "Accept": "text/html"}), (pair.endpoint, headers)):
            assert harness.client.get(path, headers=asked).status_code == 200  # warm
            profiler = cProfile.Profile()
            started = time.perf_counter()
            for _ in range(requests):
                profiler.enable()
                answer = harness.client.get(path, headers=asked)
                profiler.disable()
                assert answer.status_code == 200, answer.status_code
            print(f"\n{path}: {(time.perf_counter() - started) / requests * 1000:.1f} ms a request, "
                  f"{len(answer.data)} bytes")
            pstats.Stats(profiler).sort_stats("cumulative").print_stats(top)


def main(seconds: float = SECONDS, *only: str) -> dict:
    started = time.monotonic()
    pages = {}
    for service, setting, seed, names in SERVICES:
        if not only or set(only) & set(names):
            pages.update(measure(service, setting, seed, seconds, only))
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True,
                            cwd=Path(__file__).resolve().parent).stdout.strip()
    result = {"commit": commit, "clients": CLIENTS, "rounds": ROUNDS, "seconds_per_round": seconds,
              "targets": {"page_p95_ms_under": TARGET_P95_MS, "page_p95_within_x_of_json": TARGET_RATIO},
              "pages": pages, "took_s": round(time.monotonic() - started)}
    if not only:
        print(write("council", result))
    return result


if __name__ == "__main__":
    if sys.argv[1:2] == ["profile"]:
        profile(sys.argv[2], *(int(a) for a in sys.argv[3:5]))
    else:
        main(*(float(a) for a in sys.argv[1:2]), *sys.argv[2:])
