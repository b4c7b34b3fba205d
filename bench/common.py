"""Shared by the benchmarks: where results go, and a record of the machine they ran on."""

from __future__ import annotations

import datetime as dt
import json
import os
import platform
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "results"
POSTGRES = os.environ.get("CASEWORK_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
BROKER = os.environ.get("CASEWORK_TEST_BROKER_URL", "amqp://guest:guest@127.0.0.1:5672//")


def machine() -> dict:
    return {"python": platform.python_version(), "cpus": os.cpu_count(), "platform": platform.platform()}


def write(name: str, figures: dict) -> Path:
    RESULTS.mkdir(exist_ok=True)
    path = RESULTS / f"{name}.json"
    record = {"benchmark": name, "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
              "machine": machine(), "load_average_at_end": [round(x, 1) for x in os.getloadavg()], **figures}
    path.write_text(json.dumps(record, indent=2) + "\n")
    return path


def settle() -> None:
    """Start a benchmark from a quiet server: write out what the last one left dirty (the
    shortlist seeds 100,000 applicants), so its checkpoint does not land in the next one's run."""
    import psycopg

    with psycopg.connect(POSTGRES, autocommit=True) as conn:
        conn.execute("CHECKPOINT")



def analyse(*urls: str) -> None:
    """Planner statistics as autovacuum keeps them in a service that has run a while: tables that
    grew from empty within the benchmark otherwise keep plans made for empty tables."""
    import psycopg

    for url in urls:
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute("ANALYZE")
