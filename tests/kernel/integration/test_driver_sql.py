"""A hot-path statement run as the driver's SQL writes and reads what session.execute would."""

import datetime as dt
import decimal
import uuid

import psycopg
import pytest
from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Date,
    DateTime,
    Integer,
    MetaData,
    Numeric,
    String,
    Table,
    TypeDecorator,
    Uuid,
    bindparam,
    insert,
    select,
    text,
)
from sqlalchemy.exc import DBAPIError

from casework import audit
from casework.audit import AuditEntry
from casework.db import Database, JSONDoc, KernelBase, execute_as_driver_sql, rows_as_driver_sql, utcnow
from casework_dev.testing import create_database, drop_database

metadata = MetaData()


class Shouting(TypeDecorator):
    """A type of our own that converts its values (as casework.db.UTCDateTime does)."""

    impl = String
    cache_ok = True

    def process_bind_param(self, value, dialect):
        return None if value is None else value.upper()


class Echoing(TypeDecorator):
    """Converts its values on top of a type that converts them too: not one step to repeat."""

    impl = Shouting
    cache_ok = True

    def process_bind_param(self, value, dialect):
        return None if value is None else value * 2


notes = Table(
    "driver_sql_notes", metadata,
    Column("id", Uuid, primary_key=True),
    Column("number", Integer, server_default="7"),
    Column("title", String, nullable=False),
    Column("amount", Numeric(10, 2)),
    Column("due", Date),
    Column("at", DateTime(timezone=True)),
    Column("done", Boolean),
    Column("tags", JSONDoc),
    Column("extra", JSON),
    Column("loud", Shouting),
    Column("louder", Echoing),
)
INSERT = insert(notes)
INSERT_NUMBERED = insert(notes).returning(notes.c.number)
BY_TITLE = select(notes.c.id, notes.c.title, notes.c.tags).where(notes.c.title == bindparam("title"))


@pytest.fixture
def db(any_database):
    metadata.create_all(any_database.engine)
    KernelBase.metadata.create_all(any_database.engine, tables=[AuditEntry.__table__])
    return any_database


def row(title, **values):
    return {"id": uuid.uuid4(), "title": title, "amount": decimal.Decimal("1240.50"), "due": dt.date(2026, 12, 4),
            "at": utcnow(), "done": True, "tags": ["rent_arrears", {"code": "x", "points": 3}], "extra": None,
            **values}


def test_each_type_is_written_and_read_back_as_session_execute_would(db):
    ours, theirs = row("driver"), row("orm")
    with db.transaction() as session:
        number = execute_as_driver_sql(session, INSERT_NUMBERED, ours).scalar_one()
        session.execute(insert(notes), theirs)
    assert number == 7
    with db.transaction() as session:
        got = {r.title: r._asdict() for r in session.execute(select(notes))}
    for written in (ours, theirs):
        read = got[written["title"]]
        assert read["id"] == written["id"] and read["amount"] == written["amount"] and read["due"] == written["due"]
        assert read["done"] is True and read["tags"] == written["tags"] and read["extra"] is None
    if db.engine.dialect.name == "postgresql":  # None in a JSON column is JSON null, both ways
        with db.transaction() as session:
            kinds = session.execute(text("SELECT extra IS NOT NULL, tags IS NOT NULL FROM driver_sql_notes")).all()
        assert kinds == [(True, True), (True, True)]


def test_a_query_finds_by_name_and_sees_rows_appended_before_it(db):
    with db.transaction() as session:
        execute_as_driver_sql(session, INSERT, row("first"))
        audit.record(session, "create", "note", 1)  # waiting on the session (casework.appends)
        found = execute_as_driver_sql(session, BY_TITLE, {"title": "first"}).all()
        trail = execute_as_driver_sql(session, select(AuditEntry.__table__.c.action), {}).scalars().all()
    assert [r.title for r in found] == ["first"] and found[0].tags[0] == "rent_arrears"
    assert trail == ["create"]


def test_a_type_of_our_own_converts_its_values_as_session_execute_would(db):
    with db.transaction() as session:
        execute_as_driver_sql(session, INSERT, row("quiet", loud="hello"))
        assert session.execute(select(notes.c.loud)).scalar_one() == "HELLO"


def test_a_type_whose_conversion_cannot_be_repeated_is_refused_not_skipped(db):
    with db.transaction() as session:
        if db.engine.dialect.name != "postgresql":  # elsewhere it is session.execute, type and all
            execute_as_driver_sql(session, INSERT, row("quiet", louder="hi"))
            assert session.execute(select(notes.c.louder)).scalar_one() == "HIHI"
            return
        with pytest.raises(ValueError, match="'louder'"):
            execute_as_driver_sql(session, INSERT, row("quiet", louder="hi"))


