"""Every event the intake and lettings journeys write is a valid CloudEvent (the CloudEvents SDK)
and matches its message in the committed AsyncAPI document, which is valid AsyncAPI 3."""

import datetime as dt
import json
from pathlib import Path

import jsonschema
import pytest
import yaml
from cloudevents.core.formats.json import JSONFormat

from casework.contracts import catalogue
from casework_dev.testing import bearer

ROOT = Path(__file__).resolve().parents[2]
OFFICER = bearer("officer-1", "lettings_officer")
REFERRER = bearer("income-recovery-system", "referrer")
INTAKE_OFFICER = bearer("officer-jo", "intake_officer")
REFERRAL = {
    "source": {"system": "income_recovery", "team": "Income Recovery (North)", "referrer": {"name": "Sam Patel"}},
    "person": {"name": "Alex Morgan", "date_of_birth": "1984-03-02", "address": "Flat 4, 12 Station Road"},
    "tenancy_ref": "T-0042117", "uprn": "25001234", "reasons": ["rent_arrears", "mental_health"],
    "details": "Arrears.", "arrears_balance": "1300.00", "weekly_rent": "130.00",
    "consent": {"given": True, "method": "verbal", "recorded_by": "Sam Patel"},
}


@pytest.fixture(scope="module")
def asyncapi() -> dict:
    return yaml.safe_load((ROOT / "docs" / "asyncapi.yaml").read_text())


def message_schema(document: dict, type_: str) -> dict:
    """The payload schema of ``type_``'s message, with the document's components to resolve refs."""
    name = type_.removeprefix("casework.").replace(".", "_")
    payload = document["components"]["messages"][name]["payload"]
    return {**payload, "components": document["components"]}


def intake_journey(client) -> None:
    ids = [client.post("/referrals", json={**REFERRAL, "tenancy_ref": f"T-{i}"}, headers=REFERRER).json["id"]
           for i in range(4)]
    for rid, decision in zip(ids, [{"outcome": "accept"}, {"outcome": "reject", "reason": "Not ours."},
                                   {"outcome": "signpost", "reason": "Advice", "signposted_to": "Citizens Advice"}],
                             strict=False):
        assert client.post(f"/referrals/{rid}/triage", json=decision, headers=INTAKE_OFFICER).status_code == 200
    assert client.post(f"/referrals/{ids[3]}/withdraw", json={"reason": "Paid."}, headers=REFERRER).status_code == 200


def lettings_journey(client) -> None:
    prop = client.post("/properties", json={"address": "Flat 3, 12 Fleming Way", "uprn": "10008123456",
                                            "property_type": "flat", "bedrooms": 1, "floor": 0,
                                            "wheelchair_accessible": False, "weekly_rent": "98.00",
                                            "service_charge": "7.00"}, headers=OFFICER).json
    assert client.post(f"/properties/{prop['id']}/void", json={"void_date": str(dt.date.today()), "reason": "transfer"},
                       headers=OFFICER).status_code == 201
    closes = (dt.datetime.now(dt.UTC) + dt.timedelta(days=7)).isoformat()
    advert = client.post("/adverts", json={"property_id": prop["id"], "closes_at": closes}, headers=OFFICER).json
    applicants = []
    for band in "AB":
        applicants.append(client.post("/applicants", json={
            "household": [{"name": f"Lead {band}", "date_of_birth": "1980-01-01", "sex": "F", "relationship": "applicant"}],
            "band": band, "effective_date": "2024-01-10", "application_date": "2023-12-01",
            "income": {"monthly_net": "2100.00", "monthly_outgoings": "900.00"}, "support_needs": ["mental_health"],
        }, headers=OFFICER).json)
        assert client.post(f"/adverts/{advert['id']}/bids", json={"applicant_id": applicants[-1]["id"]},
                           headers=OFFICER).status_code == 201
    assert client.post(f"/adverts/{advert['id']}/close", headers=OFFICER).status_code == 200
    first = client.post(f"/adverts/{advert['id']}/offers", json={}, headers=OFFICER).json
    assert client.post(f"/offers/{first['id']}/refuse", json={"reason": "Too far", "reasonable": True},
                       headers=OFFICER).status_code == 200
    second = client.post(f"/adverts/{advert['id']}/offers", json={}, headers=OFFICER).json
    assert client.post(f"/offers/{second['id']}/accept", headers=OFFICER).status_code == 200
    signed = client.post(f"/offers/{second['id']}/sign-up", json={"tenancy_start": str(dt.date.today())},
                         headers=OFFICER)
    assert signed.status_code == 201, signed.json


JOURNEYS = {"intake": intake_journey, "lettings": lettings_journey}


@pytest.mark.parametrize("name", sorted(JOURNEYS))
def test_every_event_of_a_journey_is_a_cloudevent_matching_the_catalogue(harnesses, asyncapi, name):
    harness = harnesses(name)
    JOURNEYS[name](harness.client)
    events = harness.events()
    assert len({e.type for e in events}) >= 4
    for event in events:
        body = event.to_json()
        parsed = JSONFormat().read(None, body.encode())
        assert parsed.get_specversion() == "1.0"
        assert (parsed.get_id(), parsed.get_type()) == (event.id, event.type)
        assert parsed.get_source() == f"/{name}"
        assert parsed.get_time() is not None and parsed.get_datacontenttype() == "application/json"
        raw = json.loads(body)
        assert raw["correlationid"] and raw["causationid"]
        jsonschema.validate(raw, message_schema(asyncapi, event.type))
        catalogue.load(event.type, raw["data"])  # the consumers' own reading of it


def test_the_committed_asyncapi_document_is_valid_asyncapi_3(asyncapi):
    schema = json.loads((ROOT / "tests" / "schemas" / "asyncapi-3.0.0.json").read_text())
    jsonschema.validators.validator_for(schema)(schema).validate(asyncapi)
