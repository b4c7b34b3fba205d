"""The inbox claims a batch of events with one statement, on both databases a service runs on."""

from casework import inbox
from casework.db import KernelBase
from casework.events import make
from casework.inbox import InboxEntry


def note(n: int):
    return make("casework.sample.note.created.v1", subject=f"note-{n}", data={"text": f"note {n}"})


def test_a_batch_is_claimed_once_each_however_often_its_events_come(any_database):
    KernelBase.metadata.create_all(any_database.engine, tables=[InboxEntry.__table__])
    first, second, third = note(1), note(2), note(3)
    with any_database.transaction() as session:
        assert inbox.claim(session, first)

    with any_database.transaction() as session:
        new = inbox.claim_all(session, [first, second, second, third])

    assert new == {second.id, third.id}
    with any_database.transaction() as session:
        assert inbox.claim_all(session, [first, second, third]) == set()
        assert inbox.claim_all(session, []) == set()
        assert sorted(session.scalars(InboxEntry.__table__.select().with_only_columns(InboxEntry.event_id))) == sorted(
            [first.id, second.id, third.id])
