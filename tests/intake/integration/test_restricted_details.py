"""Safeguarding and health details of a referral: intake officers, team leaders and the referrer that
sent them see them (audited); other readers get them left out and named, or break the glass."""

from __future__ import annotations

import pytest

from casework_dev.testing import bearer

SUSTAINMENT_OFFICER = bearer("officer-sam", "sustainment_officer")


@pytest.fixture
def referral(refer):
    return refer()  # reasons rent_arrears and mental_health, with details


def trail(intake, referral_id, who):
    """The referral's trail in the order it happened (the API answers newest first)."""
    newest_first = intake.client.get(f"/referrals/{referral_id}/audit?page_size=100", headers=who.team_leader).json
    return [(e["action"], e["actor"], e["after"], e["reason"]) for e in reversed(newest_first)]


def test_a_sustainment_officer_gets_the_referral_without_its_restricted_details(intake, referral, who):
    r = intake.client.get(f"/referrals/{referral['id']}", headers=SUSTAINMENT_OFFICER)

    assert r.status_code == 200
    assert r.json["restricted"] == ["details", "reasons", "risk.factors"]
    assert r.json["details"] is None and r.json["reasons"] == ["rent_arrears"]
    assert [f["code"] for f in r.json["risk"]["factors"]] == ["rent_arrears", "restricted"]
    assert "mental_health" not in r.get_data(as_text=True)
    assert "feeling low" not in r.get_data(as_text=True)
    assert "read_restricted" not in {a[0] for a in trail(intake, referral["id"], who)}


def test_the_risk_factors_a_sustainment_officer_sees_add_up_to_the_score_they_see(intake, referral, who):
    whole = intake.client.get(f"/referrals/{referral['id']}", headers=who.team_leader).json["risk"]
    seen = intake.client.get(f"/referrals/{referral['id']}", headers=SUSTAINMENT_OFFICER).json["risk"]

    assert (seen["score"], seen["level"]) == (whole["score"], whole["level"])  # the score that set the priority
    assert sum(f["points"] for f in seen["factors"]) == seen["score"]
    [restricted] = [f for f in seen["factors"] if f["code"] == "restricted"]
    assert restricted["points"] == sum(f["points"] for f in whole["factors"] if f["code"] == "mental_health")


@pytest.mark.parametrize("reader", ["intake_officer", "team_leader", "referrer"])
def test_triagers_and_the_referrer_see_them_and_the_read_is_audited(intake, referral, who, reader):
    headers = getattr(who, reader)
    r = intake.client.get(f"/referrals/{referral['id']}", headers=headers)

    assert r.json["restricted"] == [] and r.json["details"].startswith("Tenant has stopped engaging")
    assert r.json["reasons"] == ["rent_arrears", "mental_health"]
    reads = [a for a in trail(intake, referral["id"], who) if a[0] == "read_restricted"]
    assert [a[2] for a in reads] == [{"fields": ["details", "reasons", "risk.factors"]}]


def test_a_break_glass_read_shows_them_audits_the_reason_and_tells_the_manager(intake, referral, who):
    r = intake.client.get(f"/referrals/{referral['id']}", headers=SUSTAINMENT_OFFICER,
                          query_string={"break_glass_reason": "Tenant at the office in crisis."})

    assert r.status_code == 200 and r.json["restricted"] == [] and r.json["details"] is not None
    [entry] = [a for a in trail(intake, referral["id"], who) if a[0] == "break_glass"]
    assert entry[1:] == ("officer-sam", {"fields": ["details", "reasons", "risk.factors"]},
                         "Tenant at the office in crisis.")
    [event] = intake.events("intake.restricted.read.v1")
    assert (event.data["referral_id"], event.data["reference"], event.data["reader"]) == (
        referral["id"], referral["reference"], "officer-sam")
    assert "crisis" not in event.to_json()


def test_the_export_keeps_the_whole_referral(intake, referral, who):
    export = intake.client.get("/subjects/export?tenancy_ref=T-0042117", headers=who.team_leader).json
    assert export["records"][0]["data"]["details"] is not None
