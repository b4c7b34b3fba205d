"""Audit entries and outbox rows are written together, and only with what they record."""

import uuid

import pytest
import sqlalchemy as sa
from sqlalchemy import select

from casework import appends, audit, context, driver, outbox
from casework.audit import AuditEntry
from casework.db import Database, KernelBase, utcnow
from casework.outbox import OutboxMessage
from casework_dev.testing import create_database, drop_database

TABLES = [AuditEntry.__table__, OutboxMessage.__table__]


@pytest.fixture
def db(any_database):
    KernelBase.metadata.create_all(any_database.engine, tables=TABLES)
    return any_database


def event(n):
    return {"event_id": str(uuid.uuid4()), "event_type": f"casework.sample.n{n}.v1", "routing_key": f"sample.n{n}",
            "body": "{}", "created_at": utcnow(), "attempts": 0}


def written(db):
    with db.transaction() as session:
        return ([(a.action, a.record_id) for a in session.scalars(select(AuditEntry).order_by(AuditEntry.id))],
                [o.event_type for o in session.scalars(select(OutboxMessage).order_by(OutboxMessage.id))])


def test_rows_are_written_at_commit_in_the_order_they_were_added(db):
    with db.transaction() as session:
        audit.record(session, "create", "note", 1)
        for n in range(3):
            appends.append(session, OutboxMessage.__table__, event(n))
        audit.record(session, "read", "note", 1)
    assert written(db) == ([("create", "1"), ("read", "1")],
                           ["casework.sample.n0.v1", "casework.sample.n1.v1", "casework.sample.n2.v1"])


#: A table of a service's own, to INSERT into between appends (as a consumer opens a task an event).
SAMPLE = sa.Table("sample_tasks", sa.MetaData(), sa.Column("id", sa.Uuid, primary_key=True),
                  sa.Column("title", sa.String(50)))


def statements(db, monkeypatch):
    """The statements the database is sent, as they are sent: SQLAlchemy's, and those the kernel
    runs on the driver's own cursor (``casework.driver``, which SQLAlchemy's events do not see)."""
    seen = []
    sa.event.listen(db.engine, "before_cursor_execute", lambda c, cur, sql, *_: seen.append(" ".join(sql.split())))
    run = driver.run

    def run_and_note(connection, sql, params, **kwargs):
        seen.append(" ".join(sql.split()))
        return run(connection, sql, params, **kwargs)

    monkeypatch.setattr(driver, "run", run_and_note)
    return seen


def test_an_insert_into_another_table_does_not_wait_for_them_and_they_go_in_one_statement(db, monkeypatch):
    SAMPLE.create(db.engine)
    seen = statements(db, monkeypatch)
    with db.transaction() as session:
        for n in range(3):
            session.execute(sa.insert(SAMPLE), {"id": uuid.uuid4(), "title": f"task {n}"})
            appends.append(session, OutboxMessage.__table__, event(n))
            audit.record(session, "create", "task", n)
    inserts = [sql for sql in seen if "INSERT" in sql]
    assert len([sql for sql in inserts if "sample_tasks" in sql]) == 3
    # One statement for the lot (a statement a table on SQLite), not one after each task.
    tables = 1 if db.engine.dialect.name == "postgresql" else 2
    assert len([sql for sql in inserts if "outbox" in sql or "audit_log" in sql]) == tables, inserts
    assert written(db) == ([("create", "0"), ("create", "1"), ("create", "2")],
                           ["casework.sample.n0.v1", "casework.sample.n1.v1", "casework.sample.n2.v1"])


def test_an_insert_that_could_see_them_waits_for_them(db):
    """Into a table with rows waiting, or with values written as SQL: the rows go first."""
    SAMPLE.create(db.engine)
    with db.transaction() as session:
        appends.append(session, OutboxMessage.__table__, event(0))
        session.execute(sa.insert(OutboxMessage.__table__), event(1))
        audit.record(session, "create", "task", 1)
        session.execute(sa.insert(SAMPLE).values(id=uuid.uuid4(), title=sa.select(AuditEntry.action).limit(1)
                                                 .scalar_subquery()))
        assert session.scalar(sa.select(SAMPLE.c.title)) == "create"
    assert written(db)[1] == ["casework.sample.n0.v1", "casework.sample.n1.v1"]


