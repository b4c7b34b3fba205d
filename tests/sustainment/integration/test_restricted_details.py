"""Safeguarding and health details: the case's officer, team leaders and admins see them (audited);
other officers get them left out and named, or read them by breaking the glass with a reason."""

from __future__ import annotations

import pytest

from casework_dev.testing import bearer
from casework_dev.testing.times import plain_monday

OFFICER = bearer("officer-1", "sustainment_officer")
OTHER = bearer("officer-2", "sustainment_officer")
LEADER = bearer("leader-1", "team_leader")
MONDAY = plain_monday()  # ahead of the clock, however long these tests live


@pytest.fixture
def sensitive_case(sustainment, assigned_case, agency):
    """officer-1's case (reasons rent_arrears and mental_health) with a health note and a general one,
    a visit that identified risks and a referral to mental-health services."""
    case = assigned_case()
    c, url = sustainment.client, f"/cases/{case['id']}"
    assert c.post(f"{url}/notes", json={"text": "Tenant is on new medication.", "category": "health"},
                  headers=OFFICER).status_code == 201
    assert c.post(f"{url}/notes", json={"text": "Rang the tenant."}, headers=OFFICER).status_code == 201
    visit = c.post(f"{url}/visits", json={"kind": "home_visit", "scheduled_for": f"{MONDAY}T10:00:00Z"},
                   headers=OFFICER).json
    c.post(f"{url}/visits/{visit['id']}/outcome", headers=OFFICER,
           json={"outcome": "completed", "risks_identified": ["self_neglect"]})
    c.post(f"{url}/agency-referrals", headers=OFFICER, json={
        "agency_id": agency("Mental health services", restricted=True), "reason": "Low mood, not eating.",
        "consent_given": True})
    c.post(f"{url}/agency-referrals", headers=OFFICER, json={
        "agency_id": agency("Debt advice"), "reason": "Priority debts.", "consent_given": True})
    return case


def actions(sustainment, case_id):
    return [(e["action"], e["actor"], e["after"], e["reason"])
            for e in sustainment.client.get(f"/cases/{case_id}/audit?page_size=100", headers=LEADER).json]


def test_another_officer_gets_the_case_without_its_restricted_details_and_a_marker(sustainment, sensitive_case):
    r = sustainment.client.get(f"/cases/{sensitive_case['id']}", headers=OTHER)

    assert r.status_code == 200
    case = r.json
    assert case["restricted"] == ["reasons", "risk_factors", "notes", "visits.risks_identified",
                                  "agency_referrals.reason"]
    assert case["reasons"] == ["rent_arrears"]
    assert [f["code"] for f in case["risk_factors"]] == ["rent_arrears", "restricted"]
    assert sum(f["points"] for f in case["risk_factors"]) == case["risk_score"]  # they add up to what is shown
    assert [(n["text"], n["restricted"]) for n in case["notes"]] == [(None, True), ("Rang the tenant.", False)]
    assert [(v["risks_identified"], v["restricted"]) for v in case["visits"]] == [([], True)]
    assert [(a["agency"], a["reason"], a["restricted"]) for a in case["agency_referrals"]] == [
        ("Mental health services", None, True), ("Debt advice", "Priority debts.", False)]
    assert "Low mood" not in r.get_data(as_text=True) and "medication" not in r.get_data(as_text=True)
    assert not [a for a in actions(sustainment, sensitive_case["id"]) if a[1] == "officer-2" and a[0] != "read"]


def test_the_sub_resources_are_restricted_the_same_way(sustainment, sensitive_case):
    url = f"/cases/{sensitive_case['id']}"
    notes = sustainment.client.get(f"{url}/notes", headers=OTHER).json
    assert [n["text"] for n in notes] == [None, "Rang the tenant."]
    [visit] = sustainment.client.get(f"{url}/visits", headers=OTHER).json
    assert visit["risks_identified"] == [] and visit["restricted"] is True
    referrals = sustainment.client.get(f"{url}/agency-referrals", headers=OTHER).json
    assert [a["reason"] for a in referrals] == [None, "Priority debts."]


@pytest.mark.parametrize("reader, sub", [(OFFICER, "officer-1"), (LEADER, "leader-1")])
def test_the_assigned_officer_and_team_leaders_see_them_and_each_read_is_audited(sustainment, sensitive_case,
                                                                                 reader, sub):
    case = sustainment.client.get(f"/cases/{sensitive_case['id']}", headers=reader).json

    assert case["restricted"] == []
    assert case["reasons"] == ["rent_arrears", "mental_health"]
    assert case["notes"][0]["text"] == "Tenant is on new medication."
    assert case["visits"][0]["risks_identified"] == ["self_neglect"]
    assert case["agency_referrals"][0]["reason"] == "Low mood, not eating."
    assert ("read_restricted", sub, {"fields": ["reasons", "risk_factors", "notes", "visits.risks_identified",
                                                 "agency_referrals.reason"]}, None) in actions(
        sustainment, sensitive_case["id"])


def test_a_break_glass_read_shows_them_audits_the_reason_and_tells_the_manager(sustainment, sensitive_case):
    r = sustainment.client.get(f"/cases/{sensitive_case['id']}", headers=OTHER,
                               query_string={"break_glass_reason": "Tenant in crisis; officer-1 on leave."})

    assert r.status_code == 200
    assert r.json["restricted"] == [] and r.json["notes"][0]["text"] == "Tenant is on new medication."
    [entry] = [a for a in actions(sustainment, sensitive_case["id"]) if a[0] == "break_glass"]
    assert entry[1:] == ("officer-2", {"fields": ["reasons", "risk_factors", "notes", "visits.risks_identified",
                                                  "agency_referrals.reason"]},
                         "Tenant in crisis; officer-1 on leave.")
    [event] = sustainment.events("sustainment.restricted.read.v1")
    assert (event.data["case_id"], event.data["reference"], event.data["reader"]) == (
        sensitive_case["id"], sensitive_case["reference"], "officer-2")
    assert "crisis" not in event.to_json()


def test_an_officer_not_on_the_case_can_still_change_it_with_the_etag_they_read(sustainment, sensitive_case):
    r = sustainment.client.get(f"/cases/{sensitive_case['id']}", headers=OTHER)
    changed = sustainment.client.post(f"/cases/{sensitive_case['id']}/risk", headers={**OTHER, "If-Match": r.headers["ETag"]},
                                      json={"risk_level": "critical", "reason": "Threats from a neighbour."})
    assert changed.status_code == 200, changed.json
    assert changed.json["restricted"] != []


def test_the_cases_officer_changing_it_without_if_match_is_shown_its_restricted_details(sustainment, sensitive_case):
    changed = sustainment.client.post(f"/cases/{sensitive_case['id']}/risk", headers=OFFICER,
                                      json={"risk_level": "critical", "reason": "Threats from a neighbour."})

    assert changed.status_code == 200, changed.json
    assert changed.json["restricted"] == [] and "mental_health" in changed.json["reasons"]


def test_the_openapi_document_describes_the_marker(sustainment):
    spec = sustainment.client.get("/openapi.json").json
    schemas = spec["components"]["schemas"]
    assert "restricted" in schemas["CaseDetailRead"]["properties"]
    params = {p["name"] for p in spec["paths"]["/cases/{case_id}"]["get"]["parameters"]}
    assert "break_glass_reason" in params
