"""Two officers change one household at the same moment, both having read the same version."""

import uuid

from sqlalchemy import select

from casework.testing import at_once
from lettings.models import HouseholdMember

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
