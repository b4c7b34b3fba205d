"""Triage (accept, reject, signpost) and withdrawal: status, events, audit, and illegal changes."""

import uuid

from sqlalchemy import select

from casework.audit import AuditEntry
from casework.sealing import unseal
from casework_dev.testing import bearer


def triage(intake, referral, headers, **decision):
    return intake.client.post(f"/referrals/{referral['id']}/triage", json=decision, headers=headers)


def test_accepting_publishes_what_sustainment_needs_to_open_a_case(intake, refer, who):
    made = refer()
    response = triage(intake, made, who.intake_officer, outcome="accept", priority="urgent")

    assert response.status_code == 200
    assert response.json["status"] == "accepted"
    assert response.json["triage"]["priority"] == "urgent"
    assert response.json["triage"]["by"] == "officer-jo"
    [event] = intake.events("intake.referral.accepted.v2")
    assert event.subject == made["id"]
    assert (event.data["priority"], event.data["risk_level"], event.data["tenancy_ref"]) == (
        "urgent", made["risk"]["level"], "T-0042117")
    assert (event.data["accepted_by"], event.data["referrer_client"]) == ("officer-jo", "income-recovery-system")
    assert event.data["received_at"] == made["received_at"]  # sustainment reports days from referral to case
    # The person, reasons, risk factors and money travel sealed: only sustainment's key opens them.
    for personal in ("Alex", "Morgan", "1984-03-02", "07700", "Station Road", "mental_health", "1300.00"):
        assert personal not in event.to_json()
    data = unseal(event.data["case_details"], to="sustainment")
    assert data["person"] == {"name": "Alex Morgan", "date_of_birth": "1984-03-02", "phone": "07700 900123",
                              "email": "alex.morgan@example.com", "address": "Flat 4, 12 Station Road, MK9 1AA"}
    assert data["uprn"] == "25001234"
    assert data["reasons"] == ["rent_arrears", "mental_health"]
    assert data["risk"] == made["risk"]
    assert (data["arrears_balance"], data["weekly_rent"]) == ("1300.00", "130.00")
    assert (data["consent_given"], data["safeguarding_exemption"]) == (True, False)
    assert "details" not in data and "engaging" not in event.to_json()


def test_accepting_without_a_priority_takes_it_from_the_risk_level(intake, refer, who):
    made = refer(reasons=["notice_seeking_possession", "anti_social_behaviour", "rent_arrears"])
    assert made["risk"]["level"] == "critical"
    response = triage(intake, made, who.team_leader, outcome="accept")
    assert response.json["triage"]["priority"] == "emergency"
    assert intake.events("intake.referral.accepted.v2")[0].data["priority"] == "emergency"


def test_rejecting_needs_a_reason_which_stays_in_intake(intake, refer, who):
    made = refer()
    missing = triage(intake, made, who.intake_officer, outcome="reject")
    assert missing.status_code == 422
    assert list(missing.json["errors"]) == ["reason"]

    response = triage(intake, made, who.intake_officer, outcome="reject", reason="Already open with Adult Social Care.")
    assert response.status_code == 200
    assert response.json["status"] == "rejected"
    [event] = intake.events("intake.referral.rejected.v1")
    assert event.data == {"referral_id": made["id"], "reference": made["reference"],
                          "source_system": "income_recovery", "referrer_client": "income-recovery-system",
                          "triaged_by": "officer-jo"}


def test_signposting_names_where_to(intake, refer, who):
    made = refer()
    assert list(triage(intake, made, who.intake_officer, outcome="signpost").json["errors"]) == ["signposted_to"]
    response = triage(intake, made, who.intake_officer, outcome="signpost", signposted_to="Citizens Advice")
    assert response.json["status"] == "signposted"
    assert intake.events("intake.referral.signposted.v1")[0].data["signposted_to"] == "Citizens Advice"


def test_a_priority_belongs_only_to_an_acceptance(intake, refer, who):
    response = triage(intake, refer(), who.intake_officer, outcome="reject", reason="x", priority="urgent")
    assert response.status_code == 422
    assert list(response.json["errors"]) == ["priority"]


def test_a_second_triage_is_a_conflict_and_changes_nothing(intake, refer, who):
    made = refer()
    assert triage(intake, made, who.intake_officer, outcome="accept").status_code == 200
    again = triage(intake, made, who.team_leader, outcome="reject", reason="Changed my mind.")
    assert again.status_code == 409
    assert again.mimetype == "application/problem+json"
    assert len(intake.events("intake.referral.accepted.v2")) == 1
    assert intake.events("intake.referral.rejected.v1") == []


