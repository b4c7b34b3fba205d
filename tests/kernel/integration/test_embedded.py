"""Embedded mode: the same outbox, relay, consumer, inbox and timers on SQLite and kombu's
in-process broker, with no servers at all."""

import dataclasses
import uuid

from casework import events
from casework.bus import Publisher, list_parked, replay
from casework.db import Database
from casework.web import create_app
from casework.worker import Worker
from casework_dev.testing import bearer, test_settings, wait_until
from sample.bus import effect_count
from sample.service import FLAKY, SERVICE, create_tables


class Embedded:
    def __init__(self, tmp_path):
        namespace = f"e{uuid.uuid4().hex[:8]}"
        self.settings = dataclasses.replace(
            test_settings("sample", database_url=f"sqlite:///{tmp_path / 'sample.db'}", broker_url="memory://",
                          namespace=namespace),
            retry_delays=(1,),
        )
        create_tables(self.settings.database_url)
        self.db = Database(self.settings.database_url)
        self.client = create_app(SERVICE, settings=self.settings, db=self.db).test_client()
        self.worker = Worker(SERVICE, self.settings, self.db)

    def start_worker(self) -> None:
        """Start the worker and wait until its queue is declared and consumed: the in-process
        broker drops what is published to an exchange with no queue bound yet."""
        self.worker.start()
        assert self.worker.consuming(), "the consumer did not start consuming"


def test_an_api_write_takes_effect_through_the_in_process_broker(tmp_path):
    app = Embedded(tmp_path)
    app.start_worker()
    try:
        r = app.client.post("/notes", json={"text": "x"}, headers=bearer("o", "intake_officer"))
        assert r.status_code == 201
        wait_until(lambda: effect_count(app, "slow") == 1, message="the chained event on SQLite")
        assert effect_count(app, "created") == 1
    finally:
        app.worker.stop()


def test_a_failing_handler_is_retried_then_parked_and_replayed_in_embedded_mode(tmp_path):
    app = Embedded(tmp_path)
    FLAKY["failing"] = True
    app.start_worker()
    try:
        flaky = events.make("sample.note.flaky.v1", subject="n", data={"note_id": str(uuid.uuid4())})
        publisher = Publisher(app.settings)
        publisher.publish_many([(flaky.routing_key, flaky.to_json(), flaky.id)])
        parked = wait_until(lambda: list_parked(app.settings, "sample"), timeout=10)
        assert parked[0]["attempts"] == 2 and parked[0]["reason"] == "handler_failed"
        FLAKY["failing"] = False
        assert replay(app.settings, "sample") == 1
        wait_until(lambda: effect_count(app, "flaky") == 1)
    finally:
        FLAKY["failing"] = True
        app.worker.stop()


def test_data_survives_a_restart(tmp_path):
    first = Embedded(tmp_path)
    note = first.client.post("/notes", json={"text": "kept"}, headers=bearer("o", "intake_officer")).json
    first.db.dispose()
    again = Embedded(tmp_path)
    assert again.client.get(f"/notes/{note['id']}", headers=bearer("o", "intake_officer")).json["text"] == "kept"


def test_the_embedded_worker_gives_sqlite_its_planner_statistics_at_start(tmp_path):
    from sqlalchemy import text

    app = Embedded(tmp_path)
    app.start_worker()
    try:
        def analysed() -> bool:
            with app.db.transaction() as session:
                return bool(session.scalar(text("SELECT count(*) FROM sqlite_master WHERE name = 'sqlite_stat1'")))
        wait_until(analysed, message="ANALYZE by the worker's planner_statistics timer")
    finally:
        app.worker.stop()
