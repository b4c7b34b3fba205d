"""Scheduling a timer whose key is new: one INSERT, no look-up, never a silent move."""

import datetime as dt

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
