"""Data protection: subject-access exports, and personal details removed after the retention period."""

from __future__ import annotations

import datetime as dt

import pytest

from casework.timers import Sweeper
from casework_dev.testing import bearer
from casework_dev.testing.times import plain_monday
from sustainment.service import SERVICE

OFFICER = bearer("officer-1", "sustainment_officer")
LEADER = bearer("leader-1", "team_leader")
MONDAY = plain_monday()  # ahead of the clock, however long these tests live


@pytest.fixture
def worked_case(sustainment, assigned_case, agency):
    """A case with a note, a visit, an agency referral and a risk change on it, then closed."""
    case = assigned_case()
    c, url = sustainment.client, f"/cases/{case['id']}"
    c.post(f"{url}/notes", json={"text": "Tenant disclosed a gambling problem."}, headers=OFFICER)
    visit = c.post(f"{url}/visits", json={"kind": "home_visit", "scheduled_for": f"{MONDAY}T10:00:00Z"},
                   headers=OFFICER).json
    c.post(f"{url}/visits/{visit['id']}/outcome", json={"outcome": "completed", "notes": "Flat cluttered.",
                                                        "risks_identified": ["hoarding"]}, headers=OFFICER)
    c.post(f"{url}/agency-referrals", json={"agency_id": agency("Debt advice"), "reason": "Gambling debts.",
                                            "consent_given": True}, headers=OFFICER)
    c.post(f"{url}/risk", json={"risk_level": "critical", "reason": "Threats from a lender."}, headers=OFFICER)
    c.post(f"{url}/closure", json={"outcome": "tenancy_sustained", "summary": "Debts managed."}, headers=OFFICER)
    return case


def test_risk_changes_are_kept_with_their_reasons(sustainment, worked_case):
    detail = sustainment.client.get(f"/cases/{worked_case['id']}", headers=OFFICER).json
    assert [(r["from_level"], r["to_level"], r["cause"], r["reason"]) for r in detail["risk_history"]] == [
        ("high", "critical", "officer", "Threats from a lender.")]


def test_a_subject_access_export_holds_everything_about_the_person(sustainment, worked_case, open_case):
    open_case(person={"name": "Someone Else", "date_of_birth": None})
    r = sustainment.client.get("/subjects/export?name=jane%20doe&date_of_birth=1980-04-01", headers=LEADER)
    assert r.status_code == 200
    [record] = r.json["records"]
    case = record["data"]
    assert (record["record_type"], case["id"]) == ("case", worked_case["id"])
    assert {"create", "add_note", "read"} <= {e["action"] for e in record["audit"]}
    assert case["notes"][0]["text"] == "Tenant disclosed a gambling problem."
    assert case["visits"][0]["notes"] == "Flat cluttered."
    trail = sustainment.client.get(f"/cases/{case['id']}/audit?page_size=100", headers=LEADER).json
    assert any(e["action"] == "subject_access_export" and e["actor"] == "leader-1" for e in trail)
    assert sustainment.client.get("/subjects/export?tenancy_ref=T-1", headers=OFFICER).status_code == 403
    assert sustainment.client.get("/subjects/export?name=Jane%20Doe", headers=LEADER).status_code == 422


def test_personal_details_are_removed_after_the_retention_period(sustainment, worked_case):
    sweeper = Sweeper(sustainment.db, SERVICE.timers, service="sustainment")
    closed_at = dt.datetime.fromisoformat(worked_case["first_contact_due"])  # about now
    sweeper.fire_due(now=closed_at + dt.timedelta(days=365 * 5))
    assert sustainment.client.get(f"/cases/{worked_case['id']}", headers=OFFICER).json["anonymised_at"] is None

    sweeper.fire_due(now=closed_at + dt.timedelta(days=365 * 6 + 10))
    case = sustainment.client.get(f"/cases/{worked_case['id']}", headers=OFFICER).json
    assert case["anonymised_at"] is not None
    assert case["tenant"] == {"name": "[removed]", "date_of_birth": None, "phone": None, "email": None,
                              "address": None}
    assert case["notes"][0]["text"] == "[removed]"
    assert case["visits"][0]["notes"] is None
    assert case["visits"][0]["risks_identified"] == []
    assert case["agency_referrals"][0]["reason"] == "[removed]"
    assert case["risk_history"][0]["reason"] == "[removed]"
    assert case["closure_summary"] == "[removed]"
    # The facts stay for reporting.
    assert (case["closure_outcome"], case["risk_level"], case["reference"]) == (
        "tenancy_sustained", "critical", worked_case["reference"])
    reopen = sustainment.client.post(f"/cases/{case['id']}/reopening", json={"reason": "Back."}, headers=OFFICER)
    assert reopen.status_code == 409


