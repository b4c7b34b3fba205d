"""Lettings' use cases run on an in-memory SQLite session: no server, no broker, no HTTP."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy.orm import Session

from casework_dev.testing import memory_session
from lettings.domain.policy import LettingsPolicy
from lettings.letting import adverts, properties, register
from lettings.models import REFERENCES, Advert, Applicant, Base, Property

NOW = dt.datetime(2026, 11, 2, 10, 15, tzinfo=dt.UTC)  # a Monday


@pytest.fixture
def session():
    with memory_session(Base.metadata, counters=(REFERENCES.name,)) as session:  # migration 0002's counter
        yield session


@pytest.fixture(scope="session")
def policy() -> LettingsPolicy:
    """The council's default policy (the shipped ``policy.yaml`` holds the same)."""
    return LettingsPolicy()


def adult(relationship: str = "applicant", name: str = "Sam Lee", born: dt.date = dt.date(1990, 5, 1)) -> dict:
    return {"name": name, "date_of_birth": born, "sex": "F", "relationship": relationship}


def application(household: list[dict] | None = None, **changes: Any) -> dict[str, Any]:
    """What ``POST /applicants`` hands the use case once parsed."""
    return {"household": household or [adult()], "band": "B", "effective_date": dt.date(2024, 1, 10),
            "application_date": dt.date(2023, 12, 1), "needs": {"wheelchair": False, "ground_floor": False},
            "income": {"monthly_net": Decimal("2100.00"), "monthly_outgoings": Decimal("900.00")},
            "support_needs": [], "reasonable_preference": [], "move_on_from": None, "existing_tenant": False,
            "contact": {"phone": "07700 900123", "email": "tenant@example.org"}, **changes}


def applicant(session: Session, **changes: Any) -> Applicant:
    return register.register_applicant(session, application=application(**changes), by="officer-1", now=NOW)


def void_home(session: Session, bedrooms: int = 1) -> Property:
    prop = properties.add_property(
        session, address="Flat 3, 12 Fleming Way, Swindon SN1 2NG", uprn="10008123456", property_type="flat",
        bedrooms=bedrooms, floor=0, wheelchair_accessible=False, min_age=None, sensitive_let=False,
        weekly_rent=Decimal("98.00"), service_charge=Decimal("7.00"))
    properties.record_void(session, prop, void_date=dt.date(2026, 10, 19), reason="transfer", ready_to_let_date=None)
    return prop


def advertised(session: Session, prop: Property) -> Advert:
    return adverts.advertise(session, prop, closes_at=NOW + dt.timedelta(days=7), now=NOW)


