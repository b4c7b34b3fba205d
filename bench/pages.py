"""The officers' pages' server time beside the JSON endpoint each page matches, in the same run.

Three pages, each against its own service under gunicorn with the service's ``gunicorn.conf.py``
on PostgreSQL:

* the inbox, ``GET /app/inbox`` (notifications), beside ``GET /tasks?status=open&page_size=100``
  (the officer's and their teams' open tasks, soonest due first), with 10,000 open tasks in the
  database;
* the triage queue, ``GET /app/referrals`` (intake, its first page of 25), beside
  ``GET /referrals?status=received&order=triage_due&page_size=25``, with 2,000 referrals waiting;
* a case page, ``GET /app/cases/{id}`` (sustainment), beside ``GET /cases/{id}``, for a case a
  year old (see ``seed_case``).

Server time is the answer's time on loopback as the client sees it, from the request's first
byte sent to the body's last byte read (``load.py``), with 4 keep-alive clients asking in a closed
loop (a team's worth of officers opening pages at once; light, so it measures the page, not the
queue in front of it). A page signs in as the API does, with an ``Authorization: Bearer``
development token (``casework.auth.mint``, the test secret); the kernel takes it before the
sign-in cookie, so the page's own work is what is timed. Each pair runs ``ROUNDS`` alternating
rounds (page, then JSON, then page…) of ``SECONDS`` each after a warm-up of both; the figures are
the medians of the rounds' p50 and p95.

Targets, for each page: **p95 under 200 ms**, and **p95 within ×3 of its JSON endpoint's**. 200 ms
of server time leaves most of a one-second page load (GOV.UK's assets are cached after the first
page) to the network and the browser; ×3 allows a page what its endpoint does not do (the
template, the inbox's unread messages and the team's queue as well as the officer's own tasks,
the case's deadlines worded), and no more: a page far slower than its API reads something the
API does not, or reads it one row at a time.

Where a page is not there (the service's pages not merged yet: the route is missing, or it
answers 404), its pair is written as skipped with the reason, and the others still run.

    .venv/bin/python bench/pages.py [seconds]      # in `make bench`; about a minute and a half
"""

from __future__ import annotations

import datetime as dt
import http.client
import json
import logging
import random
import statistics
import subprocess
import sys
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import psycopg
from sqlalchemy import insert

from casework import context
from casework_dev.testing import TEST_SECRET, ServiceHarness, bearer, token

sys.path.insert(0, str(Path(__file__).resolve().parent))
import processes  # noqa: E402
from common import BROKER, POSTGRES, write  # noqa: E402
from load import closed_loop  # noqa: E402

ROUNDS = 3
SECONDS = 4.0
CLIENTS = 4
TARGET_P95_MS = 200.0
TARGET_RATIO = 3.0

OPEN_TASKS = 10_000
CLOSED_TASKS = 10_000
TEAMS = ("intake", "sustainment_north", "sustainment_south", "lettings")
OFFICERS_PER_TEAM = 20
UNASSIGNED_SHARE = 0.1
QUEUED_REFERRALS = 2_000


@dataclass
class Seeded:
    page: str
    endpoint: str
    sub: str
    roles: tuple[str, ...]
    shape: dict


@dataclass
class Pair:
    name: str
    service: str
    page_rule: str
    seed: Callable[[ServiceHarness], Seeded]
    env: Callable[[ServiceHarness], dict]


# -- the inbox: 10,000 open tasks -----------------------------------------------------------------

#: Rules as the policy names them, with what their tasks are about.
TASK_KINDS = (("triage_referral", "referral", "intake", "Triage referral"),
              ("first_contact", "case", "sustainment", "Make first contact"),
              ("visit", "case", "sustainment", "Visit the tenant"),
              ("review_risk", "case", "sustainment", "Review the risk"),
              ("chase_offer", "offer", "lettings", "Chase the offer"))


