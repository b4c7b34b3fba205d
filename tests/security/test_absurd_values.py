"""Absurd dates, money and booleans are a 422 naming the field on every service, never a 500 or a 201.

Each was accepted in the attack on the running system: a tenancy start of 9999-12-31 (the
onboarding case was then lost in sustainment), a date of birth of 0001-01-01, ``"-0"`` and
Arabic-Indic digits as money, ``1`` as a boolean; and ``received_to=9999-12-31`` was a 500.
"""

import uuid

import pytest

from casework_dev.testing import bearer

ADMIN = bearer("admin-1", "admin")
SOMEONE = str(uuid.uuid4())

#: (service, method, path, body or query, the field the 422 must name)
ABSURD = [
    # dates
    ("intake", "GET", "/referrals?received_to=9999-12-31", None, "received_to"),
    ("intake", "GET", "/referrals?received_from=0001-01-01", None, "received_from"),
    ("intake", "POST", "/referrals", {"person": {"name": "A", "date_of_birth": "0001-01-01"}}, "person.date_of_birth"),
    ("lettings", "POST", f"/offers/{SOMEONE}/sign-up", {"tenancy_start": "9999-12-31"}, "tenancy_start"),
    ("lettings", "POST", f"/properties/{SOMEONE}/void", {"void_date": "9999-12-31", "reason": "transfer"}, "void_date"),
    ("lettings", "POST", "/applicants", {"household": [{"name": "A", "date_of_birth": "0001-01-01", "sex": "F",
                                                        "relationship": "applicant"}]}, "household.0.date_of_birth"),
    ("lettings", "POST", "/applicants", {"effective_date": "9999-12-31"}, "effective_date"),
    ("lettings", "GET", "/reports/voids?from=0001-01-01", None, "from"),
    ("lettings", "POST", "/adverts", {"closes_at": "9999-12-31T23:59:59-14:00"}, "closes_at"),
    ("notifications", "GET", "/tasks?due_before=9999-12-31T23:59:59-14:00", None, "due_before"),
    ("sustainment", "POST", f"/cases/{SOMEONE}/contacts", {"method": "phone", "made_at": "2999-01-01T00:00:00Z"},
     "made_at"),
    ("sustainment", "GET", "/reports/outcomes?closed_to=9999-12-31", None, "closed_to"),
    # money
    ("lettings", "POST", "/properties", {"weekly_rent": "-0"}, "weekly_rent"),
    ("lettings", "POST", "/properties", {"weekly_rent": "١٢٣.٤٥"}, "weekly_rent"),
    ("lettings", "POST", "/properties", {"weekly_rent": "100000000.00"}, "weekly_rent"),
    ("intake", "POST", "/referrals", {"arrears_balance": "-0.00"}, "arrears_balance"),
    # booleans
    ("intake", "POST", "/referrals", {"consent": {"given": 1}}, "consent.given"),
    ("lettings", "POST", "/properties", {"wheelchair_accessible": 1}, "wheelchair_accessible"),
    ("notifications", "POST", "/teams", {"slug": "housing", "name": "Housing", "shared_queue": 0}, "shared_queue"),
    ("sustainment", "POST", f"/cases/{SOMEONE}/agency-referrals",
     {"agency_id": SOMEONE, "reason": "Debts.", "consent_given": 1}, "consent_given"),
]


@pytest.mark.parametrize(("service", "method", "path", "body", "field"), ABSURD,
                         ids=[f"{s} {m} {p.replace(SOMEONE, '{id}')} {f}" for s, m, p, _, f in ABSURD])
def test_an_absurd_value_is_422_naming_its_field(harnesses, service, method, path, body, field):
    response = harnesses(service).client.open(path, method=method, json=body, headers=ADMIN)
    assert response.status_code == 422, response.get_data(as_text=True)
    assert response.mimetype == "application/problem+json"
    assert field in response.get_json()["errors"]


def test_a_far_future_query_date_within_the_range_is_answered(harnesses):
    response = harnesses("intake").client.get("/referrals?received_to=2100-12-31", headers=ADMIN)
    assert response.status_code == 200


@pytest.mark.parametrize("service", ["intake", "lettings", "sustainment", "notifications"])
def test_a_page_past_any_bigint_is_empty(harnesses, service):
    path = {"intake": "/referrals", "lettings": "/properties", "sustainment": "/cases",
            "notifications": "/tasks"}[service]
    response = harnesses(service).client.get(f"{path}?page={10**23}", headers=ADMIN)
    assert response.status_code == 200
    assert response.get_json() == []
