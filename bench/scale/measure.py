"""Each probe of a service, over its large database, beside the same query in plain SQL.

A probe is one thing an officer, a manager or a partner system asks for: a list endpoint with its
filters, a report, a page. Its answer time is measured against the service's api under gunicorn
(the service's own ``gunicorn.conf.py``) with ``CLIENTS`` keep-alive clients, alternating in
``ROUNDS`` rounds with its baseline: the same rows read by the same query in plain SQL, on the
same database, by as many threads as clients. Medians of the rounds' p50 and p95.
"""

from __future__ import annotations

import statistics
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import processes
from load import closed_loop
from sqlalchemy import text

from casework_dev.testing import TEST_SECRET, token

from .store import database_url, engine

CLIENTS = 4
ROUNDS = 3
TARGET_MS = 100.0
PAGE_TARGET_MS = 150.0


@dataclass
class Probe:
    """One request measured beside its plain SQL."""

    #: In the officers' words: "triage queue", "referrals by postcode".
    name: str
    path: str
    #: The same rows in plain SQL (SQLAlchemy ``text``: ``:name`` parameters), or None where there
    #: is no single query to set beside it (then the probe is reported alone).
    sql: str | None
    params: dict = field(default_factory=dict)
    sub: str = "bench-officer"
    roles: tuple[str, ...] = ("admin",)
    #: An officers' page (asked for as text/html; the target is PAGE_TARGET_MS).
    page: bool = False
    #: Where SQLite needs other SQL than PostgreSQL.
    sqlite_sql: str | None = None

    @property
    def target_ms(self) -> float:
        return PAGE_TARGET_MS if self.page else TARGET_MS

    def headers(self) -> dict:
        found = {"Authorization": f"Bearer {token(self.sub, *self.roles)}"}
        if self.page:
            found["Accept"] = "text/html"
        return found


def serve(name: str, backend: str, env: dict | None = None):
    """The service's api under gunicorn over its large database: (process, port)."""
    port = processes.free_port()
    api = processes.gunicorn(f"services/{name}/gunicorn.conf.py", port, {
        "CASEWORK_JWT_SECRET": TEST_SECRET, f"CASEWORK_{name.upper()}_DATABASE_URL": database_url(name, backend),
        "CASEWORK_INTAKE_RATE_LIMIT": "", **(env or {})})
    return api, port


def http_round(port: int, probe: Probe, seconds: float, clients: int = CLIENTS) -> dict:
    headers = probe.headers()
    return closed_loop(port, lambda n: ("GET", probe.path, b"", headers), clients=clients, seconds=seconds,
                       warmup=0.3, prepared=1).figures()


