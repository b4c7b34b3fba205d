"""POST /referrals: validation, consent, risk score, triage deadline, duplicates, event and audit."""

import datetime as dt
import uuid

from sqlalchemy import select

from casework.audit import AuditEntry
from casework.events import parse
from casework.outbox import OutboxMessage
from casework_dev.testing import EmbeddedHarness, bearer
from intake import policy
from intake.domain.triage import triage_due
from intake.models import Referral
from intake.service import SERVICE


def read(intake, made, headers):
    """The whole referral, as the caller reads it at the 201's Location."""
    response = intake.client.get(f"/referrals/{made['id']}", headers=headers)
    assert response.status_code == 200, response.json
    return response.json


def test_the_location_is_under_the_prefix_the_service_is_mounted_at(intake, who, body):
    """Behind a proxy that mounts the api under a path (``SCRIPT_NAME``), the Location is under it,
    as ``url_for`` gives it, request after request (the path is built once, ``casework.web.path_for``)."""
    for prefix in ("/intake", "/councils/mk/intake", ""):
        response = intake.client.post("/referrals", json=body(), headers=who.referrer,
                                      base_url=f"http://localhost{prefix}")
        assert response.status_code == 201, response.json
        assert response.headers["Location"] == f"{prefix}/referrals/{response.json['id']}"


def test_a_referrer_makes_a_referral_that_is_scored_and_dated(intake, who, body):
    response = intake.client.post("/referrals", json=body(), headers=who.referrer)

    assert response.status_code == 201
    made = response.json
    assert made["status"] == "received"
    assert made["reference"] == "R-000001"
    assert response.headers["Location"] == f"/referrals/{made['id']}"
    assert made["risk"] == {"level": "high", "score": 45, "factors": [
        {"code": "rent_arrears", "points": 30, "detail": "10.0 weeks' rent owed."},
        {"code": "mental_health", "points": 15, "detail": "Reason: mental health."},
    ]}
    # The answer carries no personal details: the whole referral is at its Location.
    assert set(made) == {"id", "reference", "status", "received_at", "risk", "triage_due"}
    assert read(intake, made, who.referrer)["referrer_client"] == "income-recovery-system"
    received = dt.datetime.fromisoformat(made["received_at"])
    assert dt.datetime.fromisoformat(made["triage_due"]) == triage_due(received, "high", policy.load())


def test_the_stored_referral_keeps_every_factor_and_the_consent(intake, refer):
    made = refer()
    with intake.db.transaction() as session:
        row = session.get(Referral, uuid.UUID(made["id"]))
        assert row.risk_score == 45
        assert [f["code"] for f in row.risk_factors] == ["rent_arrears", "mental_health"]
        assert (row.consent_given, row.consent_method, row.consent_recorded_by) == (True, "verbal", "Sam Patel")
        assert row.entered_by == "income-recovery-system"


def test_the_received_event_carries_references_not_details(intake, refer):
    made = refer()
    [event] = intake.events("intake.referral.received.v2")
    assert event.subject == made["id"]
    assert event.data == {
        "referral_id": made["id"], "reference": made["reference"], "source_system": "income_recovery",
        "referrer_client": "income-recovery-system", "risk_level": "high", "triage_due": event.data["triage_due"],
        "possible_duplicate_of": [],
    }
    assert dt.datetime.fromisoformat(event.data["triage_due"]) == dt.datetime.fromisoformat(made["triage_due"])
    assert "Alex" not in event.to_json() and "engaging" not in event.to_json()


def test_an_intake_officer_enters_a_phoned_in_referral(intake, refer, who):
    made = refer(headers=who.intake_officer, consent={"given": True, "method": "verbal"})
    whole = read(intake, made, who.intake_officer)
    assert whole["referrer_client"] is None
    assert whole["entered_by"] == "officer-jo"
    assert whole["consent"]["recorded_by"] == "officer-jo"
    assert intake.events("intake.referral.received.v2")[0].data["referrer_client"] is None


def test_the_creation_is_audited_with_the_record(intake, refer):
    made = refer()
    with intake.db.transaction() as session:
        [entry] = session.scalars(select(AuditEntry).where(AuditEntry.record_id == made["id"])).all()
        assert (entry.action, entry.actor) == ("create", "income-recovery-system")
        assert not any((entry.before or {}).values())  # nothing before a create (the kernel lists keys as null)
        assert entry.after["reference"] == made["reference"]
        assert entry.after["risk"]["score"] == 45


