"""End to end: from POST /referrals to the triage task existing in notifications, with every
service running as real processes (casework.system), at fixed arrival rates.

Latency is the task's ``created_at`` (notifications' database) minus the time the request was
scheduled to start (same machine clock). Then a step test: the highest rate whose backlog
(referrals without their task) does not grow while it runs.

    .venv/bin/python bench/e2e.py [seconds]
"""

from __future__ import annotations

import json
import sys
import tempfile
import time
from urllib.parse import urlsplit

import psycopg

from casework.system import System
from casework.testing import token

sys.path.insert(0, str(__import__("pathlib").Path(__file__).resolve().parent))
import processes  # noqa: E402
from common import BROKER, POSTGRES, write  # noqa: E402
from load import open_loop  # noqa: E402
from referrals import request_maker  # noqa: E402

RATES = (50, 200)
STEPS = (50, 100, 150, 200, 250)


def task_times(system: System, ids: list[str]) -> dict[str, float]:
    with psycopg.connect(system.database_urls["notifications"]) as conn:
        rows = conn.execute("SELECT subject_id, extract(epoch FROM created_at) FROM tasks "
                            "WHERE subject_type = 'referral' AND subject_id = ANY(%s)", (ids,)).fetchall()
    return {subject: float(at) for subject, at in rows}


def run_rate(system: System, port: int, rate: float, seconds: float, offset: int) -> tuple[dict, dict, dict]:
    sent: dict[str, float] = {}
    make = request_maker(f"Bearer {token('bench-system', 'referrer')}")

    def noted(n: int, status: int, body: bytes, scheduled_wall: float) -> None:
        if status == 201:
            sent[json.loads(body)["id"]] = scheduled_wall

    http = open_loop(port, lambda n: make(offset + n), rate=rate, seconds=seconds, on_answer=noted).figures()
    backlog_at_end = len(sent) - len(task_times(system, list(sent)))
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and len(task_times(system, list(sent))) < len(sent):
        time.sleep(0.5)
    created = task_times(system, list(sent))
    latencies = sorted(created[i] - sent[i] for i in created)

    def pct(p: float) -> float | None:
        return round(latencies[min(len(latencies) - 1, int(len(latencies) * p))] * 1000, 1) if latencies else None

    e2e = {"referrals": len(sent), "tasks": len(created), "p50_ms": pct(0.5), "p95_ms": pct(0.95),
           "p99_ms": pct(0.99), "backlog_when_arrivals_stopped": backlog_at_end}
    return {k: http[k] for k in ("requests", "statuses", "errors", "p50_ms", "p99_ms")}, e2e, sent


def main(seconds: float = 15.0) -> dict:
    with System.for_tests(POSTGRES, BROKER, log_dir=tempfile.mkdtemp(prefix="bench-e2e-"), api_workers=2) as system:
        system.start(timeout=90)
        port = urlsplit(system.url("intake")).port
        rates, offset = {}, 0
        for rate in RATES:
            http, e2e, _ = run_rate(system, port, rate, seconds, offset)
            offset += 10_000_000
            rates[f"{rate}_per_s"] = {"post": http, "to_task": e2e}
        steps, highest = {}, None
        for rate in STEPS:
            http, e2e, _ = run_rate(system, port, rate, seconds / 1.5, offset)
            offset += 10_000_000
            holds = e2e["backlog_when_arrivals_stopped"] <= rate * 0.5 and not http["errors"] \
                and http["statuses"].get(201, 0) >= rate * seconds / 1.5 * 0.98 and (e2e["p99_ms"] or 1e9) < 2000
            steps[f"{rate}_per_s"] = {"holds": holds, **e2e, "post_p99_ms": http["p99_ms"]}
            if not holds:
                break
            highest = rate
        memory = {}
        for name, process in system.processes.items():
            try:
                memory[name] = processes.rss_mb(process.popen)
            except Exception as exc:  # a process that has gone is worth reporting, not hiding
                memory[name] = {"error": type(exc).__name__}
    result = {
        "seconds_per_rate": seconds, "api": "2 gunicorn workers x 4 threads per service; one worker process each",
        "rates": rates, "steps": steps, "highest_rate_that_held": highest,
        "targets": {"p99_at_50_per_s_ms": 50, "sustained_per_s": 250},
        "met": {"p99_at_50": (rates["50_per_s"]["to_task"]["p99_ms"] or 1e9) < 50,
                "sustained_250": highest is not None and highest >= 250},
        "memory_mb_after": memory,
    }
    print(write("e2e", result))
    print(json.dumps({k: result[k] for k in ("rates", "highest_rate_that_held", "met")}))
    return result


if __name__ == "__main__":
    main(*(float(a) for a in sys.argv[1:2]))
