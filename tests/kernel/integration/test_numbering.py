"""References are numbered the same way on PostgreSQL and SQLite: a counter made by a migration
that counts on from the highest number in use, and a read that numbers a new row in the same statement."""

import uuid
from contextlib import contextmanager

import pytest
from alembic.migration import MigrationContext
from alembic.operations import Operations
from sqlalchemy import Column, ForeignKey, MetaData, String, Table, Uuid, bindparam, insert, select
from sqlalchemy.orm import registry

from casework import appends
from casework.numbering import Counter, create_counter, drop_counter, number_and_read, reference

metadata = MetaData()
tickets = Table(
    "numbered_tickets", metadata,
    Column("id", Uuid, primary_key=True),
    Column("reference", String(20), unique=True, nullable=False),
    Column("topic", String(40), nullable=False),
)
ticket_notes = Table(
    "numbered_ticket_notes", metadata,
    Column("id", Uuid, primary_key=True),
    Column("ticket_id", Uuid, ForeignKey("numbered_tickets.id"), nullable=False),
)


class TicketNote:
    """An object of the ORM's naming an appended row (as a batch's row names its new referral)."""


registry().map_imperatively(TicketNote, ticket_notes)
TICKETS = Counter("ticket_reference_seq")
SAME_TOPIC = select(tickets.c.reference, tickets.c.topic).where(tickets.c.topic == bindparam("topic"))


@contextmanager
def migration(database):
    """What a migration's ``op`` is, on the database."""
    with database.engine.begin() as conn:
        yield Operations(MigrationContext.configure(conn))


@pytest.fixture
def db(any_database):
    metadata.create_all(any_database.engine)
    return any_database


def numbers(database, counter, how_many):
    with database.transaction() as session:
        return [counter.next(session) for _ in range(how_many)]


def ticket(topic):
    return {"id": uuid.uuid4(), "topic": topic}


def test_a_new_counter_counts_from_one(db):
    with migration(db) as op:
        create_counter(op, TICKETS.name)
    assert numbers(db, TICKETS, 3) == [1, 2, 3]


def test_a_counter_made_over_existing_rows_counts_on_from_the_highest(db):
    with db.transaction() as session:
        session.execute(insert(tickets), [{**ticket("rent"), "reference": reference("T", n)} for n in (7, 41, 9)])
    with migration(db) as op:
        create_counter(op, TICKETS.name, highest="SELECT max(CAST(substr(reference, 3) AS BIGINT)) FROM numbered_tickets")
    assert numbers(db, TICKETS, 2) == [42, 43]


def test_making_a_counter_again_never_moves_it_back(db):
    with migration(db) as op:
        create_counter(op, TICKETS.name)
    numbers(db, TICKETS, 5)
    with migration(db) as op:
        create_counter(op, TICKETS.name, highest="SELECT 3")
    assert numbers(db, TICKETS, 1) == [6]
    with migration(db) as op:
        create_counter(op, TICKETS.name, highest="SELECT 10")
    assert numbers(db, TICKETS, 1) == [11]


def test_a_dropped_counter_is_made_afresh(db):
    with migration(db) as op:
        create_counter(op, TICKETS.name)
    numbers(db, TICKETS, 2)
    with migration(db) as op:
        drop_counter(op, TICKETS.name)
        create_counter(op, TICKETS.name)
    assert numbers(db, TICKETS, 1) == [1]


def test_references_have_six_digits_and_grow_past_a_million(db):
    with migration(db) as op:
        create_counter(op, TICKETS.name, highest="SELECT 999998")
    with db.transaction() as session:
        assert [TICKETS.next_reference(session, "P") for _ in range(2)] == ["P-999999", "P-1000000"]


def numbered(session, topic, reading=SAME_TOPIC, params=None):
    """A new ticket numbered with what ``reading`` finds, appended as a new referral is."""
    new = ticket(topic)
    new["reference"], found = number_and_read(session, TICKETS, "T", reading, params or {"topic": topic})
    appends.append(session, tickets, new)
    return new["reference"], found


def test_a_new_row_is_numbered_with_what_stood_before_it(db):
    with migration(db) as op:
        create_counter(op, TICKETS.name)
    with db.transaction() as session:
        first, before_first = numbered(session, "rent")
    with db.transaction() as session:
        second, before_second = numbered(session, "rent")
        other, before_other = numbered(session, "repairs")  # reads what was appended before it
    assert (first, second, other) == ("T-000001", "T-000002", "T-000003")
    assert before_first == [] and before_other == []
    assert [(row.reference, row.topic) for row in before_second] == [("T-000001", "rent")]
    with db.transaction() as session:
        assert session.execute(select(tickets.c.reference, tickets.c.topic).order_by(tickets.c.reference)).all() == [
            ("T-000001", "rent"), ("T-000002", "rent"), ("T-000003", "repairs")]


def test_the_reading_takes_parameters_of_its_own(db):
    with migration(db) as op:
        create_counter(op, TICKETS.name)
    other_topic = select(tickets.c.reference).where(tickets.c.topic == bindparam("other"))
    with db.transaction() as session:
        numbered(session, "rent")
        _, found = numbered(session, "repairs", other_topic, {"other": "rent"})
    assert [row.reference for row in found] == ["T-000001"]


def test_a_number_taken_by_a_transaction_rolled_back_leaves_no_row(db):
    with migration(db) as op:
        create_counter(op, TICKETS.name)
    with pytest.raises(RuntimeError), db.transaction() as session:
        numbered(session, "rent")
        raise RuntimeError("rolled back")
    with db.transaction() as session:
        reference_now, found = numbered(session, "rent")
    assert found == [] and reference_now in ("T-000001", "T-000002")  # given again on SQLite, skipped on PostgreSQL


def test_an_object_added_after_the_new_row_and_naming_it_is_written_after_it(db):
    """In a savepoint, as a batch makes each household's referral: on SQLite the appended rows are
    written by ``session.execute``, which would flush the object first (before the row it names)."""
    with migration(db) as op:
        create_counter(op, TICKETS.name)
    with db.transaction() as session:
        with session.begin_nested():
            numbered(session, "rent")
            note = TicketNote()
            note.id, note.ticket_id = uuid.uuid4(), session.info[appends._PENDING][-1][2]["id"]
            session.add(note)
    with db.transaction() as session:
        assert session.execute(select(ticket_notes.c.ticket_id)).scalar_one() == session.execute(
            select(tickets.c.id)).scalar_one()


def test_a_counter_name_is_a_plain_sql_name():
    with pytest.raises(ValueError):
        Counter("seq; DROP TABLE referrals")


def test_a_batch_of_references_follows_on_and_the_next_single_one_after_it(db):
    with migration(db) as op:
        create_counter(op, TICKETS.name)
    with db.transaction() as session:
        assert TICKETS.next_reference(session, "T") == "T-000001"
        assert TICKETS.next_references(session, "T", 3) == ["T-000002", "T-000003", "T-000004"]
        assert TICKETS.next_references(session, "T", 0) == []
        assert TICKETS.next_reference(session, "T") == "T-000005"
