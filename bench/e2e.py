"""End to end: from POST /referrals to the triage task existing in notifications, with every
service running as real processes (casework_dev.system), at fixed arrival rates.

Latency is the task's ``created_at`` (notifications' database) minus the time the request was
scheduled to start (same machine clock). A few seconds of traffic first warm the processes up
(connection pools filled, statements prepared), as in any service that has been running a while.

Then the highest rate that holds for 60 s: short probes at rising rates find the candidate, and
the candidate (else the next lower) must then run 60 s with its backlog (referrals without
their task, sampled every 5 s) not growing and under half a second of arrivals when they stop.

    .venv/bin/python bench/e2e.py [seconds]
"""

from __future__ import annotations

import json
import sys
import tempfile
import threading
import time
from urllib.parse import urlsplit

import psycopg

from casework_dev.system import System
from casework_dev.testing import token

sys.path.insert(0, str(__import__("pathlib").Path(__file__).resolve().parent))
import processes  # noqa: E402
from common import BROKER, POSTGRES, analyse, write  # noqa: E402
from load import open_loop  # noqa: E402
from referrals import request_maker  # noqa: E402

RATES = (50, 200)
STEPS = (50, 100, 150, 200, 250, 300)
WARM_UP_SECONDS = 5
PROBE_SECONDS = 10
HOLD_SECONDS = 60
#: The settings a deployment runs with, not the tests' (which poll five times a second so that
#: tests finish sooner: four workers' relays and timer sweepers then burned ~9% of a core idle).
#: What the images run (casework.gunicorn); the tests' systems run 4.
API_THREADS = 8
PRODUCTION_POLLING = {"CASEWORK_RELAY_POLL_SECONDS": "1.0", "CASEWORK_TIMER_POLL_SECONDS": "1.0"}


def cpu_per_referral(before: dict[str, float], after: dict[str, float], referrals: int) -> dict[str, float]:
    """Milliseconds of CPU per referral in each process that used any, and the whole machine's."""
    spent = {name: (after[name] - before.get(name, 0.0)) * 1000 / max(referrals, 1) for name in after}
    busy = {name: round(ms, 2) for name, ms in sorted(spent.items(), key=lambda kv: -kv[1]) if ms >= 0.05}
    return {**busy, "all": round(sum(spent.values()), 2)}


def task_times(system: System, ids: list[str]) -> dict[str, float]:
    with psycopg.connect(system.database_urls["notifications"]) as conn:
        rows = conn.execute("SELECT subject_id, extract(epoch FROM created_at) FROM tasks "
                            "WHERE subject_type = 'referral' AND subject_id = ANY(%s)", (ids,)).fetchall()
    return {subject: float(at) for subject, at in rows}


def run_rate(system: System, port: int, rate: float, seconds: float, offset: int) -> tuple[dict, dict, dict]:
    sent: dict[str, float] = {}
    make = request_maker(f"Bearer {token('bench-system', 'referrer')}")
    backlog: list[int] = []
    done = threading.Event()

    def noted(n: int, status: int, body: bytes, scheduled_wall: float) -> None:
        if status == 201:
            sent[json.loads(body)["id"]] = scheduled_wall

    def sample() -> None:  # referrals answered but without their task yet, every 5 s
        while not done.wait(5):
            ids = list(sent)
            backlog.append(len(ids) - len(task_times(system, ids)))

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    cpu_before = processes.cpu_seconds(system.processes)
    http = open_loop(port, lambda n: make(offset + n), rate=rate, seconds=seconds, on_answer=noted).figures()
    done.set()
    sampler.join()
    # Counted until the backlog is worked off, so the consumers' share is all in.
    backlog_at_end = len(sent) - len(task_times(system, list(sent)))
    # Until every referral has its task, so that the next run starts from an empty queue.
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and len(task_times(system, list(sent))) < len(sent):
        time.sleep(0.5)
    created = task_times(system, list(sent))
    cpu = cpu_per_referral(cpu_before, processes.cpu_seconds(system.processes), len(sent))
    latencies = sorted(created[i] - sent[i] for i in created)

    def pct(p: float) -> float | None:
        return round(latencies[min(len(latencies) - 1, int(len(latencies) * p))] * 1000, 1) if latencies else None

    e2e = {"referrals": len(sent), "tasks": len(created), "p50_ms": pct(0.5), "p95_ms": pct(0.95),
           "p99_ms": pct(0.99), "backlog_every_5_s": backlog, "backlog_when_arrivals_stopped": backlog_at_end,
           "cpu_ms_per_referral": cpu}
    return {k: http[k] for k in ("requests", "statuses", "errors", "p50_ms", "p99_ms")}, e2e, sent