def sql_round(plain, statement: str, params: dict, seconds: float, clients: int = CLIENTS) -> dict:
    """``statement`` run over and over by ``clients`` threads, each on its own connection."""
    times: list[float] = []
    lock = threading.Lock()
    stop = time.perf_counter() + seconds
    query = text(statement)

    def run() -> None:
        mine = []
        with plain.connect() as conn:
            conn.execute(query, params).fetchall()  # warm
            while True:  # at least one timed run, however slow: a query longer than the round still has a figure
                started = time.perf_counter()
                conn.execute(query, params).fetchall()
                mine.append(time.perf_counter() - started)
                if time.perf_counter() >= stop:
                    break
            conn.rollback()
        with lock:
            times.extend(mine)

    threads = [threading.Thread(target=run) for _ in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return percentiles(times)


def percentiles(seconds: list[float]) -> dict:
    if not seconds:
        return {"requests": 0, "p50_ms": None, "p95_ms": None, "p99_ms": None}
    ordered = sorted(seconds)

    def at(q: float) -> float:
        return round(ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000, 2)

    return {"requests": len(ordered), "p50_ms": at(0.5), "p95_ms": at(0.95), "p99_ms": at(0.99)}


def _median(rounds: list[dict], key: str) -> float | None:
    values = [r[key] for r in rounds if r.get(key) is not None]
    return round(statistics.median(values), 2) if values else None


def compare(port: int, backend: str, name: str, probe: Probe, seconds: float, plain=None) -> dict:
    """One probe beside its SQL: warmed, then ``ROUNDS`` alternating rounds; medians and the verdict."""
    first = http_round(port, probe, 2.0, clients=1)  # also warms the workers
    if not first["ok"]:
        return {"path": probe.path, "error": f"answered {first['statuses']}", "met": False}
    statement = (probe.sqlite_sql or probe.sql) if backend == "sqlite" else probe.sql
    rounds: dict[str, list[dict]] = {"api": [], "sql": []}
    for _ in range(ROUNDS):
        rounds["api"].append(http_round(port, probe, seconds))
        if statement and plain is not None:
            rounds["sql"].append(sql_round(plain, statement, probe.params, seconds))
    api = {"p50_ms": _median(rounds["api"], "p50_ms"), "p95_ms": _median(rounds["api"], "p95_ms"),
           "p99_ms": _median(rounds["api"], "p99_ms"), "per_s": _median(rounds["api"], "throughput_per_s"),
           "statuses": sorted({s for r in rounds["api"] for s in r["statuses"]})}
    sql = ({"p50_ms": _median(rounds["sql"], "p50_ms"), "p95_ms": _median(rounds["sql"], "p95_ms")}
           if rounds["sql"] else None)
    errors = [s for s in api["statuses"] if s >= 400]
    return {"path": probe.path, "page": probe.page, "api": api, "sql": sql,
            "p95_x_sql": round(api["p95_ms"] / sql["p95_ms"], 2) if sql and sql["p95_ms"] and api["p95_ms"] else None,
            "target_p95_ms": probe.target_ms,
            "met": not errors and api["p95_ms"] is not None and api["p95_ms"] < probe.target_ms}


def measure(name: str, backend: str, probes: list[Probe], seconds: float, only: str | None = None,
            log: Callable[[str], None] = print) -> dict:
    """Every probe of one service, each beside its SQL, against one running api."""
    api, port = serve(name, backend)
    plain = engine(database_url(name, backend))
    found = {}
    try:
        warm(port, probes)
        for probe in probes:
            if only and only != probe.name:
                continue
            found[probe.name] = compare(port, backend, name, probe, seconds, plain)
            figures = found[probe.name]
            log(f"{name}/{backend} {probe.name}: api p95 {figures.get('api', {}).get('p95_ms')} ms, "
                f"sql p95 {(figures.get('sql') or {}).get('p95_ms')} ms, met {figures['met']}")
        memory = processes.rss_mb(api)
    finally:
        processes.stop(api)
        plain.dispose()
    return {"probes": found, "memory_mb_after": memory}


def warm(port: int, probes: list[Probe], seconds: float = 60.0) -> None:
    """Every worker past its first request before anything is timed: a cold worker's first request
    sets up the mappers and the templates (a quarter to half a second, seconds on a loaded machine),
    which fell into the first probe's rounds. The first probe from ``CLIENTS`` clients until three
    rounds in a row answer."""
    deadline = time.perf_counter() + seconds
    answered = 0
    while probes and answered < 3 and time.perf_counter() < deadline:
        answered = answered + 1 if http_round(port, probes[0], 1.0)["ok"] else 0


def latency_while(port: int, probe: Probe, action: Callable[[], dict], before_s: float = 5.0) -> dict:
    """An api's answer times (p99) while ``action`` runs (a retention sweep, a subject-access
    export), beside the same api's for ``before_s`` just before it: does the action stall the api?"""
    before = http_round(port, probe, before_s, clients=2)
    done: dict = {}
    during: dict = {}

    def load() -> None:
        # Enough rounds to cover the action; each short, so the figure is of the action's time only.
        rounds = []
        while "took_s" not in done:
            rounds.append(http_round(port, probe, 1.0, clients=2))
        during.update({"requests": sum(r["requests"] for r in rounds),
                       "p99_ms": max((r["p99_ms"] for r in rounds if r["p99_ms"] is not None), default=None),
                       "statuses": sorted({s for r in rounds for s in r["statuses"]})})

    loader = threading.Thread(target=load)
    loader.start()
    started = time.perf_counter()
    try:
        result = action()
    finally:
        done["took_s"] = round(time.perf_counter() - started, 2)
        loader.join()
    return {"took_s": done["took_s"], "result": result, "api_path": probe.path,
            "api_p99_ms_before": before["p99_ms"], "api_p99_ms_during": during.get("p99_ms"),
            "api_statuses_during": during.get("statuses")}


def check(port: int, backend: str, name: str, probes: list[Probe]) -> dict[str, str]:
    """Each probe asked once and its SQL run once (the suite's smoke test): what failed, by name."""
    import http.client

    failed = {}
    plain = engine(database_url(name, backend))
    try:
        for probe in probes:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            try:
                conn.request("GET", probe.path, headers=probe.headers())
                answer = conn.getresponse()
                body = answer.read()
                if answer.status != 200:
                    failed[probe.name] = f"{probe.path} answered {answer.status}: {body[:300]!r}"
                    continue
            finally:
                conn.close()
            statement = (probe.sqlite_sql or probe.sql) if backend == "sqlite" else probe.sql
            if statement:
                with plain.connect() as db:
                    try:
                        db.execute(text(statement), probe.params).fetchall()
                    except Exception as error:  # noqa: BLE001 - reported by probe name
                        failed[probe.name] = f"its SQL failed: {error}"
    finally:
        plain.dispose()
    return failed
