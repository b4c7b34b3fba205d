"""Sustainment's use cases run on an in-memory SQLite session: no server, no broker, no HTTP."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest

from casework import policy as council_policy
from casework_dev.testing import memory_session
from sustainment import rules
from sustainment.cases import opening
from sustainment.models import NUMBERS, Base, Case

NOW = dt.datetime(2026, 11, 2, 10, 15, tzinfo=dt.UTC)  # a Monday


@pytest.fixture
def session():
    with memory_session(Base.metadata, counters=(NUMBERS.name,)) as session:  # migration 0006's counter
        yield session


@pytest.fixture(scope="session")
def policy() -> rules.Policy:
    """The council's default policy, as ``sustainment.policy.current()`` loads it without an override."""
    return rules.Policy.from_document(council_policy.load("sustainment", None))


@pytest.fixture
def case(session) -> Case:
    """An open sustainment case, as an accepted referral opens it."""
    return opening.open_case(session, Case(
        id=uuid.uuid4(), case_type="sustainment", status="open", risk_level="high", risk_score=45,
        risk_factors=[], reasons=["rent_arrears"], priority="urgent", referral_id=uuid.uuid4(),
        referral_reference="R-000042", tenancy_ref="T-000123", consent_given=True, opened_at=NOW,
        first_contact_due=NOW + dt.timedelta(days=2), tenant_name="Jane Doe"), source="referral R-000042")
