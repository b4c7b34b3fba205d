"""Reading referrals: who sees what, list filters and pages, and the audit trail of reads."""

import datetime as dt
import uuid

from sqlalchemy import update

from casework_dev.testing import bearer
from intake.models import Referral


def ids(response):
    return [item["id"] for item in response.json]


def test_a_referrer_sees_only_its_own_referrals(intake, refer, who):
    own = refer()
    other = refer(headers=who.other_referrer)
    assert intake.client.get(f"/referrals/{own['id']}", headers=who.referrer).status_code == 200
    hidden = intake.client.get(f"/referrals/{other['id']}", headers=who.referrer)
    assert hidden.status_code == 404
    assert hidden.mimetype == "application/problem+json"
    assert ids(intake.client.get("/referrals", headers=who.referrer)) == [own["id"]]


def test_officers_see_every_referral(intake, refer, who):
    made = {refer()["id"], refer(headers=who.other_referrer)["id"], refer(headers=who.intake_officer)["id"]}
    for role in ("intake_officer", "sustainment_officer", "team_leader"):
        assert set(ids(intake.client.get("/referrals", headers=bearer("o", role)))) == made
    assert intake.client.get("/referrals", headers=bearer("l", "lettings_officer")).status_code == 403
    assert intake.client.get("/referrals").status_code == 401


def test_lists_filter_by_status_risk_level_and_source_system(intake, refer, who):
    high = refer()
    low = refer(reasons=["financial_hardship"], source={"system": "asb_team", "referrer": {"name": "Kay"}},
                tenancy_ref="T-2")
    intake.client.post(f"/referrals/{high['id']}/triage", json={"outcome": "accept"}, headers=who.intake_officer)
    get = lambda query: ids(intake.client.get(f"/referrals?{query}", headers=who.intake_officer))  # noqa: E731
    assert get("status=accepted") == [high["id"]]
    assert get("status=received") == [low["id"]]
    assert get("risk_level=low") == [low["id"]]
    assert get("source_system=asb_team") == [low["id"]]
    assert get("risk_level=high&status=received") == []


def test_lists_filter_by_received_date_and_overdue(intake, refer, who):
    old, new = refer(), refer(tenancy_ref="T-2")
    with intake.db.transaction() as session:
        session.execute(update(Referral).where(Referral.id == uuid.UUID(old["id"])).values(
            received_at=dt.datetime(2026, 1, 5, 10, tzinfo=dt.UTC), triage_due=dt.datetime(2026, 1, 6, 17, tzinfo=dt.UTC)))
    get = lambda query: ids(intake.client.get(f"/referrals?{query}", headers=who.intake_officer))  # noqa: E731
    assert get("received_from=2026-01-05&received_to=2026-01-05") == [old["id"]]
    assert get("received_from=2026-01-06") == [new["id"]]
    assert get("overdue=true") == [old["id"]]
    assert get("overdue=false") == [new["id"]]
    listed = intake.client.get("/referrals?overdue=true", headers=who.intake_officer).json[0]
    assert listed["overdue"] is True and "person" not in listed


def test_bad_filters_are_422(intake, who):
    response = intake.client.get("/referrals?status=lost&received_from=2026-02-01&received_to=2026-01-01",
                                 headers=who.intake_officer)
    assert response.status_code == 422
    assert "status" in response.json["errors"]


def test_lists_are_paginated(intake, refer, who):
    for n in range(3):
        refer(tenancy_ref=f"T-{n}", person={"name": f"Person {n}"})
    response = intake.client.get("/referrals?page=2&page_size=2", headers=who.intake_officer)
    assert len(response.json) == 1
    assert '"total": 3' in response.headers["X-Pagination"]


def test_reads_are_audited_and_team_leaders_read_the_trail(intake, refer, who):
    made = refer()
    intake.client.get(f"/referrals/{made['id']}", headers=who.intake_officer)
    intake.client.post(f"/referrals/{made['id']}/triage", json={"outcome": "accept"}, headers=who.intake_officer)

    assert intake.client.get(f"/referrals/{made['id']}/audit", headers=who.intake_officer).status_code == 403
    trail = intake.client.get(f"/referrals/{made['id']}/audit", headers=who.team_leader)
    assert trail.status_code == 200
    # Newest first. (This reading of it is recorded too: in the trail it answers on PostgreSQL, only
    # in the next on SQLite, where a GET's audit entries are written after its read.)
    entries = [e for e in trail.json if e["action"] != "read_audit"]
    assert [(e["action"], e["actor"]) for e in entries] == [
        ("triage", "officer-jo"), ("read_restricted", "officer-jo"), ("read", "officer-jo"),
        ("create", "income-recovery-system")]
    assert entries[0]["after"]["status"] == "accepted"
    again = intake.client.get(f"/referrals/{made['id']}/audit", headers=who.team_leader).json
    assert ("read_audit", "leader-kim") == (again[0]["action"], again[0]["actor"])
    missing = intake.client.get(f"/referrals/{uuid.uuid4()}/audit", headers=who.team_leader)
    assert missing.status_code == 404


def test_a_read_returns_an_etag_and_the_full_referral(intake, refer, who, body):
    made = refer()
    response = intake.client.get(f"/referrals/{made['id']}", headers=who.referrer)
    assert response.headers["ETag"]
    assert response.json["details"] == body()["details"]
    assert response.json["risk"] == made["risk"]