def seed_inbox(harness: ServiceHarness) -> Seeded:
    """80 officers in four teams (through ``POST /officers``); 10,000 open tasks (open or
    acknowledged) and 10,000 done ones, written with one bulk INSERT each (the rows the rules
    would write: making 20,000 through events would take minutes and time the consumer, not the
    page). 90% of the open tasks are assigned evenly at random over the officers, 10% wait in
    their team's shared queue; the measured officer ``o-sustainment_north-00`` holds the share
    chance gives them (about 1/80th of the assigned ones). Each officer has 30 messages, 10 unread."""
    from notifications.models import Notification, Task

    admin = bearer("bench-admin", "admin")
    officers = []
    for team in TEAMS:
        for n in range(OFFICERS_PER_TEAM):
            officer = f"o-{team}-{n:02d}"
            officers.append((officer, team))
            answer = harness.client.post("/officers", headers=admin, json={
                "id": officer, "name": f"Officer {team} {n}", "teams": [team], "roles": ["sustainment_officer"],
                "email": f"{officer}@council.example.gov.uk", "email_preference": "off"})
            assert answer.status_code in (200, 201), answer.json
    rng = random.Random(28)
    now = dt.datetime.now(dt.UTC)

    def task(n: int, live: bool) -> dict:
        rule, subject_type, service, title = rng.choice(TASK_KINDS)
        officer, team = rng.choice(officers)
        created = now - dt.timedelta(minutes=rng.randrange(60 * 24 * 60))
        row = {"id": uuid.uuid4(), "rule": rule, "dedup_key": f"{rule}:{n}", "title": f"{title} {n:06d}",
               "priority": "high" if rng.random() < 0.15 else "normal", "team": team,
               "assignee": None if live and rng.random() < UNASSIGNED_SHARE else officer,
               "due": created + dt.timedelta(days=rng.choice((1, 2, 5, 10, 28))), "subject_type": subject_type,
               "subject_id": str(uuid.uuid4()), "subject_service": service, "subject_reference": f"X-{n:06d}",
               "created_at": created}
        if live:
            row["status"] = "acknowledged" if rng.random() < 0.2 else "open"
        else:
            row.update(status="done", closed_at=created + dt.timedelta(days=1), closed_by=officer)
        return row

    tasks = [task(n, True) for n in range(OPEN_TASKS)] + [task(OPEN_TASKS + n, False) for n in range(CLOSED_TASKS)]
    messages = [{"id": uuid.uuid4(), "recipient": officer, "message": f"Case C-{i:06d} has been assigned to you.",
                 "subject_type": "case", "subject_id": str(uuid.uuid4()), "subject_reference": f"C-{i:06d}",
                 "created_at": now - dt.timedelta(hours=i), "read_at": None if i < 10 else now}
                for officer, _ in officers for i in range(30)]
    with harness.db.transaction() as session:
        for start in range(0, len(tasks), 5_000):
            session.execute(insert(Task), tasks[start:start + 5_000])
        session.execute(insert(Notification), messages)
    me, my_team = officers[OFFICERS_PER_TEAM]  # the first officer of sustainment_north
    live = [t for t in tasks if t["status"] != "done"]
    return Seeded(page="/app/inbox", endpoint="/tasks?status=open&page_size=100", sub=me, roles=("sustainment_officer",),
                  shape={"open_tasks": len(live), "done_tasks": CLOSED_TASKS, "officers": len(officers),
                         "teams": len(TEAMS),
                         "officers_own_live_tasks": sum(t["assignee"] == me for t in live),
                         "team_queue_live_tasks": sum(t["assignee"] is None and t["team"] == my_team for t in live),
                         "team_open_tasks_the_endpoint_pages": sum(
                             t["team"] == my_team and t["status"] == "open" for t in live),
                         "unread_messages": 10})


def notifications_env(harness: ServiceHarness) -> dict:
    return {"CASEWORK_NOTIFICATIONS_DATABASE_URL": harness.database_url}


# -- the triage queue: 2,000 referrals waiting ----------------------------------------------------

REFERRAL = {
    "source": {"system": "income_recovery", "team": "Income Recovery (North)",
               "referrer": {"name": "Sam Patel", "email": "sam.patel@council.example", "phone": "01908 000000"}},
    "person": {"name": "Alex Morgan", "date_of_birth": "1984-03-02", "phone": "07700 900123",
               "email": "alex.morgan@example.com", "address": "Flat 4, 12 Station Road, Milton Keynes MK9 1AA"},
    "tenancy_ref": "T-0042117", "uprn": "25001234", "reasons": ["rent_arrears", "mental_health"],
    "details": "Tenant has stopped engaging with the income team.", "arrears_balance": "1240.50",
    "weekly_rent": "128.40", "consent": {"given": True, "method": "verbal", "recorded_by": "Sam Patel"},
}


