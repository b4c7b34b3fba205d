"""A household changes whole: two officers at one moment with one ETag, and never to two applicants."""

import uuid

import pytest
from sqlalchemy import select

from casework_dev.testing import at_once
from lettings import households
from lettings.domain.household import HouseholdInvalid
from lettings.models import Applicant, HouseholdMember

from .conftest import OFFICER, add_applicant, person

COUPLE = [person(), person("partner", 36, "M")]
WITH_TEENAGERS = [person(), person("child", 14, "M"), person("child", 12, "F")]


def change_household(harness, url: str, etag: str, household: list[dict]):
    """A household change sent with ``etag`` by a client of its own (its own request and session)."""
    client = harness.client.application.test_client()
    return lambda: client.put(url, json={"household": household}, headers={**OFFICER, "If-Match": etag})


def test_two_household_changes_with_one_etag_have_one_winner(service):
    for _ in range(10):
        applicant = add_applicant(service)
        url = f"/applicants/{applicant['id']}"
        etag = service.client.get(url, headers=OFFICER).headers["ETag"]

        answers = at_once(change_household(service, f"{url}/household", etag, COUPLE),
                          change_household(service, f"{url}/household", etag, WITH_TEENAGERS))

        assert sorted(r.status_code for r in answers) == [200, 412]
        (won,) = [r.json for r in answers if r.status_code == 200]
        assert won["bedroom_need"] == (1 if len(won["household"]) == 2 else 3)
        final = service.client.get(url, headers=OFFICER).json
        assert final["household"] == won["household"] and final["bedroom_need"] == won["bedroom_need"]
        with service.db.transaction() as session:
            members = session.scalars(select(HouseholdMember.relationship)
                                      .where(HouseholdMember.applicant_id == uuid.UUID(applicant["id"]))).all()
        assert sorted(members) == sorted(m["relationship"] for m in won["household"])
        assert members.count("applicant") == 1


def test_a_household_with_two_applicants_is_a_problem_naming_the_household(lettings):
    applicant = add_applicant(lettings)
    url = f"/applicants/{applicant['id']}"

    r = lettings.client.put(f"{url}/household", json={"household": [person(), person(name="Another lead")]},
                            headers=OFFICER)

    assert r.status_code == 422 and r.mimetype == "application/problem+json"
    assert "exactly one member whose relationship is 'applicant'" in r.json["errors"]["household"][0]
    assert lettings.client.get(url, headers=OFFICER).json["household"] == applicant["household"]


def test_recording_a_household_refuses_two_applicants_whoever_calls_it(lettings):
    applicant = add_applicant(lettings)

    with lettings.db.transaction() as session:
        record = session.get(Applicant, uuid.UUID(applicant["id"]))
        with pytest.raises(HouseholdInvalid):
            households.set_household(session, record, [person(), person()])
        assert [m.relationship for m in record.household] == ["applicant", "child", "child"]
