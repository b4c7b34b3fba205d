"""The minimal pipeline `make bench` measures the system against (bench/minimal_pipeline.py) takes
referrals from HTTP to rows in its second database, each once, and e2e.py's own measuring of a
rate reads it right: so the baseline cannot rot between benchmark runs. Real PostgreSQL, RabbitMQ
and gunicorn; a few seconds."""

from __future__ import annotations

import json
import sys
import urllib.error
import urllib.request
from pathlib import Path

import psycopg
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))

pytestmark = pytest.mark.slow


def test_referrals_reach_the_second_database_once_each(postgres_url, broker_url, monkeypatch):
    import e2e
    import minimal_pipeline
    import processes
    from referrals import request_maker

    # The benchmark's CPU reading finds the servers by the ports of the URLs it runs against.
    monkeypatch.setattr(processes, "POSTGRES", postgres_url)
    monkeypatch.setattr(processes, "BROKER", broker_url)
    with minimal_pipeline.MinimalPipeline(postgres_url, broker_url) as pipeline:
        http, figures = e2e.run_rate(pipeline, request_maker(None), rate=20, seconds=1.5, offset=0)

        assert http["errors"] == 0 and http["statuses"] == {201: 30}
        assert figures["referrals"] == figures["tasks"] == 30, figures
        assert figures["p99_ms"] is not None and figures["p99_ms"] < 10_000
        cpu = figures["cpu_ms_per_referral"]
        assert {"minimal-api", "postgresql", "rabbitmq"} <= set(cpu), cpu
        assert cpu["pipeline"] > 0 and not pipeline.exited(), pipeline.logs()
        with psycopg.connect(pipeline.database_urls["referrals"]) as conn:
            assert conn.execute("SELECT count(*) FROM referrals").fetchone()[0] == 30
            assert conn.execute("SELECT count(*) FROM outbox").fetchone()[0] == 0  # every one relayed
        with psycopg.connect(pipeline.database_urls["tasks"]) as conn:
            assert conn.execute("SELECT count(*) FROM tasks").fetchone()[0] == 30
        refused = urllib.request.Request(f"http://127.0.0.1:{pipeline.port}/referrals", data=b'{"reasons": "x"}',
                                         headers={"Content-Type": "application/json"}, method="POST")
        with pytest.raises(urllib.error.HTTPError) as answer:
            urllib.request.urlopen(refused, timeout=10)
        assert answer.value.code == 422 and "source" in json.loads(answer.value.read())
        names = pipeline.database_names
    with psycopg.connect(postgres_url) as conn:  # closing drops what it made
        assert conn.execute("SELECT count(*) FROM pg_database WHERE datname = ANY(%s)", (names,)).fetchone()[0] == 0
