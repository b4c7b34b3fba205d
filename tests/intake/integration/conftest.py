"""One intake harness per test module, on each backend (PostgreSQL with RabbitMQ, and the embedded
SQLite with the in-process broker), emptied between tests."""

import copy
from types import SimpleNamespace

import pytest

from casework.testing import bearer
from intake.service import SERVICE

REFERRER = bearer("income-recovery-system", "referrer")
OTHER_REFERRER = bearer("asc-partner", "referrer")
INTAKE_OFFICER = bearer("officer-jo", "intake_officer")
TEAM_LEADER = bearer("leader-kim", "team_leader")

REFERRAL = {
    "source": {"system": "income_recovery", "team": "Income Recovery (North)",
               "referrer": {"name": "Sam Patel", "email": "sam.patel@council.example", "phone": "01908 000000"}},
    "person": {"name": "Alex Morgan", "date_of_birth": "1984-03-02", "phone": "07700 900123",
               "email": "alex.morgan@example.com", "address": "Flat 4, 12 Station Road, MK9 1AA"},
    "tenancy_ref": "T-0042117",
    "uprn": "25001234",
    "reasons": ["rent_arrears", "mental_health"],
    "details": "Tenant has stopped engaging with the income team and mentioned feeling low.",
    "arrears_balance": "1300.00",
    "weekly_rent": "130.00",
    "consent": {"given": True, "method": "verbal", "recorded_by": "Sam Patel"},
}


def referral_body(**changes) -> dict:
    """The example referral with top-level fields replaced (None removes a field)."""
    body = copy.deepcopy(REFERRAL)
    for name, value in changes.items():
        if value is None:
            body.pop(name, None)
        else:
            body[name] = value
    return body


@pytest.fixture(scope="session")
def who():
    """Callers' headers: ``who.referrer``, ``who.other_referrer``, ``who.intake_officer``, ``who.team_leader``."""
    return SimpleNamespace(referrer=REFERRER, other_referrer=OTHER_REFERRER, intake_officer=INTAKE_OFFICER,
                           team_leader=TEAM_LEADER)


@pytest.fixture(scope="session")
def body():
    """``body(**changes)``: the example referral with fields replaced."""
    return referral_body


@pytest.fixture(scope="module")
def intake(harness_for):
    with harness_for(SERVICE) as harness:
        yield harness


@pytest.fixture(autouse=True)
def clean(intake):
    yield
    intake.truncate()


@pytest.fixture
def refer(intake):
    """POST a referral (as the income-recovery system unless told) and return the 201 body."""

    def make(headers=REFERRER, **changes) -> dict:
        response = intake.client.post("/referrals", json=referral_body(**changes), headers=headers)
        assert response.status_code == 201, response.json
        return response.json

    return make