def test_reopening_stops_the_retention_clock(sustainment, worked_case):
    sustainment.client.post(f"/cases/{worked_case['id']}/reopening", json={"reason": "Back in arrears."},
                            headers=OFFICER)
    Sweeper(sustainment.db, SERVICE.timers, service="sustainment").fire_due(
        now=dt.datetime(2040, 1, 1, tzinfo=dt.UTC))
    case = sustainment.client.get(f"/cases/{worked_case['id']}", headers=OFFICER).json
    assert case["anonymised_at"] is None
    assert case["tenant"]["name"] == "Jane Doe"


def test_the_audit_log_keeps_the_facts_not_the_narrative(sustainment, worked_case):
    trail = sustainment.client.get(f"/cases/{worked_case['id']}/audit?page_size=100", headers=LEADER).json
    written = str([(e["before"], e["after"]) for e in trail])
    for narrative in ("Jane Doe", "gambling problem", "Flat cluttered", "Gambling debts", "Debts managed"):
        assert narrative not in written
    assert {"add_note", "record_visit", "refer_to_agency", "close"} <= {e["action"] for e in trail}


def test_a_legal_hold_stops_anonymisation_until_it_is_lifted(sustainment, worked_case):
    from casework import privacy
    from sustainment.privacy import RETENTION

    url = f"/legal-holds/case/{worked_case['id']}"
    assert sustainment.client.put(url, json={"reason": "Disrepair claim"}, headers=OFFICER).status_code == 403
    assert sustainment.client.put(url, json={"reason": "Disrepair claim"}, headers=LEADER).status_code == 200
    later = dt.datetime.fromisoformat(worked_case["first_contact_due"]) + dt.timedelta(days=365 * 6 + 10)

    Sweeper(sustainment.db, SERVICE.timers, service="sustainment").fire_due(now=later)  # the case's own timer
    with sustainment.db.transaction() as session:
        assert privacy.sweep(session, RETENTION, service="sustainment", now=later) == {"case": 0}
    case = sustainment.client.get(f"/cases/{worked_case['id']}", headers=OFFICER).json
    assert case["anonymised_at"] is None and case["tenant"]["name"] == "Jane Doe"

    assert sustainment.client.delete(url, headers=LEADER).status_code == 204
    with sustainment.db.transaction() as session:  # the daily sweep catches it once the hold is lifted
        assert privacy.sweep(session, RETENTION, service="sustainment", now=later) == {"case": 1}
    assert sustainment.client.get(f"/cases/{worked_case['id']}", headers=OFFICER).json["tenant"]["name"] == "[removed]"


def test_the_sweep_takes_a_batch_at_a_time_and_held_cases_do_not_hold_up_the_rest(sustainment, assigned_case,
                                                                                   monkeypatch):
    from casework import privacy
    from sustainment import privacy as sustainment_privacy

    closed = []
    for _ in range(3):
        case = assigned_case()
        sustainment.client.post(f"/cases/{case['id']}/closure", json={"outcome": "tenancy_sustained",
                                                                       "summary": "Done."}, headers=OFFICER)
        closed.append(case["id"])
    held_first = closed[0]  # the oldest closure, the first the sweep would take
    assert sustainment.client.put(f"/legal-holds/case/{held_first}", json={"reason": "Complaint"},
                                  headers=LEADER).status_code == 200
    monkeypatch.setattr(sustainment_privacy, "BATCH", 1)
    later = dt.datetime.now(dt.UTC) + dt.timedelta(days=365 * 7)

    def anonymised() -> set[str]:
        return {c for c in closed
                if sustainment.client.get(f"/cases/{c}", headers=OFFICER).json["anonymised_at"] is not None}

    with sustainment.db.transaction() as session:
        assert privacy.sweep(session, sustainment_privacy.RETENTION, service="sustainment", now=later) == {"case": 1}
    assert anonymised() == {closed[1]}
    with sustainment.db.transaction() as session:
        assert privacy.sweep(session, sustainment_privacy.RETENTION, service="sustainment", now=later) == {"case": 1}
    with sustainment.db.transaction() as session:
        assert privacy.sweep(session, sustainment_privacy.RETENTION, service="sustainment", now=later) == {"case": 0}
    assert anonymised() == {closed[1], closed[2]}
