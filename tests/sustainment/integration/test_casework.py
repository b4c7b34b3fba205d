"""Case work over HTTP: plans and their versions, visits, agency referrals, notes, the timeline."""

from __future__ import annotations

import uuid

from sqlalchemy import select

from casework_dev.testing import bearer
from casework_dev.testing.times import plain_monday
from sustainment.models import Plan

OFFICER = bearer("officer-1", "sustainment_officer")
#: Ahead of the clock, however long these tests live (a Monday in March, two years on).
MONDAY = plain_monday()
YEAR = MONDAY.year
LEADER = bearer("leader-1", "team_leader")

PLAN = {
    "goals": [{"title": "Clear the rent arrears", "category": "rent_arrears"}],
    "actions": [
        {"title": "Apply for Discretionary Housing Payment", "category": "income_and_benefits", "owner": "tenant",
         "due_date": f"{YEAR}-01-10"},
        {"title": "Refer to debt advice", "category": "income_and_benefits", "owner": "officer",
         "due_date": f"{YEAR}-01-05"},
    ],
    "review_date": f"{YEAR}-02-01",
}
SOON = f"{MONDAY}T10:00:00+00:00"


def _visit(client, case_id, kind="home_visit", when=SOON) -> dict:
    r = client.post(f"/cases/{case_id}/visits", json={"kind": kind, "scheduled_for": when}, headers=OFFICER)
    assert r.status_code == 201, r.json
    return r.json


def _outcome(client, case_id, visit_id, outcome, **extra):
    return client.post(f"/cases/{case_id}/visits/{visit_id}/outcome", json={"outcome": outcome, **extra},
                       headers=OFFICER)


def test_each_change_of_the_plan_is_a_new_version_and_the_old_ones_are_kept(sustainment, assigned_case):
    case = assigned_case()
    etag = sustainment.client.get(f"/cases/{case['id']}", headers=OFFICER).headers["ETag"]
    r = sustainment.client.put(f"/cases/{case['id']}/plan", json=PLAN, headers={**OFFICER, "If-Match": etag})
    assert r.status_code == 200, r.json
    assert r.json["version"] == 1
    assert r.json["status"] == "agreed"
    action_id = r.json["actions"][0]["id"]

    etag = sustainment.client.get(f"/cases/{case['id']}", headers=OFFICER).headers["ETag"]
    second = {**PLAN, "actions": [{**PLAN["actions"][0], "id": action_id, "status": "done"}]}
    r = sustainment.client.put(f"/cases/{case['id']}/plan", json=second, headers={**OFFICER, "If-Match": etag})
    assert r.json["version"] == 2
    assert r.json["actions"] == [{**PLAN["actions"][0], "id": action_id, "status": "done"}]

    versions = sustainment.client.get(f"/cases/{case['id']}/plan/versions", headers=OFFICER).json
    assert [(v["version"], len(v["actions"])) for v in versions] == [(1, 2), (2, 1)]
    agreed = [e.data for e in sustainment.events("sustainment.plan.agreed.v1")]
    assert [(a["plan_version"], a["actions"], a["review_date"]) for a in agreed] == [
        (1, 2, f"{YEAR}-02-01"), (2, 1, f"{YEAR}-02-01")]


def test_a_plan_update_with_a_stale_etag_is_412_and_changes_nothing(sustainment, assigned_case):
    case = assigned_case()
    stale = sustainment.client.get(f"/cases/{case['id']}", headers=OFFICER).headers["ETag"]
    sustainment.client.post(f"/cases/{case['id']}/notes", json={"text": "Spoke to the tenant."}, headers=OFFICER)
    r = sustainment.client.put(f"/cases/{case['id']}/plan", json=PLAN, headers={**OFFICER, "If-Match": stale})
    assert r.status_code == 412
    assert r.mimetype == "application/problem+json"
    with sustainment.db.transaction() as session:
        assert session.scalars(select(Plan)).all() == []
    assert sustainment.events("sustainment.plan.agreed.v1") == []


def test_a_plan_action_needs_a_known_category_and_owner(sustainment, assigned_case):
    case = assigned_case()
    bad = {**PLAN, "actions": [{**PLAN["actions"][0], "category": "gardening", "owner": "landlord"}]}
    r = sustainment.client.put(f"/cases/{case['id']}/plan", json=bad, headers=OFFICER)
    assert r.status_code == 422
    assert set(r.json["errors"]) == {"actions.0.category", "actions.0.owner"}


