"""Two officers agree a plan at the same moment, both having read the same version of the case."""

from __future__ import annotations

from casework_dev.testing import at_once

from .test_casework import OFFICER, PLAN


def agree(sustainment, url: str, etag: str, plan: dict):
    """A plan sent with ``etag`` by a client of its own (its own request, session and connection)."""
    client = sustainment.client.application.test_client()
    return lambda: client.put(url, json=plan, headers={**OFFICER, "If-Match": etag})


def test_two_plans_agreed_with_one_etag_have_one_winner(sustainment, assigned_case):
    for _ in range(10):
        case = assigned_case()
        url = f"/cases/{case['id']}"
        etag = sustainment.client.get(url, headers=OFFICER).headers["ETag"]

        answers = at_once(agree(sustainment, f"{url}/plan", etag, PLAN),
                          agree(sustainment, f"{url}/plan", etag, {**PLAN, "actions": PLAN["actions"][:1]}))

        assert sorted(r.status_code for r in answers) == [200, 412]
        versions = sustainment.client.get(f"{url}/plan/versions", headers=OFFICER).json
        assert [v["version"] for v in versions] == [1]
