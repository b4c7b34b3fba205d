"""Scheduling a timer whose key is new: one INSERT, no look-up, never a silent move."""

import datetime as dt
import logging
import threading
import time

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from casework import context, timers
from casework.db import Database, KernelBase, as_utc, utcnow
from casework.timers import Sweeper, Timer
from casework_dev.testing import create_database, drop_database


@pytest.fixture(params=["postgresql", "sqlite"])
def db(request, postgres_url, tmp_path):
    url = (create_database(postgres_url, prefix="cw_timers") if request.param == "postgresql"
           else f"sqlite:///{tmp_path}/timers.db")
    database = Database(url)
    KernelBase.metadata.create_all(database.engine, tables=[Timer.__table__])
    yield database
    database.dispose()
    if request.param == "postgresql":
        drop_database(url)


def pending(db):
    with db.transaction() as session:
        return [(t.kind, t.key, t.payload, t.correlation_id)
                for t in session.scalars(select(Timer).where(Timer.fired_at.is_(None)).order_by(Timer.key))]


def test_a_new_timer_is_scheduled_and_fires(db):
    with db.transaction() as session, context.bound(correlation_id="corr-1"):
        timers.schedule_new(session, "task.overdue", key="task_overdue:1", due_at=utcnow(), payload={"task_id": "1"})
        # The same transaction sees it, e.g. to cancel it.
        assert session.scalar(select(Timer.kind).where(Timer.key == "task_overdue:1")) == "task.overdue"
    assert pending(db) == [("task.overdue", "task_overdue:1", {"task_id": "1"}, "corr-1")]
    fired = []
    Sweeper(db, {"task.overdue": lambda session, timer: fired.append(timer.payload)}, service="sample").fire_due()
    assert fired == [{"task_id": "1"}]
    assert pending(db) == []


def test_a_key_already_taken_is_an_error_and_the_timer_is_not_moved(db):
    due = utcnow() + dt.timedelta(days=1)
    with db.transaction() as session:
        timers.schedule(session, "task.overdue", key="task_overdue:1", due_at=due, payload={"task_id": "1"})
    with db.transaction() as session:
        with pytest.raises(IntegrityError), session.begin_nested():
            timers.schedule_new(session, "email.send", key="task_overdue:1", due_at=utcnow(), payload={})
    assert pending(db) == [("task.overdue", "task_overdue:1", {"task_id": "1"}, None)]
    with db.transaction() as session:
        assert as_utc(session.scalar(select(Timer.due_at))) == due


def test_the_sweeper_waits_out_a_database_that_is_away_with_one_warning_and_no_traceback(caplog):
    # A real server address that refuses connections, as a primary does while it fails over.
    from casework_dev.processes import free_port

    away = Database(f"postgresql://postgres@127.0.0.1:{free_port()}/postgres?connect_timeout=1")
    sweeper = Sweeper(away, {}, service="sample", poll_seconds=0.05)
    thread = threading.Thread(target=sweeper.run)
    with caplog.at_level(logging.INFO, logger="casework.timers"):
        thread.start()
        time.sleep(1.0)
        sweeper.stop()
        thread.join(timeout=10)
    records = [r for r in caplog.records if r.name == "casework.timers"]
    assert [r.levelname for r in records] == ["WARNING"], [r.getMessage() for r in records]
    assert "database unavailable" in records[0].getMessage()
    assert not thread.is_alive()