def seed_queue(harness: ServiceHarness) -> Seeded:
    """2,000 referrals through ``POST /referrals`` (the use case, duplicate check and all; each a
    different person and tenancy), then their arrival spread over the last ten days with one
    UPDATE of ``received_at`` and ``triage_due`` (both moved by the same amount), so the queue
    has overdue referrals at its head as a real one does."""
    referrer = bearer("bench-system", "referrer")
    rng = random.Random(28)
    for n in range(QUEUED_REFERRALS):
        born = dt.date(1940, 1, 1) + dt.timedelta(days=(n * 7919) % 25000)
        body = {**REFERRAL, "tenancy_ref": f"T-{n:09d}", "reasons": rng.sample(
                    ["rent_arrears", "mental_health", "anti_social_behaviour", "hoarding", "domestic_abuse"], 2),
                "person": {**REFERRAL["person"], "name": f"Person {n}", "date_of_birth": born.isoformat()}}
        answer = harness.client.post("/referrals", json=body, headers=referrer)
        assert answer.status_code == 201, answer.json
    with psycopg.connect(harness.database_url, autocommit=True) as conn:
        conn.execute("UPDATE referrals SET received_at = received_at - shift, triage_due = triage_due - shift "
                     "FROM (SELECT id AS sid, (random() * interval '10 days') AS shift FROM referrals) s WHERE id = sid")
        overdue = conn.execute("SELECT count(*) FROM referrals WHERE triage_due < now()").fetchone()[0]
    return Seeded(page="/app/referrals", endpoint="/referrals?status=received&order=triage_due&page_size=25",
                  sub="bench-triage", roles=("intake_officer",),
                  shape={"received_referrals": QUEUED_REFERRALS, "overdue": overdue, "per_page": 25})


def intake_env(harness: ServiceHarness) -> dict:
    return {"CASEWORK_INTAKE_DATABASE_URL": harness.database_url, "CASEWORK_INTAKE_RATE_LIMIT": ""}


# -- a case page: a case a year old ----------------------------------------------------------------

NOTE = ("Spoke with the tenant at the door. Rent account discussed; they agreed to ring the income "
        "team this week and bring the letters from the DWP to the next visit. ") * 3


