"""Sustainment on each backend (PostgreSQL with RabbitMQ, and the embedded SQLite with the in-process
broker): one harness per test module, emptied between tests."""

from __future__ import annotations

import datetime as dt
import uuid
from pathlib import Path

import pytest

from casework import context
from casework.contracts import catalogue
from casework.contracts.intake import ReferralCase
from casework.contracts.lettings import TenantDetails
from casework.events import Event, make
from casework_dev.testing import bearer
from sustainment.service import SERVICE

OFFICER = bearer("officer-1", "sustainment_officer")
LEADER = bearer("leader-1", "team_leader")

REFERRAL_ACCEPTED = "casework.intake.referral.accepted.v2"
TENANCY_STARTED = "casework.lettings.tenancy.started.v2"
TENANCY_ENDED = "casework.lettings.tenancy.ended.v1"


@pytest.fixture(scope="module")
def sustainment(harness_for):
    with harness_for(SERVICE) as harness:
        yield harness


@pytest.fixture(autouse=True)
def clean(sustainment):
    yield
    sustainment.truncate()


def _sealing(data: dict, sealed: str, inside: type) -> dict:
    """The data as the producer passes it: the fields of ``inside`` moved under ``sealed``
    (the catalogue seals them for sustainment)."""
    names = set(inside._declared_fields)
    return {**{k: v for k, v in data.items() if k not in names},
            sealed: {k: v for k, v in data.items() if k in names}}


def _event(type: str, source: str, data: dict) -> Event:
    with context.bound(service=source):
        return make(type, subject=str(uuid.uuid4()), data=catalogue.serialise(type, data))


@pytest.fixture
def referral_accepted():
    """An ``intake.referral.accepted`` event, as intake would publish it."""

    def build(*, level: str = "high", accepted_at: dt.datetime | None = None, **overrides) -> Event:
        data = {
            "referral_id": uuid.uuid4(), "reference": "R-000042", "source_system": "northgate",
            "referrer_client": "sys-1", "priority": "urgent",
            "person": {"name": "Jane Doe", "date_of_birth": dt.date(1980, 4, 1), "phone": "07700 900123",
                       "email": "jane@example.org", "address": "1 High Street, Milton Keynes"},
            "tenancy_ref": "T-000123", "uprn": "25032123", "reasons": ["rent_arrears", "mental_health"],
            "risk": {"level": level, "score": 45, "factors": [
                {"code": "rent_arrears", "points": 30, "detail": "9 weeks of rent"},
                {"code": "mental_health", "points": 15, "detail": ""}]},
            "arrears_balance": "1012.50", "weekly_rent": "112.50", "clutter_rating": None,
            "consent_given": True, "safeguarding_exemption": False, "accepted_by": "intake-7",
            "accepted_at": accepted_at or dt.datetime.now(dt.UTC),
        }
        data.update(overrides)
        data["risk_level"] = data["risk"]["level"]
        return _event(REFERRAL_ACCEPTED, "intake", _sealing(data, "case_details", ReferralCase))

    return build


@pytest.fixture
def tenancy_started():
    """A ``lettings.tenancy.started`` event."""

    def build(*, high_risk: bool = True, tenancy_start: dt.date | None = None, **overrides) -> Event:
        data = {
            "tenancy_id": uuid.uuid4(), "tenancy_ref": "T-000777", "offer_id": uuid.uuid4(),
            "property_id": uuid.uuid4(), "applicant_id": uuid.uuid4(),
            "tenancy_start": tenancy_start or dt.date.today(), "tenancy_type": "introductory",
            "high_risk": high_risk, "high_risk_reasons": ["affordability_referral"] if high_risk else [],
            "support_needs": ["budgeting"], "tenant": {"name": "Sam Smith", "phone": "07700 900456"},
            "address": "Flat 2, 5 Station Road, Bletchley", "uprn": "25099999",
        }
        data.update(overrides)
        return _event(TENANCY_STARTED, "lettings", _sealing(data, "tenant_details", TenantDetails))

    return build


@pytest.fixture
def tenancy_ended():
    """A ``lettings.tenancy.ended`` event."""

    def build(*, tenancy_id: uuid.UUID, tenancy_ref: str, end_date: dt.date | None = None,
              reason: str = "transfer") -> Event:
        return _event(TENANCY_ENDED, "lettings", {
            "tenancy_id": tenancy_id, "tenancy_ref": tenancy_ref, "property_id": uuid.uuid4(),
            "applicant_id": uuid.uuid4(), "end_date": end_date or dt.date.today(), "reason": reason})

    return build


@pytest.fixture
def deliver(sustainment):
    """Hand an event to its handler directly, in one transaction, as the consumer does."""

    def run(event: Event) -> None:
        with sustainment.db.transaction() as session, context.bound(
                service="sustainment", correlation_id=event.correlationid or event.id, causation_id=event.id):
            SERVICE.handlers[event.type](session, event, catalogue.load(event.type, event.data))

    return run


@pytest.fixture
def open_case(sustainment, referral_accepted, deliver):
    """Open a sustainment case from an accepted referral; returns its detail as a team leader reads it."""

    def run(**overrides) -> dict:
        event = referral_accepted(**overrides)
        deliver(event)
        found = sustainment.client.get(f"/cases?referral_id={event.data['referral_id']}", headers=LEADER)
        assert found.status_code == 200, found.json
        return sustainment.client.get(f"/cases/{found.json[0]['id']}", headers=LEADER).json

    return run


@pytest.fixture
def assigned_case(sustainment, open_case):
    """A case allocated to officer-1."""

    def run(**overrides) -> dict:
        case = open_case(**overrides)
        r = sustainment.client.post(f"/cases/{case['id']}/assignment", json={"officer_id": "officer-1"},
                                    headers=LEADER)
        assert r.status_code == 200, r.json
        return r.json

    return run


ADMIN = bearer("admin-1", "admin")
SAMPLE_EXPORT = Path(__file__).parents[3] / "services" / "sustainment" / "samples" / "agencies-oruk.json"


def oruk_service(name: str, organisation: str | None = None, **extra) -> dict:
    """One service of an Open Referral UK export."""
    return {"id": str(uuid.uuid5(uuid.NAMESPACE_URL, name)), "name": name, "status": "active",
            "organization": {"id": str(uuid.uuid5(uuid.NAMESPACE_DNS, organisation or name)),
                             "name": organisation or name}, **extra}


@pytest.fixture
def agency(sustainment):
    """Put an agency in the directory (imported from an ORUK export, then set up as ``settings``
    say); returns its id."""

    def add(name: str, organisation: str | None = None, **settings) -> str:
        service = oruk_service(name, organisation)
        r = sustainment.client.post("/agencies/import", json={"content": [service]}, headers=ADMIN)
        assert r.status_code == 200, r.json
        [found] = [a for a in sustainment.client.get("/agencies?include_inactive=true", headers=ADMIN).json
                   if a["oruk_service_id"] == service["id"]]
        if settings:
            r = sustainment.client.patch(f"/agencies/{found['id']}", json=settings, headers=ADMIN)
            assert r.status_code == 200, r.json
        return found["id"]

    return add