def test_validation_names_each_bad_field(intake, who, body):
    payload = body(reasons=["rent_arrears", "bad_luck"], clutter_rating=10, weekly_rent="0.00", uprn="UPRN1")
    payload["person"]["date_of_birth"] = (dt.date.today() + dt.timedelta(days=1)).isoformat()
    payload["person"]["email"] = "not-an-email"
    del payload["source"]["system"]
    response = intake.client.post("/referrals", json=payload, headers=who.referrer)

    assert response.status_code == 422
    assert response.mimetype == "application/problem+json"
    assert set(response.json["errors"]) == {"reasons.1", "clutter_rating", "weekly_rent", "uprn",
                                            "person.date_of_birth", "person.email", "source.system"}
    assert intake.events() == []


def test_without_consent_a_safeguarding_exemption_is_required(intake, who, body):
    response = intake.client.post("/referrals", json=body(consent={"given": False}), headers=who.referrer)
    assert response.status_code == 422
    assert list(response.json["errors"]) == ["safeguarding_exemption"]


def test_without_consent_the_exemption_and_its_reason_are_recorded(intake, refer, who):
    reason = "Child at risk; informing the tenant would increase the risk."
    made = refer(consent={"given": False}, safeguarding_exemption={"reason": reason},
                 reasons=["safeguarding_child"])
    assert read(intake, made, who.referrer)["safeguarding_exemption"] == {"reason": reason}
    assert made["risk"]["level"] == "high"
    assert reason not in intake.events()[0].to_json()


def test_consent_needs_how_it_was_given(intake, who, body):
    response = intake.client.post("/referrals", json=body(consent={"given": True}), headers=who.referrer)
    assert response.status_code == 422
    assert response.json["errors"] == {"consent.method": ["Say how consent was given."]}


def test_safeguarding_lifts_the_level_and_says_why(intake, refer):
    made = refer(reasons=["domestic_abuse"])
    assert made["risk"]["score"] == 30
    assert made["risk"]["level"] == "high"
    assert made["risk"]["factors"][-1]["code"] == "level_floor"


def test_an_open_referral_for_the_same_tenancy_is_linked_not_rejected(intake, refer, who):
    first = refer()
    second = refer(headers=who.intake_officer, person={"name": "Chris Morgan"})
    assert second["status"] == "received"
    assert read(intake, second, who.intake_officer)["possible_duplicate_of"] == [
        {"id": first["id"], "reference": first["reference"],
                                                "match": "same_tenancy"}]
    assert intake.events("intake.referral.received.v2")[1].data["possible_duplicate_of"] == [first["id"]]


def test_the_same_person_by_name_and_birth_date_is_linked(intake, refer, who):
    first = refer(headers=who.intake_officer)
    second = refer(headers=who.intake_officer, tenancy_ref="T-999",
                   person={"name": "alex  MORGAN", "date_of_birth": "1984-03-02"})
    links = read(intake, second, who.intake_officer)["possible_duplicate_of"]
    assert [link["match"] for link in links] == ["same_person"]
    assert links[0]["id"] == first["id"]


def test_a_referrer_is_not_shown_other_agencies_referrals_as_duplicates(intake, refer, who):
    refer(headers=bearer("asc-partner", "referrer"))
    second = refer()
    assert read(intake, second, who.referrer)["possible_duplicate_of"] == []
    with intake.db.transaction() as session:
        assert len(session.get(Referral, uuid.UUID(second["id"])).possible_duplicate_of) == 1


def test_closed_referrals_are_not_duplicates(intake, refer, who):
    first = refer()
    assert intake.client.post(f"/referrals/{first['id']}/withdraw", json={}, headers=who.referrer).status_code == 200
    assert read(intake, refer(headers=who.intake_officer), who.intake_officer)["possible_duplicate_of"] == []


def test_who_may_refer(intake, body):
    payload = body()
    assert intake.client.post("/referrals", json=payload).status_code == 401
    assert intake.client.post("/referrals", json=payload, headers=bearer("l", "lettings_officer")).status_code == 403
    assert intake.client.post("/referrals", json=payload, headers=bearer("t", "team_leader")).status_code == 403


