"""Notifications' use cases run on an in-memory SQLite session: no server, no broker, no HTTP."""

from __future__ import annotations

import datetime as dt
from typing import Any

import orjson
import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from casework.audit import AuditEntry
from casework.context import Principal
from casework.db import Database, KernelBase
from casework.outbox import OutboxMessage
from casework.timers import Timer
from notifications.models import Base, Officer, Team
from notifications.policy import load
from notifications.rules import Policy

NOW = dt.datetime(2026, 11, 2, 10, 15, tzinfo=dt.UTC)  # a Monday
OFFICER = Principal(sub="officer-1", roles=frozenset({"sustainment_officer"}), name="Olu Officer")
COLLEAGUE = Principal(sub="officer-2", roles=frozenset({"sustainment_officer"}), name="Cam Colleague")
LEADER = Principal(sub="leader-1", roles=frozenset({"sustainment_officer", "team_leader"}), name="Lee Leader")


@pytest.fixture
def session():
    db = Database("sqlite://")
    KernelBase.metadata.create_all(db.engine)
    Base.metadata.create_all(db.engine)
    with db.session() as session:
        yield session
    db.dispose()


@pytest.fixture(scope="session")
def policy() -> Policy:
    """The council's default policy, as ``notifications.policy.current()`` reads it without an override."""
    return load()


@pytest.fixture
def directory(session) -> None:
    """The sustainment team, its manager and two officers (e-mailed in a daily digest, so no
    e-mail goes out with each message)."""
    session.add(Team(slug="sustainment", name="Tenancy sustainment", manager_id=LEADER.sub, shared_queue=True))
    for who in (OFFICER, COLLEAGUE, LEADER):
        session.add(Officer(id=who.sub, name=who.name, email=f"{who.sub}@council.example", teams=["sustainment"],
                            roles=sorted(who.roles), active=True, email_preference="daily_digest"))
    session.flush()


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
