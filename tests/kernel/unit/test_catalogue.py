"""The event catalogue: outgoing data validated, incoming data loaded, AsyncAPI kept fresh."""

import datetime as dt
import json
import uuid
from pathlib import Path

import jsonschema
import pytest
import yaml

from casework.contracts import build, catalogue
from casework.events import InvalidEventData, UnknownEventType
from casework.events.asyncapi import document, render

ROOT = Path(__file__).resolve().parents[3]


def test_every_type_in_the_design_is_in_the_catalogue():
    design = {
        "intake": ["referral.received", "referral.accepted", "referral.rejected", "referral.signposted",
                   "referral.withdrawn"],
        "sustainment": ["case.opened", "case.assigned", "plan.agreed", "visit.scheduled", "visit.recorded",
                        "risk.changed", "agency_referral.made", "deadline.missed", "case.closed"],
        "lettings": ["property.void_started", "advert.published", "advert.closed", "offer.made", "offer.accepted",
                     "offer.refused", "offer.withdrawn", "offer.expired", "tenancy.started"],
        "notifications": ["task.created", "task.overdue"],
    }
    built = build()
    for producer, names in design.items():
        for name in names:
            contract = built.get(f"casework.{producer}.{name}.v1")
            assert contract.producer == producer


def test_outgoing_data_is_serialised_by_its_contract():
    data = catalogue.serialise("casework.intake.referral.received.v1", {
        "referral_id": uuid.UUID(int=1), "reference": "R-000001", "source_system": "income",
        "risk_level": "high", "risk_score": 45, "reasons": ["rent_arrears"],
        "triage_due": dt.datetime(2026, 1, 5, 17, tzinfo=dt.UTC),
    })
    assert data["referral_id"] == "00000000-0000-0000-0000-000000000001"
    assert data["triage_due"] == "2026-01-05T17:00:00+00:00"


def test_outgoing_data_missing_a_required_field_is_refused():
    with pytest.raises(InvalidEventData) as caught:
        catalogue.serialise("casework.intake.referral.received.v1", {"reference": "R-1"})
    assert "referral_id" in caught.value.errors


def test_outgoing_data_a_contract_refuses_gets_the_contract_s_own_errors():
    data = {"referral_id": uuid.UUID(int=1), "reference": "R-000001", "source_system": "income",
            "risk_level": "extreme", "risk_score": 45, "reasons": ["rent_arrears"],
            "triage_due": dt.datetime(2026, 1, 5, 17, tzinfo=dt.UTC)}
    with pytest.raises(InvalidEventData) as caught:
        catalogue.serialise("casework.intake.referral.received.v1", data)
    schema = catalogue.get("casework.intake.referral.received.v1").schema()
    assert caught.value.errors == schema.validate(schema.dump(data))
    assert "risk_level" in caught.value.errors


def test_an_unknown_type_is_refused():
    with pytest.raises(UnknownEventType):
        catalogue.serialise("casework.nobody.nothing.v1", {})


def test_incoming_data_is_loaded_and_extra_fields_pass():
    loaded = catalogue.load("casework.lettings.offer.expired.v1", {
        "offer_id": str(uuid.UUID(int=2)), "reference": "O-1", "advert_id": None,
        "property_id": str(uuid.UUID(int=3)), "applicant_id": str(uuid.UUID(int=4)), "added_later": True,
    })
    assert loaded["offer_id"] == uuid.UUID(int=2)
    assert loaded["added_later"] is True


def test_the_committed_asyncapi_document_is_current():
    committed = (ROOT / "docs" / "asyncapi.yaml").read_text()
    assert committed == render(build()), "docs/asyncapi.yaml is stale: run `casework asyncapi`"


def test_the_asyncapi_document_is_valid_asyncapi_3():
    schema = json.loads((ROOT / "tests" / "schemas" / "asyncapi-3.0.0.json").read_text())
    jsonschema.validate(yaml.safe_load(render(build())), schema)


def test_every_message_names_its_producer_and_consumers():
    doc = document(build())
    message = doc["components"]["messages"]["intake_referral_accepted_v1"]
    assert message["x-producer"] == "intake"
    assert "sustainment" in message["x-consumers"]