def test_a_read_in_the_same_transaction_sees_them(db):
    with db.transaction() as session:
        audit.record(session, "create", "note", 1)
        appends.append(session, OutboxMessage.__table__, event(0))
        assert len(audit.trail(session, "note", 1)) == 1
        assert outbox.pending_count(session) == 1


def test_a_records_trail_is_read_newest_first_a_page_at_a_time(db):
    # Entries of one transaction may share their moment: the entry's id orders them then.
    with db.transaction() as session:
        for action in ("create", "update", "read"):
            audit.record(session, action, "note", 1)
        audit.record(session, "create", "note", 2)
    with db.transaction() as session:
        newest = audit.newest_first("note", 1)
        assert [e.action for e in session.scalars(newest)] == ["read", "update", "create"]
        assert [e.action for e in session.scalars(newest.offset(1).limit(1))] == ["update"]
        assert [e.action for e in audit.trail(session, "note", 1)] == ["create", "update", "read"]


def test_nothing_is_written_when_the_transaction_rolls_back_and_nothing_lingers_after(db):
    session = db.session()
    session.begin()
    audit.record(session, "create", "note", 1)
    appends.append(session, OutboxMessage.__table__, event(0))
    session.rollback()
    session.begin()
    audit.record(session, "create", "note", 2)
    session.commit()
    session.close()
    assert written(db) == ([("create", "2")], [])


def test_a_session_closed_without_commit_leaves_nothing_for_its_next_transaction(db):
    session = db.session()
    audit.record(session, "create", "note", 1)
    session.close()
    with session.begin():
        audit.record(session, "create", "note", 2)
    assert written(db) == ([("create", "2")], [])


def test_rows_added_in_a_savepoint_that_rolls_back_go_with_it_and_the_others_stay(db):
    with db.transaction() as session:
        audit.record(session, "create", "note", "before")
        try:
            with session.begin_nested():
                audit.record(session, "create", "note", "inside")
                appends.append(session, OutboxMessage.__table__, event(1))
                with session.begin_nested():
                    audit.record(session, "create", "note", "deeper")
                raise RuntimeError("the handler failed")
        except RuntimeError:
            pass
        with session.begin_nested():
            appends.append(session, OutboxMessage.__table__, event(2))
        audit.record(session, "create", "note", "after")
    assert written(db) == ([("create", "before"), ("create", "after")], ["casework.sample.n2.v1"])


def test_a_released_savepoint_keeps_its_rows_when_a_later_one_rolls_back(db):
    with db.transaction() as session:
        with session.begin_nested():
            audit.record(session, "create", "note", "kept")
        nested = session.begin_nested()
        audit.record(session, "create", "note", "dropped")
        nested.rollback()
    assert written(db) == ([("create", "kept")], [])


def test_outbox_rows_wake_the_relay_with_the_same_statement(postgres_url):
    url = create_database(postgres_url, prefix="cw_appends")
    db = Database(url)
    KernelBase.metadata.create_all(db.engine, tables=TABLES)
    raw = db.engine.raw_connection()
    listener = raw.driver_connection
    raw.detach()
    listener.autocommit = True
    listener.execute(f'LISTEN "{outbox.notify_channel("sample")}"')
    outbox._last_notify[0] = 0.0
    token = context.service.set("sample")
    with db.transaction() as session:
        outbox.emit(session, "sample.note.created.v1", subject="n", data={"note_id": uuid.uuid4()})
    context.service.reset(token)
    assert [n.channel for n in listener.notifies(timeout=2, stop_after=1)] == [outbox.notify_channel("sample")]
    listener.close()
    db.dispose()
    drop_database(url)
