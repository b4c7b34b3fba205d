"""Events as the other services publish them, and ways to deliver them to notifications."""

from __future__ import annotations

import datetime as dt
import uuid

from casework import context, inbox
from casework.bus import Publisher
from casework.contracts import catalogue
from casework.events import Event, make
from casework.timers import Sweeper
from casework_dev.testing import bearer
from notifications.handlers import on_event
from notifications.service import SERVICE

ADMIN = bearer("admin-1", "admin")


def soon(days: int = 2) -> dt.datetime:
    return (dt.datetime.now(dt.UTC) + dt.timedelta(days=days)).replace(microsecond=0)


def event(type_: str, data: dict, subject: str | None = None, version: int = 1) -> Event:
    """An event built the way its producer's outbox builds it (JSON data, validated)."""
    full = f"casework.{type_}.v{version}"
    with context.bound(service=full.split(".")[1]):
        return make(full, subject=subject or str(uuid.uuid4()), data=catalogue.serialise(full, data))


def referral(type_: str = "received", referral_id: uuid.UUID | None = None, **extra) -> Event:
    data = {"referral_id": referral_id or uuid.uuid4(), "reference": "R-000123", "source_system": "rent",
            "referrer_client": "sys-rent"}
    if type_ == "received":
        data |= {"risk_level": "high", "triage_due": soon(1)}
    elif type_ in ("rejected", "signposted"):
        data |= {"triaged_by": "o-intake"}
    if type_ == "signposted":
        data |= {"signposted_to": "Citizens Advice"}
    if type_ == "accepted":
        data |= {"priority": "urgent", "risk_level": "high", "accepted_by": "o-intake",
                 "accepted_at": dt.datetime.now(dt.UTC), "case_details": {
                     "person": {"name": "Jane Doe", "date_of_birth": dt.date(1980, 5, 17)},
                     "reasons": ["rent_arrears", "mental_health"],
                     "risk": {"level": "high", "score": 45, "factors": []}, "consent_given": True}}
    version = 2 if type_ in ("received", "accepted") else 1
    return event(f"intake.referral.{type_}", data | extra, subject=str(data["referral_id"]), version=version)


def case(type_: str, case_id: uuid.UUID, **extra) -> Event:
    data = {"case_id": case_id, "reference": "C-000045", "case_type": "sustainment", "officer_id": None}
    data |= {
        "opened": {"risk_level": "high", "first_contact_due": soon(2)},
        "assigned": {"officer_id": "o-tso", "assigned_by": "o-leader", "risk_level": "high",
                     "first_contact_due": soon(2)},
    }.get(type_, {})
    return event(f"sustainment.case.{type_}", data | extra, subject=str(case_id))


def offer(type_: str, offer_id: uuid.UUID, advert_id: uuid.UUID, **extra) -> Event:
    data = {"offer_id": offer_id, "reference": "O-000007", "advert_id": advert_id, "property_id": uuid.uuid4(),
            "applicant_id": uuid.uuid4()}
    data |= {"made": {"respond_by": soon(3)}, "refused": {"reasonable": False, "applicant_suspended": False}}.get(
        type_, {})
    return event(f"lettings.offer.{type_}", data | extra, subject=str(offer_id))


def handle(harness, evt: Event) -> bool:
    """Deliver an event to the handler directly, as the consumer does (inbox and all)."""
    data = catalogue.load(evt.type, evt.data)
    with context.bound(service="notifications", correlation_id=evt.correlationid, causation_id=evt.id):
        with harness.db.transaction() as session:
            if not inbox.claim(session, evt):
                return False
            on_event(session, evt, data)
    return True


def publish(harness, *evts: Event) -> None:
    """Publish events to the real broker, as the producers' relays do."""
    publisher = Publisher(harness.settings)
    try:
        publisher.publish_many([(e.routing_key, e.to_json(), e.id) for e in evts])
    finally:
        publisher.close()


def fire_timers(harness, now: dt.datetime | None = None) -> int:
    """Run the worker's timer sweep once (at ``now``)."""
    return Sweeper(harness.db, SERVICE.timers, service="notifications").fire_due(now=now)


def add_directory(harness) -> None:
    """The three teams with their managers and a few officers."""
    client = harness.client
    for slug, manager in (("intake", "o-intake-lead"), ("sustainment", "o-leader"), ("lettings", "o-lettings-lead")):
        assert client.post("/teams", json={"slug": slug, "name": slug.title(), "manager_id": manager},
                           headers=ADMIN).status_code == 201
    for officer_id, teams, roles in (
        ("o-intake", ["intake"], ["intake_officer"]),
        ("o-tso", ["sustainment"], ["sustainment_officer"]),
        ("o-leader", ["sustainment"], ["sustainment_officer", "team_leader"]),
        ("o-lettings", ["lettings"], ["lettings_officer"]),
    ):
        r = client.post("/officers", json={"id": officer_id, "name": officer_id, "email": f"{officer_id}@council.test",
                                           "teams": teams, "roles": roles, "email_preference": "off"},
                        headers=ADMIN)
        assert r.status_code == 201, r.json
