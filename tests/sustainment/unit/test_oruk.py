"""Reading Open Referral UK exports: ORUK 1's paged services and HSDS 3's, as tables of cases."""

import pytest

from sustainment import oruk

SERVICE = {"id": "s-1", "name": "Debt advice", "organization": {"id": "o-1", "name": "Citizens Advice"}}


@pytest.mark.parametrize("export", [[SERVICE], {"content": [SERVICE]}, {"contents": [SERVICE]}])
def test_an_export_is_a_list_of_services_or_a_page_of_them(export):
    [listing], problems = oruk.read_export(export)
    assert problems == []
    assert (listing.oruk_service_id, listing.organisation_name, listing.service_name) == (
        "s-1", "Citizens Advice", "Debt advice")


@pytest.mark.parametrize("service, values", [
    ({**SERVICE, "eligibilitys": [{"eligibility": "Tenants", "minimum_age": 18}]},
     {"eligibility": "Tenants", "minimum_age": 18, "maximum_age": None}),
    ({**SERVICE, "eligibility_description": "Over 60s", "minimum_age": 60},  # HSDS 3
     {"eligibility": "Over 60s", "minimum_age": 60}),
    ({**SERVICE, "contacts": [{"name": "Referrals", "email": "r@example.org", "phones": [{"number": "0800 1"}]}]},
     {"contact_name": "Referrals", "email": "r@example.org", "contact_phone": "0800 1"}),
    ({**SERVICE, "status": "inactive"}, {"active": False}),
])
def test_contact_eligibility_and_status_are_read(service, values):
    [listing], _ = oruk.read_export([service])
    assert {name: listing.values[name] for name in values} == values


@pytest.mark.parametrize("export, field", [
    ({"services": []}, "content"),
    (["a service"], "0"),
    ([{"name": "No id", "organization": {"name": "Org"}}], "0.id"),
    ([{**SERVICE, "organization": {}}], "0.organization.name"),
    ([{**SERVICE, "minimum_age": -1}], "0.minimum_age"),
    ([SERVICE, SERVICE], "1.id"),
])
def test_each_problem_is_named_by_its_field(export, field):
    listings, problems = oruk.read_export(export)
    assert field in {p.field for p in problems}