def seed_case(harness: ServiceHarness) -> Seeded:
    """A case opened from an accepted referral (the event handed to sustainment's handler, as its
    consumer does), then through the API as its officer would over a year: a plan agreed with 3
    goals and 8 actions and revised 4 times, 12 visits made and 2 booked, 10 contacts, 3 agency
    referrals, 40 notes of a few hundred characters each, a risk review. Its timeline is what
    these wrote. The case is moved to have opened a year ago with one UPDATE (visits made before
    a case opened are refused)."""
    from casework.contracts import catalogue
    from casework.contracts.intake import ReferralCase
    from casework.events import make
    from sustainment.service import SERVICE

    event_type = "casework.intake.referral.accepted.v2"
    data = {
        "referral_id": uuid.uuid4(), "reference": "R-000042", "source_system": "northgate", "referrer_client": "sys-1",
        "priority": "urgent",
        "person": {"name": "Jane Doe", "date_of_birth": dt.date(1980, 4, 1), "phone": "07700 900123",
                   "email": "jane@example.org", "address": "1 High Street, Milton Keynes"},
        "tenancy_ref": "T-000123", "uprn": "25032123", "reasons": ["rent_arrears", "mental_health"],
        "risk": {"level": "high", "score": 45, "factors": [
            {"code": "rent_arrears", "points": 30, "detail": "9 weeks of rent"},
            {"code": "mental_health", "points": 15, "detail": ""}]},
        "arrears_balance": "1012.50", "weekly_rent": "112.50", "clutter_rating": None, "consent_given": True,
        "safeguarding_exemption": False, "accepted_by": "intake-7",
        "accepted_at": dt.datetime.now(dt.UTC) - dt.timedelta(days=365),
    }
    data["risk_level"] = data["risk"]["level"]
    sealed = set(ReferralCase._declared_fields)
    data = {**{k: v for k, v in data.items() if k not in sealed},
            "case_details": {k: v for k, v in data.items() if k in sealed}}
    with context.bound(service="intake"):
        event = make(event_type, subject=str(uuid.uuid4()), data=catalogue.serialise(event_type, data))
    with harness.db.transaction() as session, context.bound(service="sustainment", correlation_id=event.id,
                                                             causation_id=event.id):
        SERVICE.handlers[event_type](session, event, catalogue.load(event_type, event.data))
    # The handler opens the case now; a year of work needs it opened a year ago (one UPDATE).
    with psycopg.connect(harness.database_url, autocommit=True) as conn:
        conn.execute("UPDATE cases SET opened_at = now() - interval '366 days'")

    c = harness.client
    officer, leader = bearer("bench-officer", "sustainment_officer"), bearer("bench-leader", "team_leader")

    def ok(answer, *codes):
        assert answer.status_code in (codes or (200, 201)), (answer.status_code, answer.json)
        return answer.json

    [case] = ok(c.get(f"/cases?referral_id={data['referral_id']}", headers=leader))
    case_id = case["id"]
    ok(c.post(f"/cases/{case_id}/assignment", json={"officer_id": "bench-officer"}, headers=leader))
    today = dt.date.today()
    for version in range(5):
        ok(c.put(f"/cases/{case_id}/plan", headers=officer, json={
            "goals": [{"title": title, "category": category} for title, category in (
                ("Clear the rent arrears", "rent_arrears"), ("Keep in touch with the GP", "health_and_wellbeing"),
                ("Make the flat safe to live in", "property_condition_and_hoarding"))],
            "actions": [{"title": f"Action {n + 1}, revision {version + 1}: apply, ring, bring the letters",
                         "category": "income_and_benefits", "owner": "tenant" if n % 2 else "officer",
                         "due_date": str(today + dt.timedelta(days=14 * (n + 1)))} for n in range(8)],
            "review_date": str(today + dt.timedelta(days=90))}))
    for n in range(12):
        ok(c.post(f"/cases/{case_id}/visits/made", headers=officer, json={
            "kind": "home_visit", "visited_at": (dt.datetime.now(dt.UTC) - dt.timedelta(days=360 - 28 * n)).isoformat(),
            "outcome": "completed", "notes": NOTE}))
    for n in range(2):
        ok(c.post(f"/cases/{case_id}/visits", headers=officer, json={
            "kind": "home_visit", "scheduled_for": f"{today + dt.timedelta(days=7 * (n + 1))}T10:00:00Z"}))
    for n in range(10):
        ok(c.post(f"/cases/{case_id}/contacts", json={"method": ("phone", "email")[n % 2]}, headers=officer))
    ok(c.post("/agencies/import", headers=bearer("bench-admin", "admin"), json=[
        {"id": name, "name": name, "organization": {"name": name}}
        for name in ("Debt advice", "Mental health services", "Citizens Advice")]))
    for agency in ok(c.get("/agencies", headers=officer)):
        ok(c.post(f"/cases/{case_id}/agency-referrals", headers=officer, json={
            "agency_id": agency["id"], "reason": "The tenant asked for help with this.", "consent_given": True}))
    for n in range(40):
        ok(c.post(f"/cases/{case_id}/notes", json={"text": f"Note {n + 1}. {NOTE}"}, headers=officer))
    ok(c.post(f"/cases/{case_id}/risk", headers=officer,
              json={"risk_level": "medium", "reason": "Arrears falling; the tenant engages with debt advice."}))
    detail = ok(c.get(f"/cases/{case_id}", headers=officer))
    shape = {key: len(detail[key]) for key in ("visits", "contacts", "notes", "agency_referrals", "timeline")
             if isinstance(detail.get(key), list)}
    return Seeded(page=f"/app/cases/{case_id}", endpoint=f"/cases/{case_id}", sub="bench-officer",
                  roles=("sustainment_officer",), shape={"case_reference": detail.get("reference"), **shape,
                                                          "response_bytes": len(json.dumps(detail))})


def sustainment_env(harness: ServiceHarness) -> dict:
    return {"CASEWORK_SUSTAINMENT_DATABASE_URL": harness.database_url}


def _service(name: str):
    module = __import__(f"{name}.service", fromlist=["SERVICE"])
    return module.SERVICE


PAIRS = (
    Pair("inbox", "notifications", "/app/inbox", seed_inbox, notifications_env),
    Pair("triage queue", "intake", "/app/referrals", seed_queue, intake_env),
    Pair("case page", "sustainment", "/app/cases/<key>", seed_case, sustainment_env),
)


# -- measuring --------------------------------------------------------------------------------------


def _round(port: int, path: str, headers: dict, seconds: float) -> dict:
    return closed_loop(port, lambda n: ("GET", path, b"", headers), clients=CLIENTS, seconds=seconds,
                       warmup=0.5, prepared=1).figures()


