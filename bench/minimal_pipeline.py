"""The minimal pipeline: the simplest code that takes a referral from an HTTP request to a row in a
second database through an outbox and RabbitMQ. It is the baseline e2e.py measures the whole
system against in the same run (the highest rate held 60 s, CPU per referral at 200/s).

    POST /referrals   minimal_app.py, bare Flask under intake's gunicorn settings: the body
                      checked, the referral's row and an outbox row in one transaction (psycopg)
    outbox → broker   minimal_relay.py: rows taken FOR UPDATE SKIP LOCKED, each published with a
                      publisher confirm, deleted in the same transaction
    broker → row      minimal_consumer.py (kombu): a task row in the second database per message,
                      ON CONFLICT DO NOTHING, committed, then acknowledged

Nothing is lost (the outbox row commits with the referral; a message is deleted from the outbox
only once confirmed, acknowledged only once its row is committed) and a redelivery writes nothing.
What it leaves out, and the system does: authentication, problem details, idempotency keys, the
audit trail, risk scoring and triage deadlines, CloudEvents and their contracts, an inbox table,
retries and parking, quorum queues (a durable classic queue here), metrics, logs and tracing.

    .venv/bin/python bench/minimal_pipeline.py [rate] [seconds]   (a quick look, not a benchmark)
"""

from __future__ import annotations

import sys
import tempfile
import uuid
from pathlib import Path
from urllib.parse import urlsplit

import psycopg
from kombu import Connection, Exchange, Queue

sys.path.insert(0, str(Path(__file__).resolve().parent))
import processes  # noqa: E402

SOURCE_TABLES = """
CREATE TABLE referrals (id uuid PRIMARY KEY, body jsonb NOT NULL,
                        received_at timestamptz NOT NULL DEFAULT now());
CREATE TABLE outbox (id bigserial PRIMARY KEY, routing_key text NOT NULL, body text NOT NULL);
"""
TASK_TABLES = """
CREATE TABLE tasks (referral_id uuid PRIMARY KEY, created_at timestamptz NOT NULL DEFAULT now());
"""


class MinimalPipeline:
    """The three processes on two fresh databases and a queue of their own, until ``close``.

    Shaped like what e2e.py measures of the whole system: ``port`` (POST /referrals),
    ``processes`` (name → process, for their CPU), ``database_names`` and ``done_at(ids)``.
    """

    def __init__(self, postgres_url: str, broker_url: str) -> None:
        from casework_dev.testing import create_database

        self.broker_url = broker_url
        namespace = f"b{uuid.uuid4().hex[:8]}"
        self.exchange = Exchange(f"{namespace}.minimal", type="topic", durable=True)
        self.queue = Queue(f"{namespace}.minimal.tasks", exchange=self.exchange, routing_key="referral.received",
                           durable=True)
        self.database_urls = {"referrals": create_database(postgres_url, prefix="cw_bench_minimal"),
                              "tasks": create_database(postgres_url, prefix="cw_bench_minimal_tasks")}
        self.database_names = [urlsplit(url).path.lstrip("/") for url in self.database_urls.values()]
        self.port = processes.free_port()
        self.processes: dict[str, object] = {}
        self.log_dir = Path(tempfile.mkdtemp(prefix="bench-minimal-"))

    def start(self) -> MinimalPipeline:
        for name, tables in (("referrals", SOURCE_TABLES), ("tasks", TASK_TABLES)):
            with psycopg.connect(self.database_urls[name], autocommit=True) as conn:
                conn.execute(tables)
        with Connection(self.broker_url) as conn:
            self.queue(conn.default_channel).declare()  # the exchange, the queue and its binding
        env = {"MINIMAL_DATABASE_URL": self.database_urls["referrals"],
               "MINIMAL_TASKS_DATABASE_URL": self.database_urls["tasks"], "MINIMAL_BROKER_URL": self.broker_url,
               "MINIMAL_EXCHANGE": self.exchange.name, "MINIMAL_QUEUE": self.queue.name}
        bench = Path(__file__).resolve().parent
        self.processes["minimal-relay"] = processes.start([sys.executable, str(bench / "minimal_relay.py")], env,
                                                          log=self.log_dir / "relay.log")
        self.processes["minimal-consumer"] = processes.start([sys.executable, str(bench / "minimal_consumer.py")],
                                                             env, log=self.log_dir / "consumer.log")
        self.processes["minimal-api"] = processes.gunicorn(
            "services/intake/gunicorn.conf.py", self.port, env, ["--chdir", "bench", "minimal_app:create_app()"],
            log=self.log_dir / "api.log")
        return self

    def done_at(self, ids: list[str]) -> dict[str, float]:
        """When each referral's task row was written (epoch seconds), for those that have one."""
        with psycopg.connect(self.database_urls["tasks"]) as conn:
            rows = conn.execute("SELECT referral_id::text, extract(epoch FROM created_at) FROM tasks "
                                "WHERE referral_id = ANY(%s::uuid[])", (ids,)).fetchall()
        return {referral: float(at) for referral, at in rows}

    def exited(self) -> list[str]:
        return [name for name, proc in self.processes.items() if proc.poll() is not None]

    def logs(self) -> str:
        return "\n".join(f"--- {path.name}\n{path.read_text()[-2000:]}" for path in sorted(self.log_dir.glob("*.log")))

    def close(self) -> None:
        from casework_dev.testing import drop_database

        for proc in self.processes.values():
            processes.stop(proc)
        self.processes.clear()
        try:
            with Connection(self.broker_url) as conn:
                self.queue(conn.default_channel).delete()
                self.exchange(conn.default_channel).delete()
        finally:
            for url in self.database_urls.values():
                drop_database(url)

    def __enter__(self) -> MinimalPipeline:
        try:
            return self.start()
        except BaseException:
            self.close()
            raise

    def __exit__(self, *exc) -> None:
        self.close()


def main(rate: float = 50.0, seconds: float = 5.0) -> None:
    import json
    import time

    from common import BROKER, POSTGRES
    from load import open_loop
    from referrals import request_maker

    with MinimalPipeline(POSTGRES, BROKER) as pipeline:
        sent: list[str] = []
        http = open_loop(pipeline.port, request_maker(None), rate=rate, seconds=seconds,
                         on_answer=lambda n, status, body, at: sent.append(json.loads(body)["id"])).figures()
        deadline = time.monotonic() + 30
        while len(pipeline.done_at(sent)) < len(sent) and time.monotonic() < deadline:
            time.sleep(0.2)
        print(json.dumps({"post": http, "tasks": len(pipeline.done_at(sent)), "referrals": len(sent)}))


if __name__ == "__main__":
    main(*(float(a) for a in sys.argv[1:3]))
