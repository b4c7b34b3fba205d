"""One lettings harness per test module, on each backend (PostgreSQL with RabbitMQ, and the embedded
SQLite with the in-process broker), emptied between tests."""

import datetime as dt

import pytest

from casework.testing import bearer
from lettings.service import SERVICE

OFFICER = bearer("officer-1", "lettings_officer")


@pytest.fixture(scope="module")
def lettings(harness_for):
    with harness_for(SERVICE) as harness:
        yield harness


@pytest.fixture
def service(lettings):
    """The same as ``lettings`` (its tests were the first to run on both backends)."""
    return lettings


@pytest.fixture(autouse=True)
def clean(lettings):
    yield
    lettings.truncate()


def years_ago(years: int, days: int = 0) -> str:
    today = dt.date.today()
    return (today.replace(year=today.year - years) - dt.timedelta(days=days)).isoformat()


def person(relationship="applicant", age=35, sex="F", name=None) -> dict:
    return {"name": name or f"{relationship.title()} {age}", "date_of_birth": years_ago(age, 10), "sex": sex,
            "relationship": relationship}


def add_property(harness, **changes) -> dict:
    body = {"address": "Flat 3, 12 Fleming Way, Swindon SN1 2NG", "uprn": "10008123456", "property_type": "flat",
            "bedrooms": 2, "floor": 0, "wheelchair_accessible": False, "weekly_rent": "98.00",
            "service_charge": "7.00", **changes}
    r = harness.client.post("/properties", json=body, headers=OFFICER)
    assert r.status_code == 201, r.json
    return r.json


def add_void(harness, prop: dict, void_date: str | None = None) -> dict:
    void_date = void_date or (dt.date.today() - dt.timedelta(days=14)).isoformat()
    r = harness.client.post(f"/properties/{prop['id']}/void", json={"void_date": void_date, "reason": "transfer"},
                            headers=OFFICER)
    assert r.status_code == 201, r.json
    return r.json


def add_applicant(harness, household=None, **changes) -> dict:
    body = {"household": household or [person(), person("child", 6, "M"), person("child", 4, "F")],
            "band": "B", "effective_date": "2024-01-10", "application_date": "2023-12-01",
            "income": {"monthly_net": "2100.00", "monthly_outgoings": "900.00"},
            "contact": {"phone": "07700 900123", "email": "tenant@example.org"}, **changes}
    r = harness.client.post("/applicants", json=body, headers=OFFICER)
    assert r.status_code == 201, r.json
    return r.json


def open_advert(harness, prop: dict) -> dict:
    closes = (dt.datetime.now(dt.UTC) + dt.timedelta(days=7)).isoformat()
    r = harness.client.post("/adverts", json={"property_id": prop["id"], "closes_at": closes}, headers=OFFICER)
    assert r.status_code == 201, r.json
    return r.json


def bid(harness, advert: dict, applicant: dict):
    return harness.client.post(f"/adverts/{advert['id']}/bids", json={"applicant_id": applicant["id"]},
                               headers=OFFICER)


def closed_advert_with_bidders(harness, *applicants, prop=None) -> dict:
    prop = prop or add_property(harness)
    add_void(harness, prop)
    advert = open_advert(harness, prop)
    for applicant in applicants:
        assert bid(harness, advert, applicant).status_code == 201
    assert harness.client.post(f"/adverts/{advert['id']}/close", headers=OFFICER).status_code == 200
    return advert


def offer(harness, advert: dict, **body):
    return harness.client.post(f"/adverts/{advert['id']}/offers", json=body, headers=OFFICER)
