"""Notifications' use cases run on an in-memory SQLite session: no server, no broker, no HTTP."""

from __future__ import annotations

import datetime as dt

import pytest

from casework.context import Principal
from casework_dev.testing import memory_session
from notifications.models import Base, Officer, Team
from notifications.policy import load
from notifications.rules import Policy

NOW = dt.datetime(2026, 11, 2, 10, 15, tzinfo=dt.UTC)  # a Monday
OFFICER = Principal(sub="officer-1", roles=frozenset({"sustainment_officer"}), name="Olu Officer")
COLLEAGUE = Principal(sub="officer-2", roles=frozenset({"sustainment_officer"}), name="Cam Colleague")
LEADER = Principal(sub="leader-1", roles=frozenset({"sustainment_officer", "team_leader"}), name="Lee Leader")


@pytest.fixture
def session():
    with memory_session(Base.metadata) as session:
        yield session


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
