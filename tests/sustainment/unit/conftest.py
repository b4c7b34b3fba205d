"""Sustainment's use cases run on an in-memory SQLite session: no server, no broker, no HTTP."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import orjson
import pytest
from alembic.migration import MigrationContext
from alembic.operations import Operations
from sqlalchemy import select
from sqlalchemy.orm import Session

from casework import numbering
from casework import policy as council_policy
from casework.audit import AuditEntry
from casework.db import Database, KernelBase
from casework.outbox import OutboxMessage
from casework.timers import Timer
from sustainment import rules
from sustainment.cases import opening
from sustainment.models import NUMBERS, Base, Case

NOW = dt.datetime(2026, 11, 2, 10, 15, tzinfo=dt.UTC)  # a Monday


@pytest.fixture
def session():
    db = Database("sqlite://")
    KernelBase.metadata.create_all(db.engine)
    Base.metadata.create_all(db.engine)
    with db.engine.begin() as connection:  # what migration 0006 makes: the case numbers' counter
        numbering.create_counter(Operations(MigrationContext.configure(connection)), NUMBERS.name)
    with db.session() as session:
        yield session
    db.dispose()


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


def published(session: Session) -> list[tuple[str, dict[str, Any]]]:
    """The events in the outbox, oldest first: (type without ``casework.``, data)."""
    rows = session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).all()
    return [(row.event_type.removeprefix("casework."), orjson.loads(row.body)["data"]) for row in rows]


def audited(session: Session) -> list[str]:
    """The audit log's actions, oldest first."""
    return list(session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)))


def pending_timers(session: Session) -> dict[str, dt.datetime]:
    """Timers neither fired nor cancelled, by key."""
    rows = session.scalars(select(Timer).where(Timer.fired_at.is_(None), Timer.cancelled_at.is_(None))).all()
    return {row.key: row.due_at for row in rows}