def test_a_visit_is_scheduled_then_recorded(sustainment, assigned_case):
    case = assigned_case()
    visit = _visit(sustainment.client, case["id"])
    assert visit["status"] == "scheduled"
    r = _outcome(sustainment.client, case["id"], visit["id"], "completed", notes="Home in good order.",
                 risks_identified=["hoarding"])
    assert r.status_code == 200, r.json
    assert r.json["status"] == "completed"
    assert r.json["risks_identified"] == ["hoarding"]

    after = sustainment.client.get(f"/cases/{case['id']}", headers=OFFICER).json
    assert after["status"] == "active"  # the completed visit was the first contact
    scheduled = sustainment.events("sustainment.visit.scheduled.v1")[0].data
    recorded = sustainment.events("sustainment.visit.recorded.v1")[0].data
    assert scheduled["visit_id"] == recorded["visit_id"] == visit["id"]
    assert (recorded["outcome"], recorded["consecutive_no_access"]) == ("completed", 0)
    assert "Home in good order" not in str(recorded)

    again = _outcome(sustainment.client, case["id"], visit["id"], "no_access")
    assert again.status_code == 409


def test_three_no_access_visits_in_a_row_raise_the_risk_and_alert_the_team_leader(sustainment, assigned_case):
    case = assigned_case(level="medium")
    for outcome in ("no_access", "no_access", "cancelled", "no_access"):
        visit = _visit(sustainment.client, case["id"], kind="welfare_check")
        assert _outcome(sustainment.client, case["id"], visit["id"], outcome).status_code == 200

    after = sustainment.client.get(f"/cases/{case['id']}", headers=OFFICER).json
    assert after["risk_level"] == "high"
    assert after["consecutive_no_access"] == 3
    assert [(r["cause"], r["reason"]) for r in after["risk_history"]] == [
        ("no_access_visits", "3 no-access visits in a row")]
    [changed] = sustainment.events("sustainment.risk.changed.v1")
    assert changed.data["from_level"] == "medium"
    assert changed.data["to_level"] == "high"
    assert changed.data["cause"] == "no_access_visits"
    assert changed.data["team_leader_alert"] is True
    assert changed.data["officer_id"] == "officer-1"


def test_a_completed_visit_breaks_the_run_of_no_access(sustainment, assigned_case):
    case = assigned_case()
    for outcome in ("no_access", "no_access", "completed", "no_access"):
        visit = _visit(sustainment.client, case["id"])
        _outcome(sustainment.client, case["id"], visit["id"], outcome)
    assert sustainment.events("sustainment.risk.changed.v1") == []
    assert [e.data["consecutive_no_access"] for e in sustainment.events("sustainment.visit.recorded.v1")] == [
        1, 2, 0, 1]


def test_a_visit_of_another_case_is_404(sustainment, assigned_case):
    first, second = assigned_case(), assigned_case()
    visit = _visit(sustainment.client, first["id"])
    assert _outcome(sustainment.client, second["id"], visit["id"], "completed").status_code == 404


def test_an_agency_referral_needs_consent_unless_a_safeguarding_reason_is_recorded(sustainment, assigned_case, agency):
    case = assigned_case()
    url = f"/cases/{case['id']}/agency-referrals"
    body = {"agency_id": agency("Adult social care"), "reason": "Care needs assessment.", "consent_given": False}
    refused = sustainment.client.post(url, json=body, headers=OFFICER)
    assert refused.status_code == 422
    assert "consent_given" in refused.json["errors"]

    r = sustainment.client.post(url, json={**body, "safeguarding_reason": "Self-neglect, at risk."}, headers=OFFICER)
    assert r.status_code == 201, r.json
    assert r.json["status"] == "sent"
    made = sustainment.events("sustainment.agency_referral.made.v2")[0].data
    assert (made["agency_referral_id"], made["chase_by"]) == (r.json["id"], r.json["chase_by"])
    assert "Self-neglect" not in str(made) and body["agency_id"] not in str(made) and "consent_given" not in made


def test_an_agency_referral_is_acknowledged_then_answered_then_completed(sustainment, assigned_case, agency):
    case = assigned_case()
    url = f"/cases/{case['id']}/agency-referrals"
    made = sustainment.client.post(url, json={"agency_id": agency("Citizens Advice"), "reason": "Benefits check.",
                                              "consent_given": True}, headers=OFFICER).json
    answer = f"{url}/{made['id']}/response"
    assert sustainment.client.post(answer, json={"status": "acknowledged"}, headers=OFFICER).json["status"] == \
        "acknowledged"
    r = sustainment.client.post(answer, json={"status": "accepted", "note": "Appointment on Friday."}, headers=OFFICER)
    assert r.json["status"] == "accepted"
    assert r.json["answered_at"] is not None
    assert sustainment.client.post(answer, json={"status": "declined"}, headers=OFFICER).status_code == 409
    r = sustainment.client.post(answer, json={"status": "completed", "outcome": "Benefits claimed."}, headers=OFFICER)
    assert (r.json["status"], r.json["outcome"], r.json["answered_by"]) == ("completed", "Benefits claimed.", "officer-1")
    [answered] = sustainment.events("sustainment.agency_referral.answered.v1")
    assert (answered.data["agency_referral_id"], answered.data["answer"]) == (made["id"], "accepted")
    # Not an agency of the directory: the free text of old referrals is not taken any more.
    for body in ({"agency": "landlord"}, {"agency_id": str(uuid.uuid4())}):
        r = sustainment.client.post(url, json={**body, "reason": "x", "consent_given": True}, headers=OFFICER)
        assert r.status_code == 422 and "agency_id" in r.json["errors"], r.json


