"""One lettings harness per test module, on each backend (PostgreSQL with RabbitMQ, and the embedded
SQLite with the in-process broker), emptied between tests; the records made over the API that
tests start from; and the officers' pages read and posted through the Flask test client."""

import datetime as dt
import html
import re

import pytest
from sqlalchemy import func, select

from casework.audit import AuditEntry
from casework_dev.testing import bearer
from casework_dev.testing.pages import csrf, sign_in_as
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


def closed_advert_with_bidders(harness, *applicants, prop=None, void_date: str | None = None) -> dict:
    prop = prop or add_property(harness)
    add_void(harness, prop, void_date)
    advert = open_advert(harness, prop)
    for applicant in applicants:
        assert bid(harness, advert, applicant).status_code == 201
    assert harness.client.post(f"/adverts/{advert['id']}/close", headers=OFFICER).status_code == 200
    return advert


def offer(harness, advert: dict, **body):
    return harness.client.post(f"/adverts/{advert['id']}/offers", json=body, headers=OFFICER)


def let(harness, advert: dict, applicant: dict, start: str) -> dict:
    """Offer the home to the top of the shortlist (``applicant``), who accepts, passes the checks and signs up."""
    made = offer(harness, advert)
    assert made.status_code == 201 and made.json["applicant_id"] == applicant["id"], made.json
    for step, status in (("accept", 200), ("checks", 201)):
        assert harness.client.post(f"/offers/{made.json['id']}/{step}", headers=OFFICER).status_code == status
    r = harness.client.post(f"/offers/{made.json['id']}/sign-up", json={"tenancy_start": start}, headers=OFFICER)
    assert r.status_code == 201, r.json
    return r.json


# -- the pages ------------------------------------------------------------------------------------


@pytest.fixture
def browser(lettings):
    """A lettings officer signed in to the pages (the Flask test client: no JavaScript)."""
    with lettings.app.test_client() as client:
        sign_in_as(client, "officer-1", "lettings_officer", name="Lee Officer")
        yield client


def page_of(client, url: str, status: int = 200) -> str:
    r = client.get(url)
    assert r.status_code == status, r.get_data(as_text=True)[:2000]
    return r.get_data(as_text=True)


def post(client, url: str, page: str, data: dict, status: int = 303):
    """The form posted with the CSRF token of the ``page`` it is on; answered with ``status``."""
    r = client.post(url, data={"csrf_token": csrf(page), **data})
    body = r.get_data(as_text=True)
    assert r.status_code == status, (re.findall(r"govuk-error-summary__list.*?</ul>", body, re.S) or [body[:3000]])[0]
    return r


def summary(body: str) -> str:
    """The page's GOV.UK error summary (there must be one), as text."""
    found = re.findall(r"govuk-error-summary__list.*?</ul>", body, re.S)
    assert found, "the page has an error summary"
    return html.unescape(found[0])


def on_day(day: dt.date, name: str) -> dict:
    """GOV.UK's date input: day, month and year under the field's one name."""
    return {name: [str(day.day), str(day.month), str(day.year)]}


def audits(lettings, record_id, action="read") -> int:
    with lettings.db.transaction() as session:
        return session.scalar(select(func.count()).select_from(AuditEntry).where(
            AuditEntry.record_id == str(record_id), AuditEntry.action == action))


def version(page: str) -> str:
    """The applicant's version the change form carries."""
    found = re.search(r'name="version"[^>]*value="([^"]*)"', page)
    assert found, "the change form carries the applicant's version"
    return html.unescape(found.group(1))


def let_home(lettings, applicant: dict, start: dt.date | None = None, *, direct: bool = False, home: dict | None = None,
        **details) -> dict:
    """Let a home (a new one unless given) to the applicant from ``start`` (today unless given), void a
    week before: by advert and bid, or by direct match; the checks overridden."""
    start = start or dt.date.today()
    home = home or add_property(lettings, **details)
    add_void(lettings, home, (start - dt.timedelta(days=7)).isoformat())
    if direct:
        made = lettings.client.post("/offers", headers=OFFICER, json={
            "property_id": home["id"], "applicant_id": applicant["id"], "direct_match_reason": "Fleeing violence"}).json
    else:
        advert = open_advert(lettings, home)
        assert bid(lettings, advert, applicant).status_code == 201
        assert lettings.client.post(f"/adverts/{advert['id']}/close", headers=OFFICER).status_code == 200
        made = lettings.client.post(f"/adverts/{advert['id']}/offers", json={}, headers=OFFICER).json
    assert "id" in made, made
    assert lettings.client.post(f"/offers/{made['id']}/accept", headers=OFFICER).status_code == 200
    signed = lettings.client.post(f"/offers/{made['id']}/sign-up", headers=OFFICER, json={
        "tenancy_start": start.isoformat(), "override_reason": "Checked by hand."})
    assert signed.status_code == 201, signed.json
    return signed.json | {"home": home}