def test_malformed_json_is_400_not_500(intake, who):
    response = intake.client.post("/referrals", data="{not json", headers={**who.referrer, "Content-Type": "application/json"})
    assert response.status_code == 400


def test_a_retried_post_with_the_same_idempotency_key_makes_one_referral(intake, who, body):
    headers = {**who.referrer, "Idempotency-Key": "ir-2026-0001"}
    first = intake.client.post("/referrals", json=body(), headers=headers)
    again = intake.client.post("/referrals", json=body(), headers=headers)
    assert (first.status_code, again.status_code) == (201, 201)
    assert again.json["id"] == first.json["id"]
    assert len(intake.events("intake.referral.received.v2")) == 1


def test_references_run_on_whether_or_not_there_is_anything_to_match(intake, refer, who):
    """The referral is numbered by the statement that reads its duplicate candidates; with neither
    a tenancy nor a date of birth there is nothing to match, and it is still numbered in turn."""
    first = refer()
    unmatched = refer(tenancy_ref=None, person={"name": "Jo Bloggs"})
    linked = refer(headers=who.intake_officer)
    assert [first["reference"], unmatched["reference"], linked["reference"]] == ["R-000001", "R-000002", "R-000003"]
    assert read(intake, unmatched, who.referrer)["possible_duplicate_of"] == []
    assert [link["id"] for link in read(intake, linked, who.intake_officer)["possible_duplicate_of"]] == [first["id"]]
    with intake.db.transaction() as session:
        stored = session.get(Referral, uuid.UUID(unmatched["id"]))
        assert (stored.reference, stored.tenancy_ref, stored.person_date_of_birth) == ("R-000002", None, None)


def test_the_embedded_database_numbers_and_links_referrals_as_postgresql_does(tmp_path, body, who):
    """SQLite (`make run`) numbers from its counter table and reads the candidates before its INSERT."""
    with EmbeddedHarness(SERVICE, tmp_path) as embedded:
        client = embedded.client
        made = [client.post("/referrals", json=body(), headers=who.referrer).json for _ in range(2)]
        assert [m["reference"] for m in made] == ["R-000001", "R-000002"]
        links = client.get(f"/referrals/{made[1]['id']}", headers=who.intake_officer).json["possible_duplicate_of"]
        assert links == [{"id": made[0]["id"], "reference": "R-000001", "match": "same_tenancy"}]
        with embedded.db.transaction() as session:
            sent = [parse(row.body) for row in session.scalars(select(OutboxMessage).order_by(OutboxMessage.id))]
        assert [e.data["possible_duplicate_of"] for e in sent if e.type.endswith("referral.received.v2")] == [
            [], [made[0]["id"]]]


def test_a_referral_is_its_read_and_one_statement_with_no_begin_or_commit(intake, who, body, monkeypatch):
    """The read that numbers it and finds its possible duplicates (``numbering.number_and_read``),
    then the referral, its audit entry and its event in one statement (``casework.appends``): each
    a transaction by itself, so two round trips, not four (BEGIN and COMMIT each one more). With an
    Idempotency-Key the answer is stored in the same transaction: BEGIN and COMMIT are sent."""
    import psycopg
    import pytest

    from casework import driver

    if intake.db.engine.dialect.name != "postgresql":
        pytest.skip("PostgreSQL's round trips (SQLite is in process)")
    commands, statements = [], []
    exec_command, run = psycopg.Connection._exec_command, driver.run
    monkeypatch.setattr(psycopg.Connection, "_exec_command",
                        lambda self, command, *a, **k: commands.append(bytes(command)) or exec_command(self, command, *a, **k))
    monkeypatch.setattr(driver, "run", lambda connection, sql, params, **k: statements.append(sql) or run(
        connection, sql, params, **k))
    response = intake.client.post("/referrals", json=body(), headers=who.referrer)
    assert response.status_code == 201, response.json
    assert commands == [] and len(statements) == 2
    with intake.db.transaction() as session:
        assert session.scalar(select(Referral.reference)) == response.json["reference"]
        assert session.scalars(select(AuditEntry.action)).all() == ["create"]
        assert parse(session.scalar(select(OutboxMessage.body))).subject == response.json["id"]
    commands.clear()
    again = intake.client.post("/referrals", json=body(), headers={**who.referrer, "Idempotency-Key": "k-1"})
    assert again.status_code == 201 and commands == [b"BEGIN", b"COMMIT"]
