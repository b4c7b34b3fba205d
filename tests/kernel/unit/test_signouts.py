"""Signed-out sign-ins (``casework.signouts``): what a service notes when an officer signs out,
what it tells the others, and the rows purged once their sign-in would have ended anyway."""

import datetime as dt

import pytest
from sqlalchemy import MetaData, select

from casework import signouts
from casework.contracts import catalogue
from casework.db import utcnow
from casework.events import make
from casework.signouts import SignedOutSession
from casework_dev.testing import memory_session, published

SID = "Zp3m1cS3ss10n-1d"


@pytest.fixture
def session():
    with memory_session(MetaData()) as session:
        yield session


def rows(session) -> dict[str, dt.datetime]:
    return {row.sid_hash: row.until for row in session.scalars(select(SignedOutSession))}


def test_signing_out_notes_a_hash_of_the_session_and_tells_every_service_without_the_officer(session):
    until = utcnow() + dt.timedelta(hours=3)

    signouts.sign_out(session, SID, until)

    digest = signouts.hash_of(SID)
    assert list(rows(session)) == [digest] and SID not in digest
    assert signouts.is_signed_out(session, SID) and not signouts.is_signed_out(session, "another-session")
    [(type_, data)] = published(session)
    assert type_ == "pages.signed_out.v1" and set(data) == {"session", "until"} and data["session"] == digest
    assert set(catalogue.get(signouts.SIGNED_OUT).consumers) == {"intake", "sustainment", "lettings", "notifications"}


def test_the_event_from_another_service_is_recorded_and_a_redelivery_changes_nothing(session):
    until = (utcnow() + dt.timedelta(hours=1)).replace(microsecond=0)
    data = catalogue.serialise(signouts.SIGNED_OUT, {"session": signouts.hash_of(SID), "until": until})
    event = make(signouts.SIGNED_OUT, subject=data["session"], data=data)

    for _ in range(2):
        signouts.on_signed_out(session, event, catalogue.load(event.type, event.data))

    assert signouts.is_signed_out(session, SID) and len(rows(session)) == 1


def test_rows_are_purged_once_their_sign_in_has_ended(session):
    now = utcnow()
    signouts.record(session, signouts.hash_of("ends-soon"), now + dt.timedelta(minutes=5), now=now)
    signouts.record(session, signouts.hash_of("ends-later"), now + dt.timedelta(hours=5), now=now)
    assert len(rows(session)) == 2

    assert signouts.purge(session, now + dt.timedelta(minutes=4)) == 0
    assert signouts.purge(session, now + dt.timedelta(minutes=5)) == 1

    assert list(rows(session)) == [signouts.hash_of("ends-later")]


def test_every_insert_purges_what_has_ended_and_an_ended_sign_in_is_not_noted(session):
    start = utcnow()
    signouts.record(session, signouts.hash_of("ends-soon"), start + dt.timedelta(minutes=5), now=start)
    later = start + dt.timedelta(minutes=6)
    signouts.record(session, signouts.hash_of("ended-already"), start + dt.timedelta(minutes=1), now=later)
    signouts.record(session, signouts.hash_of("new"), start + dt.timedelta(hours=8), now=later)

    assert list(rows(session)) == [signouts.hash_of("new")]


def test_an_event_naming_anything_but_a_hash_is_refused_by_its_contract():
    from casework.events import InvalidEventData

    with pytest.raises(InvalidEventData):
        catalogue.serialise(signouts.SIGNED_OUT, {"session": SID, "until": utcnow()})
