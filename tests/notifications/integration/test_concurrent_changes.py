"""Two admins change one officer (or team) at the same moment, both having read the same version."""

import pytest
from notifications_support import ADMIN

from casework_dev.testing import at_once


@pytest.fixture
def service(notifications):
    """``notifications`` itself, which runs on PostgreSQL and on the embedded SQLite file."""
    return notifications


def put(harness, url: str, etag: str, body: dict):
    """A change sent with ``etag`` by a client of its own (its own request and session)."""
    client = harness.client.application.test_client()
    return lambda: client.put(url, json=body, headers={**ADMIN, "If-Match": etag})


def one_winner(harness, url: str, first: dict, second: dict) -> dict:
    etag = harness.client.get(url, headers=ADMIN).headers["ETag"]

    answers = at_once(put(harness, url, etag, first), put(harness, url, etag, second))

    assert sorted(r.status_code for r in answers) == [200, 412]
    (won,) = [r.json for r in answers if r.status_code == 200]
    assert harness.client.get(url, headers=ADMIN).json == won
    return won


def test_two_changes_to_an_officer_with_one_etag_have_one_winner(service):
    for n in range(10):
        officer = {"name": "N Officer", "email": f"n{n}@council.test", "teams": ["lettings"],
                   "roles": ["lettings_officer"]}
        assert service.client.post("/officers", json={"id": f"o-{n}", **officer}, headers=ADMIN).status_code == 201

        won = one_winner(service, f"/officers/o-{n}", {**officer, "teams": ["intake"], "roles": ["intake_officer"]},
                         {**officer, "active": False})

        here = {"away_from": None, "away_until": None, "cover_id": None}  # nobody is away
        assert won in ({**officer, **here, "id": f"o-{n}", "teams": ["intake"], "roles": ["intake_officer"],
                        "active": True, "email_preference": "immediate"},
                       {**officer, **here, "id": f"o-{n}", "active": False, "email_preference": "immediate"})


def test_two_changes_to_a_team_with_one_etag_have_one_winner(service):
    for n in range(10):
        slug = f"team_{n}"
        assert service.client.post("/teams", json={"slug": slug, "name": "A team"}, headers=ADMIN).status_code == 201

        won = one_winner(service, f"/teams/{slug}", {"name": "Renamed"}, {"name": "A team", "manager_id": "o-lead"})

        assert (won["name"], won["manager_id"]) in (("Renamed", None), ("A team", "o-lead"))


def test_two_changes_to_an_officers_preferences_with_one_etag_have_one_winner(service):
    for n in range(10):
        officer = {"id": f"o-{n}", "name": "N Officer", "email": f"n{n}@council.test", "teams": ["lettings"],
                   "roles": ["lettings_officer"]}
        assert service.client.post("/officers", json=officer, headers=ADMIN).status_code == 201

        won = one_winner(service, f"/officers/o-{n}/preferences", {"email": "off"}, {"email": "daily_digest"})

        assert won["email"] in ("off", "daily_digest") and won["inbox"] == "on"