def test_rows_read_on_the_drivers_cursor_are_those_session_execute_reads(db):
    with db.transaction() as session:
        execute_as_driver_sql(session, INSERT, row("first"))
        audit.record(session, "create", "note", 1)  # waiting: written before the read, as session.execute would
        ours = rows_as_driver_sql(session, BY_TITLE, {"title": "first"})
        theirs = session.execute(BY_TITLE, {"title": "first"}).all()
        trail = rows_as_driver_sql(session, select(AuditEntry.__table__.c.action), {})
    assert [tuple(r) for r in ours] == [tuple(r) for r in theirs] and ours[0].title == "first"
    assert [r.action for r in trail] == ["create"]


def test_a_connection_lost_under_a_drivers_statement_is_sqlalchemys_invalidated_error(postgres_url):
    """What the kernel answers 503 for, and why the next request connects afresh: the same error
    ``exec_driver_sql`` raises, the connection invalidated, though SQLAlchemy did not run it."""
    url = create_database(postgres_url, prefix="cw_kernel")
    db = Database(url)
    try:
        metadata.create_all(db.engine)
        with db.transaction() as session:
            session.connection()  # checked out and begun
            with psycopg.connect(url, autocommit=True) as admin:
                admin.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                              "WHERE datname = current_database() AND pid <> pg_backend_pid()")
            with pytest.raises(DBAPIError) as lost:
                rows_as_driver_sql(session, BY_TITLE, {"title": "first"})
            session.rollback()
        assert lost.value.connection_invalidated
        with db.transaction() as session:  # a new connection, without a restart
            assert rows_as_driver_sql(session, BY_TITLE, {"title": "first"}) == []
    finally:
        db.dispose()
        drop_database(url)


def test_a_connections_driver_statements_keep_their_cursors_across_transactions(db, monkeypatch):
    """psycopg's cursor keeps how it adapted each type of value and read each type of column (its
    Transformer) while it runs the same statement again: a cursor made for every statement, or one
    shared by statements that alternate, looked them all up again each time."""
    if db.engine.dialect.name != "postgresql":
        pytest.skip("the driver's cursor is PostgreSQL's (elsewhere it is session.execute)")
    made, adapting = [], []
    original = psycopg.Connection.cursor
    monkeypatch.setattr(psycopg.Connection, "cursor", lambda self, *a, **k: made.append(1) or original(self, *a, **k))
    transformer = psycopg.adapt.Transformer
    monkeypatch.setattr(psycopg.adapt, "Transformer", lambda *a, **k: adapting.append(1) or transformer(*a, **k))
    for title in ("first", "second", "third"):
        made.clear(), adapting.clear()
        with db.transaction() as session:
            rows_as_driver_sql(session, INSERT_NUMBERED, row(title))
            audit.record(session, "create", "note", 1)  # appended rows: a driver statement of their own
            assert [r.title for r in rows_as_driver_sql(session, BY_TITLE, {"title": title})] == [title]
    assert db.engine.pool.checkedout() == 0 and made == [] and adapting == []


def test_a_connection_keeps_cursors_for_so_many_statements(db):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("the driver's cursor is PostgreSQL's")
    from casework import driver

    with db.transaction() as session:
        for n in range(driver.MAX_CURSORS + 5):
            driver.run(session.connection(), f"SELECT {n}", ())
        cursors = session.connection().connection.info[driver._CURSORS]
        assert len(cursors) == driver.MAX_CURSORS and "SELECT 0" not in cursors
        assert driver.run(session.connection(), "SELECT 0 AS n", (), rows=True)[0].n == 0


def test_a_failed_driver_statement_leaves_the_connections_cursor_ready_for_the_next(db):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("the driver's cursor is PostgreSQL's")
    first = row("first")
    with db.transaction() as session:
        execute_as_driver_sql(session, INSERT, first)
    with pytest.raises(DBAPIError), db.transaction() as session:
        rows_as_driver_sql(session, INSERT_NUMBERED, first)  # the same id again
    with db.transaction() as session:
        assert [r.title for r in rows_as_driver_sql(session, BY_TITLE, {"title": "first"})] == ["first"]
        assert rows_as_driver_sql(session, INSERT_NUMBERED, row("second"))[0].number == 7
