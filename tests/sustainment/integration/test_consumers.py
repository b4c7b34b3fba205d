"""Consumed events, through the broker (RabbitMQ, or the in-process one): each opens one case, however
often it is delivered."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from sqlalchemy import func, select

from casework import context
from casework.bus import Publisher
from casework.contracts import catalogue
from casework.events import make
from casework_dev.testing import wait_until
from sustainment.models import Case, Plan


@pytest.fixture(scope="module")
def worker(sustainment):
    return sustainment.worker()


def _publish(harness, *events) -> None:
    Publisher(harness.settings).publish_many([(e.routing_key, e.to_json(), e.id) for e in events])


def _count(harness, **where) -> int:
    with harness.db.transaction() as session:
        stmt = select(func.count()).select_from(Case)
        for name, value in where.items():
            stmt = stmt.where(getattr(Case, name) == uuid.UUID(str(value)))  # a str matches on PostgreSQL only
        return session.scalar(stmt)


def _inbox_has(harness, event_id: str) -> bool:
    from casework.inbox import InboxEntry

    with harness.db.transaction() as session:
        return session.scalar(select(func.count()).select_from(InboxEntry)
                              .where(InboxEntry.event_id == event_id)) == 1


def test_an_accepted_referral_opens_one_case_even_when_redelivered(sustainment, worker, referral_accepted):
    event = referral_accepted(level="critical")
    _publish(sustainment, event)
    wait_until(lambda: _count(sustainment, referral_id=event.data["referral_id"]) == 1, message="the case")

    _publish(sustainment, event)
    second = referral_accepted(level="low")
    _publish(sustainment, second)  # behind the redelivery on the same queue
    wait_until(lambda: _count(sustainment, referral_id=second.data["referral_id"]) == 1, message="the next case")

    assert _count(sustainment, referral_id=event.data["referral_id"]) == 1
    opened = sustainment.events("sustainment.case.opened.v1")
    assert [e.data["referral_id"] for e in opened] == [event.data["referral_id"], second.data["referral_id"]]
    assert opened[0].data["risk_level"] == "critical"
    assert opened[0].correlationid == event.correlationid
    assert opened[0].causationid == event.id


def test_a_high_risk_tenancy_opens_one_onboarding_case_even_when_redelivered(sustainment, worker, tenancy_started):
    low = tenancy_started(high_risk=False)
    high = tenancy_started()
    _publish(sustainment, low, high)
    wait_until(lambda: _count(sustainment, tenancy_id=high.data["tenancy_id"]) == 1, message="the onboarding case")
    wait_until(lambda: _inbox_has(sustainment, low.id), message="the low-risk tenancy to be consumed")

    _publish(sustainment, high)
    marker = tenancy_started()
    _publish(sustainment, marker)
    wait_until(lambda: _count(sustainment, tenancy_id=marker.data["tenancy_id"]) == 1, message="the next case")

    assert _count(sustainment, tenancy_id=high.data["tenancy_id"]) == 1
    assert _count(sustainment, tenancy_id=low.data["tenancy_id"]) == 0
    with sustainment.db.transaction() as session:
        case = session.scalar(select(Case).where(Case.tenancy_id == uuid.UUID(high.data["tenancy_id"])))
        assert case.case_type == "onboarding"
        assert session.scalar(select(func.count()).select_from(Plan).where(Plan.case_id == case.id)) == 1


def _published(harness, type: str) -> int:
    from casework.outbox import OutboxMessage

    with harness.db.transaction() as session:
        return session.scalar(select(func.count()).select_from(OutboxMessage).where(
            OutboxMessage.event_type == type, OutboxMessage.sent_at.is_not(None)))


def test_the_case_opened_event_is_published_to_the_bus(sustainment, worker, referral_accepted):
    _publish(sustainment, referral_accepted())
    wait_until(lambda: _published(sustainment, "casework.sustainment.case.opened.v1") == 1,
               message="the relay to publish case.opened")


def test_the_retired_v1_events_still_open_their_cases_for_one_release(sustainment, worker):
    """A rolling deploy: sustainment is upgraded first and still takes the v1 events the old intake
    and lettings published (details in the clear), alongside v2 (details sealed for it)."""
    with context.bound(service="intake"):
        referral = make("intake.referral.accepted.v1", subject="r", data=catalogue.serialise(
            "casework.intake.referral.accepted.v1", {
                "referral_id": uuid.uuid4(), "reference": "R-000901", "source_system": "northgate",
                "priority": "routine", "person": {"name": "Jo Bloggs"}, "reasons": ["rent_arrears"],
                "risk": {"level": "low", "score": 10, "factors": []}, "consent_given": True,
                "accepted_by": "intake-7", "accepted_at": dt.datetime.now(dt.UTC)}))
    with context.bound(service="lettings"):
        tenancy = make("lettings.tenancy.started.v1", subject="t", data=catalogue.serialise(
            "casework.lettings.tenancy.started.v1", {
                "tenancy_id": uuid.uuid4(), "tenancy_ref": "T-000901", "offer_id": uuid.uuid4(),
                "property_id": uuid.uuid4(), "applicant_id": uuid.uuid4(), "tenancy_start": dt.date.today(),
                "tenancy_type": "introductory", "high_risk": True, "support_needs": ["budgeting"],
                "tenant": {"name": "Kit Ng"}, "address": "2 Low Road"}))
    _publish(sustainment, referral, tenancy)
    wait_until(lambda: _count(sustainment, referral_id=referral.data["referral_id"]) == 1, message="the case")
    wait_until(lambda: _count(sustainment, tenancy_id=tenancy.data["tenancy_id"]) == 1, message="the onboarding case")
    with sustainment.db.transaction() as session:
        names = set(session.scalars(select(Case.tenant_name)))
        assert {"Jo Bloggs", "Kit Ng"} <= names


def _timeline(harness, case_id, kind: str) -> list[dict]:
    from .conftest import LEADER

    case = harness.client.get(f"/cases/{case_id}", headers=LEADER).json
    return [entry for entry in case["timeline"] if entry["kind"] == kind]


def test_a_tenancy_end_is_noted_once_on_each_open_case_for_it_and_its_officer_told(
        sustainment, worker, tenancy_started, tenancy_ended, referral_accepted):
    from .conftest import LEADER

    started = tenancy_started(tenancy_ref="T-000777")
    about_it = referral_accepted(tenancy_ref="T-000777")  # a referral names the tenancy by reference
    elsewhere = referral_accepted(tenancy_ref="T-000888")
    _publish(sustainment, started, about_it, elsewhere)
    for event, key in ((started, "tenancy_id"), (about_it, "referral_id"), (elsewhere, "referral_id")):
        wait_until(lambda e=event, k=key: _count(sustainment, **{k: e.data[k]}) == 1, message=f"the case for {key}")
    with sustainment.db.transaction() as session:
        onboarding = session.scalar(select(Case.id).where(Case.tenancy_id == uuid.UUID(started.data["tenancy_id"])))
        referred, other = (session.scalar(select(Case.id).where(Case.referral_id == uuid.UUID(e.data["referral_id"])))
                           for e in (about_it, elsewhere))
    assert sustainment.client.post(f"/cases/{onboarding}/assignment", json={"officer_id": "officer-1"},
                                   headers=LEADER).status_code == 200

    ended = tenancy_ended(tenancy_id=uuid.UUID(started.data["tenancy_id"]), tenancy_ref="T-000777",
                          end_date=dt.date(2026, 3, 31), reason="transfer")
    again = tenancy_ended(tenancy_id=uuid.UUID(started.data["tenancy_id"]), tenancy_ref="T-000777",
                          end_date=dt.date(2026, 3, 31), reason="transfer")  # the same fact, a new event
    unknown = tenancy_ended(tenancy_id=uuid.uuid4(), tenancy_ref="T-000999")
    _publish(sustainment, ended, ended, again, unknown)
    wait_until(lambda: _inbox_has(sustainment, unknown.id), message="the events to be consumed")

    told = sustainment.events("sustainment.case.tenancy_ended.v1")
    assert sorted((e.data["case_id"], e.data["officer_id"]) for e in told) == sorted(
        [(str(onboarding), "officer-1"), (str(referred), None)])
    assert {(e.data["tenancy_ref"], e.data["end_date"], e.data["reason"]) for e in told} == {
        ("T-000777", "2026-03-31", "transfer")}
    assert {e.causationid for e in told} == {ended.id}
    for case_id in (onboarding, referred):
        noted = _timeline(sustainment, case_id, "tenancy_ended")
        assert [entry["summary"] for entry in noted] == ["Tenancy T-000777 ended on 2026-03-31 (transfer)"]
    assert _timeline(sustainment, other, "tenancy_ended") == []


def test_a_tenancy_end_leaves_a_closed_case_alone(sustainment, assigned_case, tenancy_ended, deliver):
    from .conftest import OFFICER

    case = assigned_case(tenancy_ref="T-000555")
    assert sustainment.client.post(f"/cases/{case['id']}/closure", json={
        "outcome": "moved_on_planned", "summary": "Moved to sheltered housing."}, headers=OFFICER).status_code == 200

    deliver(tenancy_ended(tenancy_id=uuid.uuid4(), tenancy_ref="T-000555"))

    assert sustainment.events("sustainment.case.tenancy_ended.v1") == []
    assert _timeline(sustainment, case["id"], "tenancy_ended") == []