def holds(rate: float, seconds: float, http: dict, e2e: dict) -> bool:
    """Every request answered 201, the task p99 under 2 s, and the backlog not growing: under half
    a second of arrivals when they stop."""
    return (not http["errors"] and http["statuses"].get(201, 0) >= rate * seconds * 0.98
            and e2e["backlog_when_arrivals_stopped"] <= rate * 0.5 and (e2e["p99_ms"] or 1e9) < 2000)


def main(seconds: float = 15.0) -> dict:
    with System.for_tests(POSTGRES, BROKER, log_dir=tempfile.mkdtemp(prefix="bench-e2e-"), api_workers=2,
                          api_threads=API_THREADS, env=PRODUCTION_POLLING) as system:
        system.start(timeout=90)
        port = urlsplit(system.url("intake")).port
        offset = 0

        def run(rate: float, length: float) -> tuple[dict, dict]:
            nonlocal offset
            # Without it the duplicate check and the live-task look-up kept the sequential scans
            # planned while their tables were empty: a 60 s hold at 150/s ran 6,000 of each,
            # reading 17 and 19 million rows, and fell behind.
            analyse(*system.database_urls.values())
            http, e2e, _ = run_rate(system, port, rate, length, offset)
            offset += 10_000_000
            return http, e2e

        run(RATES[0], WARM_UP_SECONDS)
        rates = {}
        for rate in RATES:
            http, e2e = run(rate, seconds)
            rates[f"{rate}_per_s"] = {"post": http, "to_task": e2e}
        probes, candidates = {}, []
        for rate in STEPS:
            http, e2e = run(rate, PROBE_SECONDS)
            probes[f"{rate}_per_s"] = {"holds": holds(rate, PROBE_SECONDS, http, e2e), **e2e,
                                       "post_p99_ms": http["p99_ms"]}
            if not probes[f"{rate}_per_s"]["holds"]:
                break
            candidates.insert(0, rate)
        sustained, highest = {}, None
        for rate in candidates[:2]:  # the highest probe that held, else the one below it
            http, e2e = run(rate, HOLD_SECONDS)
            sustained[f"{rate}_per_s"] = {"holds": holds(rate, HOLD_SECONDS, http, e2e), **e2e,
                                          "post_p99_ms": http["p99_ms"]}
            if sustained[f"{rate}_per_s"]["holds"]:
                highest = rate
                break
        memory = {}
        for name, process in system.processes.items():
            try:
                memory[name] = processes.rss_mb(process.popen)
            except Exception as exc:  # a process that has gone is worth reporting, not hiding
                memory[name] = {"error": type(exc).__name__}
    result = {
        "seconds_per_rate": seconds, "warm_up_seconds": WARM_UP_SECONDS,
        "api": f"2 gunicorn workers x {API_THREADS} threads per service; one worker process each",
        "rates": rates, "probes_seconds": PROBE_SECONDS, "probes": probes,
        "hold_seconds": HOLD_SECONDS, "held": sustained, "highest_rate_held_60_s": highest,
        "targets": {"p99_at_50_per_s_ms": 50, "sustained_per_s": 250},
        "met": {"p99_at_50": (rates["50_per_s"]["to_task"]["p99_ms"] or 1e9) < 50,
                "sustained_250": highest is not None and highest >= 250},
        "memory_mb_after": memory,
    }
    print(write("e2e", result))
    print(json.dumps({k: result[k] for k in ("rates", "highest_rate_held_60_s", "met")}))
    return result


if __name__ == "__main__":
    main(*(float(a) for a in sys.argv[1:2]))