def _bytes(port: int, path: str, headers: dict) -> int:
    """The size of one answer's body."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request("GET", path, headers=headers)
        return len(conn.getresponse().read())
    finally:
        conn.close()


def _median(rounds: list[dict], key: str) -> float | None:
    values = [r[key] for r in rounds if r[key] is not None]
    return round(statistics.median(values), 2) if values else None


def measure(pair: Pair, seconds: float) -> dict:
    service = _service(pair.service)
    logging.getLogger("casework").setLevel(logging.WARNING)  # the seeding's thousands of request lines
    with ServiceHarness(service, POSTGRES, BROKER) as harness:
        rules = {rule.rule for rule in harness.app.url_map.iter_rules()}
        if pair.page_rule not in rules:
            shown = pair.page_rule.replace("<key>", "{id}")
            return {"skipped": f"{pair.service} has no page at {shown} in this checkout "
                               "(its pages are not merged)"}
        started = time.perf_counter()
        seeded = pair.seed(harness)
        seeded_s = round(time.perf_counter() - started, 1)
        with psycopg.connect(harness.database_url, autocommit=True) as conn:
            conn.execute("VACUUM ANALYZE")
        port = processes.free_port()
        api = processes.gunicorn(f"services/{pair.service}/gunicorn.conf.py", port,
                                 {"CASEWORK_JWT_SECRET": TEST_SECRET, **pair.env(harness)})
        try:
            measured = compare(port, seeded, seconds)
            memory = processes.rss_mb(api)
        finally:
            processes.stop(api)
    return {"seeded": seeded.shape, "seeded_in_s": seeded_s, **measured, "memory_mb_after": memory}


def compare(port: int, seeded: Seeded, seconds: float) -> dict:
    """One page beside its JSON endpoint on a running api: warmed, then ``ROUNDS`` alternating
    rounds; the medians, the p95 ratio and whether the targets are met (or ``skipped``)."""
    headers = {"Authorization": f"Bearer {token(seeded.sub, *seeded.roles)}"}
    page_headers = {**headers, "Accept": "text/html"}
    first = closed_loop(port, lambda n: ("GET", seeded.page, b"", page_headers), clients=1, seconds=0.5,
                        warmup=0, prepared=1).figures()
    if first["statuses"].get(404) or not first["ok"]:
        return {"skipped": f"{seeded.page} answered {first['statuses']} (not a page in this checkout)"}
    for path, asked in ((seeded.page, page_headers), (seeded.endpoint, headers)):  # warm both, every worker
        _round(port, path, asked, 1.0)
    sizes = {"page": _bytes(port, seeded.page, page_headers), "json": _bytes(port, seeded.endpoint, headers)}
    rounds: dict[str, list[dict]] = {"page": [], "json": []}
    for _ in range(ROUNDS):
        rounds["page"].append(_round(port, seeded.page, page_headers, seconds))
        rounds["json"].append(_round(port, seeded.endpoint, headers, seconds))
    figures = {}
    for kind, measured in rounds.items():
        figures[kind] = {"path": seeded.page if kind == "page" else seeded.endpoint, "bytes": sizes[kind],
                         "p50_ms": _median(measured, "p50_ms"), "p95_ms": _median(measured, "p95_ms"),
                         "per_s": _median(measured, "throughput_per_s"),
                         "rounds": [{k: r[k] for k in ("requests", "statuses", "p50_ms", "p95_ms", "p99_ms")}
                                    for r in measured],
                         "load_generator_cpu_ms_per_request": _median(measured, "load_generator_cpu_ms_per_request")}
    page, endpoint = figures["page"], figures["json"]
    errors = [s for kind in rounds.values() for r in kind for s in r["statuses"] if s >= 400]
    ratio = round(page["p95_ms"] / endpoint["p95_ms"], 2) if page["p95_ms"] and endpoint["p95_ms"] else None
    return {"page": page, "json": endpoint, "p95_ratio": ratio, "errors": sorted(set(errors)),
            "met": not errors and page["p95_ms"] is not None and page["p95_ms"] < TARGET_P95_MS
            and ratio is not None and ratio <= TARGET_RATIO}


def main(seconds: float = SECONDS) -> dict:
    started = time.monotonic()
    pairs = {}
    for pair in PAIRS:
        pairs[pair.name] = measure(pair, seconds)
        print(pair.name, json.dumps({k: v for k, v in pairs[pair.name].items() if k in ("skipped", "page", "json",
                                                                                        "p95_ratio", "met")})[:600])
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True,
                            cwd=Path(__file__).resolve().parent).stdout.strip()
    result = {"commit": commit, "clients": CLIENTS, "rounds": ROUNDS, "seconds_per_round": seconds,
              "targets": {"page_p95_ms_under": TARGET_P95_MS, "page_p95_within_x_of_json": TARGET_RATIO},
              "pages": pairs, "took_s": round(time.monotonic() - started)}
    print(write("pages", result))
    return result


if __name__ == "__main__":
    main(*(float(a) for a in sys.argv[1:2]))
