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


# -- a statement alone: no BEGIN and no COMMIT for a transaction that is one statement ---------


@pytest.fixture
def commands(db, monkeypatch):
    """BEGIN, COMMIT and ROLLBACK as psycopg sends them (each a round trip of its own)."""
    if db.engine.dialect.name != "postgresql":
        pytest.skip("the driver's cursor is PostgreSQL's")
    sent = []
    original = psycopg.Connection._exec_command

    def exec_command(self, command, *args, **kwargs):
        sent.append(bytes(command).decode())
        return original(self, command, *args, **kwargs)

    monkeypatch.setattr(psycopg.Connection, "_exec_command", exec_command)
    return sent


def titles(db):
    with db.transaction() as session:
        return sorted(session.scalars(select(notes.c.title)))


def test_a_read_and_the_appended_rows_at_commit_are_the_whole_transaction_without_begin_or_commit(db, commands):
    from casework import appends

    with db.transaction() as session:
        assert rows_as_driver_sql(session, BY_TITLE, {"title": "first"}, alone=True) == []
        appends.append(session, notes, row("first"))
        audit.record(session, "create", "note", 1)
    assert commands == []
    assert titles(db) == ["first"]
    with db.transaction() as session:
        assert session.scalars(select(AuditEntry.action)).all() == ["create"]
        assert session.connection().connection.dbapi_connection.autocommit is False


def test_a_last_statement_that_fails_writes_nothing_and_the_connection_is_transactional_again(db, commands):
    from casework import appends

    first = row("first")
    with db.transaction() as session:
        appends.append(session, notes, first)
    with pytest.raises(DBAPIError), db.transaction() as session:
        appends.append(session, notes, row("second"))
        appends.append(session, notes, first)  # the same id again: the one statement fails whole
    assert titles(db) == ["first"]
    with pytest.raises(DBAPIError), db.transaction() as session:  # the next: a transaction of two statements
        execute_as_driver_sql(session, INSERT, row("third"))
        execute_as_driver_sql(session, INSERT, first)
    assert titles(db) == ["first"]
    assert db.engine.pool.checkedout() == 0


def test_a_read_alone_after_a_write_is_in_its_transaction(db, commands):
    with pytest.raises(RuntimeError), db.transaction() as session:
        execute_as_driver_sql(session, INSERT, row("first"))
        assert [r.title for r in rows_as_driver_sql(session, BY_TITLE, {"title": "first"}, alone=True)] == ["first"]
        raise RuntimeError("rolled back")
    assert titles(db) == [] and commands[0] == "BEGIN"


def test_rows_appended_beside_an_object_to_flush_wait_for_its_commit(db, commands):
    from casework import appends

    with pytest.raises(DBAPIError), db.transaction() as session:
        appends.append(session, notes, row("first"))
        session.add(AuditEntry(at=utcnow(), actor="x", actor_roles=[], action="create", record_type="note",
                               record_id=None))  # flushed after the appended rows, and refused
    assert titles(db) == [] and commands[0] == "BEGIN"


def test_rows_appended_by_a_session_inside_its_callers_transaction_go_with_it(db, commands):
    from sqlalchemy.orm import Session

    from casework import appends

    with db.engine.connect() as connection:
        outer = connection.begin()
        with Session(bind=connection) as session:
            appends.append(session, notes, row("first"))
            session.commit()
        outer.rollback()
    assert titles(db) == []


def test_a_connection_lost_before_a_statement_alone_is_sqlalchemys_invalidated_error(postgres_url):
    from casework import appends

    url = create_database(postgres_url, prefix="cw_kernel")
    db = Database(url)
    try:
        metadata.create_all(db.engine)
        with pytest.raises(DBAPIError) as lost, db.transaction() as session:
            session.connection()
            with psycopg.connect(url, autocommit=True) as admin:
                admin.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                              "WHERE datname = current_database() AND pid <> pg_backend_pid()")
            appends.append(session, notes, row("first"))
        assert lost.value.connection_invalidated
        with db.transaction() as session:  # a new connection, in transactions
            assert rows_as_driver_sql(session, BY_TITLE, {"title": "first"}, alone=True) == []
            assert session.connection().connection.dbapi_connection.autocommit is False
    finally:
        db.dispose()
        drop_database(url)


def test_a_connection_sqlalchemy_put_in_autocommit_itself_is_left_so(db, commands):
    from casework import driver

    with db.engine.execution_options(isolation_level="AUTOCOMMIT").connect() as connection:
        assert driver.run(connection, "SELECT 1 AS n", (), rows=True, alone=True)[0].n == 1
        assert connection.connection.dbapi_connection.autocommit is True