def test_who_may_triage(intake, refer, who):
    made = refer()
    assert triage(intake, made, who.referrer, outcome="accept").status_code == 403
    assert triage(intake, made, bearer("s", "sustainment_officer"), outcome="accept").status_code == 403
    missing = intake.client.post("/referrals/00000000-0000-0000-0000-000000000000/triage", json={"outcome": "accept"},
                                 headers=who.intake_officer)
    assert missing.status_code == 404


def test_triage_honours_if_match(intake, refer, who):
    made = refer()
    tag = intake.client.get(f"/referrals/{made['id']}", headers=who.intake_officer).headers["ETag"]
    stale = intake.client.post(f"/referrals/{made['id']}/triage", json={"outcome": "accept"},
                               headers={**who.intake_officer, "If-Match": '"stale"'})
    assert stale.status_code == 412
    fresh = intake.client.post(f"/referrals/{made['id']}/triage", json={"outcome": "accept"},
                               headers={**who.intake_officer, "If-Match": tag})
    assert fresh.status_code == 200


def test_triage_is_audited_with_before_and_after(intake, refer, who):
    made = refer()
    triage(intake, made, who.intake_officer, outcome="reject", reason="Not a council tenancy.")
    with intake.db.transaction() as session:
        entry = session.scalars(select(AuditEntry).where(AuditEntry.action == "triage")).one()
        assert entry.actor == "officer-jo"
        assert entry.reason == "Not a council tenancy."
        assert (entry.before["status"], entry.after["status"]) == ("received", "rejected")
        assert entry.before["triage"] is None and entry.after["triage"]["reason"] == "Not a council tenancy."


def test_the_referrer_withdraws_its_own_untriaged_referral(intake, refer, who):
    made = refer()
    response = intake.client.post(f"/referrals/{made['id']}/withdraw", json={"reason": "Arrears cleared."},
                                  headers=who.referrer)
    assert response.status_code == 200
    assert response.json["status"] == "withdrawn"
    assert response.json["withdrawal"]["reason"] == "Arrears cleared."
    [event] = intake.events("intake.referral.withdrawn.v1")
    assert event.data["referral_id"] == made["id"]
    assert "Arrears" not in event.to_json()
    assert triage(intake, made, who.intake_officer, outcome="accept").status_code == 409


def test_only_the_referrer_that_made_it_may_withdraw(intake, refer, who):
    made = refer()
    assert intake.client.post(f"/referrals/{made['id']}/withdraw", json={}, headers=who.other_referrer).status_code == 404
    assert intake.client.post(f"/referrals/{made['id']}/withdraw", json={},
                              headers=who.intake_officer).status_code == 403
    assert intake.events("intake.referral.withdrawn.v1") == []


def test_a_triaged_referral_cannot_be_withdrawn(intake, refer, who):
    made = refer()
    triage(intake, made, who.intake_officer, outcome="accept")
    assert intake.client.post(f"/referrals/{made['id']}/withdraw", json={}, headers=who.referrer).status_code == 409


def test_the_audit_snapshot_is_the_referral_as_its_record_schema_dumps_it(intake, refer, who, body):
    """``snapshot`` skips the schema for speed; it must say exactly what ``ReferralRecord`` says,
    for a new referral (as written), a linked duplicate, an exempted one, and triaged or withdrawn ones."""
    from casework.audit import _jsonable
    from intake.models import Referral
    from intake.schemas import ReferralRecord, snapshot

    first = refer()
    second = refer()  # a possible duplicate of the first
    exempt = refer(consent={"given": False}, safeguarding_exemption={"reason": "Risk to life."}, reasons=["domestic_abuse"],
                   details=None, arrears_balance="12", weekly_rent=None)
    triage(intake, first, who.intake_officer, outcome="signpost", signposted_to="Citizens Advice")
    intake.client.post(f"/referrals/{exempt['id']}/withdraw", json={"reason": "Moved away."}, headers=who.referrer)
    with intake.db.transaction() as session:
        for made in (first, second, exempt):
            referral = session.get(Referral, uuid.UUID(made["id"]))  # a str passes on PostgreSQL only
            expected = ReferralRecord(exclude=("overdue",)).dump(referral)
            assert _jsonable(snapshot(referral)) == expected
        created = session.scalars(select(AuditEntry).where(AuditEntry.action == "create",
                                                           AuditEntry.record_id == second["id"])).one()
        assert created.after == ReferralRecord(exclude=("overdue",)).dump(session.get(Referral, uuid.UUID(second["id"])))
        assert created.after["possible_duplicate_of"][0]["id"] == first["id"]
