"""Intake's use cases (``intake.referrals``) on an in-memory SQLite session: what receiving,
triaging and withdrawing a referral write — the row, the audit entry and the event — without a
server, a broker or HTTP."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal

import pytest

from casework import context
from casework.context import Principal
from casework_dev.testing import audited, memory_session, published
from intake import policy, referrals
from intake.domain.triage import IllegalChange
from intake.models import REFERENCES, Base, Referral

NOW = dt.datetime(2026, 11, 2, 10, 15, tzinfo=dt.UTC)  # a Monday
PARTNER = Principal(sub="income-recovery-system", roles=frozenset({"referrer"}), name="Income Recovery")
OFFICER = Principal(sub="officer-jo", roles=frozenset({"intake_officer"}), name="Jo Officer")


@pytest.fixture
def session():
    with memory_session(Base.metadata, counters=(REFERENCES.name,)) as session:
        yield session


@pytest.fixture(autouse=True)
def as_partner():
    token = context.principal.set(PARTNER)
    yield
    context.principal.reset(token)


def referral(**changes) -> dict:
    """What ``POST /referrals`` hands the use case once parsed."""
    return {"source": {"system": "income_recovery", "team": "Income (North)",
                       "referrer": {"name": "Sam Patel", "email": "sam@council.example", "phone": None}},
            "person": {"name": "Alex Morgan", "date_of_birth": dt.date(1984, 3, 2), "phone": "07700 900123",
                       "email": "alex@example.com", "address": "Flat 4, 12 Station Road"},
            "tenancy_ref": "T-0042117", "reasons": ["rent_arrears", "mental_health"], "details": "Stopped engaging.",
            "arrears_balance": Decimal("1300.00"), "weekly_rent": Decimal("130.00"),
            "consent": {"given": True, "method": "verbal", "recorded_by": "Sam Patel"}, **changes}


def receive(session, **changes):
    return referrals.receive(session, referral(**changes), principal=PARTNER, policy=policy.load(), now=NOW)


def test_a_received_referral_is_numbered_scored_audited_and_announced_without_its_reasons(session):
    made = receive(session)

    assert made.reference == "R-000001" and made.risk_level == "high" and made.risk_score == 45
    assert audited(session) == ["create"]
    [(event_type, data)] = published(session)
    assert event_type == "intake.referral.received.v2"
    assert data["reference"] == "R-000001" and data["risk_level"] == "high"
    assert "reasons" not in data and "Alex Morgan" not in str(data)  # least data: notifications takes it


def test_a_second_referral_for_the_same_tenancy_is_linked_as_a_possible_duplicate(session):
    first = receive(session)
    second = receive(session, person={**referral()["person"], "name": "A. Morgan"})

    assert second.reference == "R-000002"
    assert [link["reference"] for link in second.possible_duplicate_of] == [first.reference]


def test_accepting_seals_the_persons_details_for_sustainment_and_cannot_happen_twice(session):
    made = receive(session)
    row = session.get(Referral, made.id)
    context.principal.set(OFFICER)

    referrals.triage_referral(session, row, {"outcome": "accept"}, principal=OFFICER, policy=policy.load(), now=NOW)

    assert row.status == "accepted" and audited(session) == ["create", "triage"]
    event_type, data = published(session)[-1]
    assert event_type == "intake.referral.accepted.v2"
    assert data["case_details"].startswith("sealed.v1.") and "Alex Morgan" not in str(data)
    with pytest.raises(IllegalChange):
        referrals.triage_referral(session, row, {"outcome": "reject", "reason": "Duplicate."}, principal=OFFICER,
                                  policy=policy.load(), now=NOW)


def test_a_withdrawn_referral_says_so_and_keeps_the_reason_out_of_the_event(session):
    made = receive(session)
    row = session.get(Referral, made.id)

    referrals.withdraw(session, row, "Sent to the wrong council.", now=NOW + dt.timedelta(hours=1))

    assert row.status == "withdrawn" and audited(session) == ["create", "withdraw"]
    event_type, data = published(session)[-1]
    assert event_type == "intake.referral.withdrawn.v1" and "wrong council" not in str(data)
    assert uuid.UUID(str(data["referral_id"])) == made.id