def test_notes_and_the_timeline_show_everything_in_order(sustainment, assigned_case, agency):
    case = assigned_case()
    c = sustainment.client
    c.post(f"/cases/{case['id']}/notes", json={"text": "Tenant anxious about arrears."}, headers=OFFICER)
    visit = _visit(c, case["id"])
    _outcome(c, case["id"], visit["id"], "completed")
    c.put(f"/cases/{case['id']}/plan", json=PLAN, headers=OFFICER)
    c.post(f"/cases/{case['id']}/agency-referrals", json={"agency_id": agency("Debt advice"), "reason": "Debts.",
                                                         "consent_given": True}, headers=OFFICER)
    c.post(f"/cases/{case['id']}/risk", json={"risk_level": "medium", "reason": "Engaging well."}, headers=OFFICER)
    c.post(f"/cases/{case['id']}/closure", json={"outcome": "tenancy_sustained", "summary": "Done."}, headers=OFFICER)

    detail = c.get(f"/cases/{case['id']}", headers=LEADER).json
    assert [t["kind"] for t in detail["timeline"]] == [
        "case_opened", "assigned", "note", "visit_scheduled", "visit_recorded", "first_contact", "plan_agreed",
        "agency_referral", "risk_changed", "closed"]
    assert [n["text"] for n in detail["notes"]] == ["Tenant anxious about arrears."]
    assert c.get(f"/cases/{case['id']}/notes", headers=OFFICER).json[0]["author"] == "officer-1"
    trail = c.get(f"/cases/{case['id']}/audit?page_size=100", headers=LEADER).json
    assert {"add_note", "schedule_visit", "record_visit", "agree_plan", "refer_to_agency", "change_risk",
            "close"} <= {e["action"] for e in trail}


def test_posts_honour_idempotency_keys(sustainment, assigned_case):
    case = assigned_case()
    headers = {**OFFICER, "Idempotency-Key": "note-1"}
    first = sustainment.client.post(f"/cases/{case['id']}/notes", json={"text": "Once."}, headers=headers)
    second = sustainment.client.post(f"/cases/{case['id']}/notes", json={"text": "Once."}, headers=headers)
    assert first.json == second.json
    assert len(sustainment.client.get(f"/cases/{case['id']}/notes", headers=OFFICER).json) == 1


def test_visit_times_are_validated(sustainment, assigned_case):
    case = assigned_case()
    r = sustainment.client.post(f"/cases/{case['id']}/visits", json={"kind": "home_visit", "scheduled_for": "soon"},
                                headers=OFFICER)
    assert r.status_code == 422
    assert "scheduled_for" in r.json["errors"]


BAD_INPUT = [
    ("post", "visits", {"kind": "home_visit", "scheduled_for": "9999-12-31T23:00:00Z"}),
    ("post", "visits", {"kind": "séance", "scheduled_for": None}),
    ("post", "visits", ["not", "an", "object"]),
    ("put", "plan", {"goals": [], "actions": [{"due_date": "99999-01-01"}], "review_date": "9999-12-31"}),
    ("put", "plan", {"goals": "everything", "actions": None}),
    ("post", "contacts", {"method": "phone", "made_at": "2999-01-01T00:00:00Z"}),
    ("post", "notes", {"text": ""}),
    ("post", "notes", {"text": 42}),
    ("post", "agency-referrals", {"agency_id": "police", "reason": "x" * 3000, "consent_given": "perhaps"}),
    ("post", "assignment", {"officer_id": "x" * 500}),
    ("post", "risk", {"risk_level": None, "reason": None}),
    ("post", "closure", {}),
]


def test_bad_input_is_a_problem_never_a_500(sustainment, assigned_case):
    case = assigned_case()
    for method, resource, body in BAD_INPUT:
        r = getattr(sustainment.client, method)(f"/cases/{case['id']}/{resource}", json=body, headers=LEADER)
        assert r.status_code == 422, (resource, body, r.status_code, r.json)
        assert r.mimetype == "application/problem+json"
    malformed = sustainment.client.post(f"/cases/{case['id']}/notes", data="{not json",
                                        content_type="application/json", headers=OFFICER)
    assert malformed.status_code == 400
    assert sustainment.client.get("/reports/outcomes?closed_to=9999-12-31", headers=LEADER).status_code == 422
