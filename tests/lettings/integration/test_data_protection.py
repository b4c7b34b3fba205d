"""Data protection in lettings: the household's subject-access export, and the retention sweep of a
closed application and an answered offer, which a legal hold stops (against real PostgreSQL)."""

from __future__ import annotations

import datetime as dt
import json
import uuid

import pytest
import sqlalchemy as sa

from casework import audit, privacy
from casework_dev.testing import bearer
from lettings.models import Applicant, Letter
from lettings.privacy import RETENTION

from .conftest import OFFICER, add_applicant, closed_advert_with_bidders, offer, person

LEADER = bearer("leader-1", "team_leader")
LATER = dt.datetime.now(dt.UTC) + dt.timedelta(days=365 * 3)
NAME, BORN = "Priya Okonkwo-Hale", "1988-07-09"


@pytest.fixture
def refused_and_closed(lettings):
    """An application (lead Priya, born 9 July 1988) refused an offer, then was cancelled."""
    lead = person(name=NAME) | {"date_of_birth": BORN}
    applicant = add_applicant(lettings, household=[lead, person("child", 6, "M")])
    advert = closed_advert_with_bidders(lettings, applicant)
    made = offer(lettings, advert).json
    r = lettings.client.post(f"/offers/{made['id']}/refuse", headers=OFFICER,
                             json={"reason": "Priya says it is too far from school", "reasonable": True})
    assert r.status_code == 200, r.json
    r = lettings.client.post(f"/applicants/{applicant['id']}/status", headers=OFFICER,
                             json={"status": "cancelled", "reason": "Priya moved out of the area."})
    assert r.status_code == 200, r.json
    return applicant, made


def sweep(lettings, now=LATER):
    with lettings.db.transaction() as session:
        return privacy.sweep(session, RETENTION, service="lettings", now=now)


def test_the_export_holds_the_application_and_its_offers_with_their_audit(lettings, refused_and_closed):
    applicant, made = refused_and_closed
    r = lettings.client.get("/subjects/export", query_string={"name": NAME.upper(), "date_of_birth": BORN},
                            headers=LEADER)

    assert r.status_code == 200, r.json
    records = {(rec["record_type"], rec["record_id"]): rec for rec in r.json["records"]}
    letters = {rec["data"]["kind"]: rec for rec in r.json["records"] if rec["record_type"] == "letter"}
    assert set(records) - {("letter", rec["record_id"]) for rec in letters.values()} == {
        ("applicant", applicant["id"]), ("offer", made["id"])}
    # The letters as they were sent: the offer, and the decision on the refusal quoting Priya's reason.
    assert set(letters) == {"offer", "refusal"} and all(rec["data"]["offer_id"] == made["id"] for rec in letters.values())
    assert "Priya says it is too far from school" in letters["refusal"]["data"]["text"]
    assert letters["refusal"]["data"]["values"]["reasonable"] is True
    assert "issue_letter" in {e["action"] for e in letters["offer"]["audit"]}
    assert NAME in json.dumps(records[("applicant", applicant["id"])]["data"])
    assert "cancel" in {e["action"] for e in records[("applicant", applicant["id"])]["audit"]}
    assert lettings.client.get("/subjects/export", query_string={"name": NAME, "date_of_birth": BORN},
                               headers=OFFICER).status_code == 403


def test_the_sweep_anonymises_a_closed_application_and_an_answered_offer(lettings, refused_and_closed):
    applicant, made = refused_and_closed
    assert sweep(lettings, now=dt.datetime.now(dt.UTC)) == {"applicant": 0, "offer": 0}

    assert sweep(lettings) == {"applicant": 1, "offer": 1}

    kept = lettings.client.get(f"/applicants/{applicant['id']}", headers=OFFICER).json
    assert NAME not in json.dumps(kept) and BORN not in json.dumps(kept)
    assert (kept["status"], kept["band"], kept["bedroom_need"]) == ("cancelled", "B", applicant["bedroom_need"])
    answered = lettings.client.get(f"/offers/{made['id']}", headers=OFFICER).json
    assert answered["status"] == "refused" and "Priya" not in json.dumps(answered)
    with lettings.db.transaction() as session:  # the audit trail's snapshots and reasons too
        for record_type, record_id in (("applicant", applicant["id"]), ("offer", made["id"])):
            trail = json.dumps([(e.before, e.after, e.reason) for e in audit.trail(session, record_type, record_id)])
            assert "Priya" not in trail and BORN not in trail
    # The letters name Priya and quote her: their values and text go; that they were issued stays.
    for kind in ("offer", "refusal"):
        gone = lettings.client.get(f"/offers/{made['id']}/letters/{kind}", headers=OFFICER)
        assert gone.status_code == 404 and "anonymised" in gone.json["detail"]
    with lettings.db.transaction() as session:
        kept_letters = session.query(Letter).filter(Letter.offer_id == uuid.UUID(made["id"])).all()
        assert sorted(letter.kind for letter in kept_letters) == ["offer", "refusal"]
        assert all(letter.text is None and letter.values is None and letter.anonymised_at for letter in kept_letters)
    counts = {e.data["record_type"]: e.data["count"] for e in lettings.events("lettings.records.anonymised.v1")}
    assert counts == {"applicant": 1, "offer": 1}
    assert sweep(lettings) == {"applicant": 0, "offer": 0}


def test_a_legal_hold_keeps_the_application_until_it_is_lifted(lettings, refused_and_closed):
    applicant, _ = refused_and_closed
    url = f"/legal-holds/applicant/{applicant['id']}"
    assert lettings.client.put(url, json={"reason": "Appeal"}, headers=OFFICER).status_code == 403
    assert lettings.client.put(url, json={"reason": "Review of the allocation decision"},
                               headers=LEADER).status_code == 200

    assert sweep(lettings) == {"applicant": 0, "offer": 1}
    assert NAME in json.dumps(lettings.client.get(f"/applicants/{applicant['id']}", headers=OFFICER).json)

    assert lettings.client.delete(url, headers=LEADER).status_code == 204
    assert sweep(lettings) == {"applicant": 1, "offer": 0}


def test_an_application_made_years_ago_is_kept_its_period_from_when_it_was_closed(lettings, refused_and_closed):
    # Its period runs from its last change in the audit trail (the cancellation, just now), not from
    # when it was made: on SQLite the trail was once never found, and this application swept at once.
    applicant, _ = refused_and_closed
    with lettings.db.transaction() as session:
        session.execute(sa.update(Applicant).where(Applicant.id == uuid.UUID(applicant["id"]))
                        .values(created_at=dt.datetime.now(dt.UTC) - dt.timedelta(days=365 * 5)))
    assert sweep(lettings, now=dt.datetime.now(dt.UTC) + dt.timedelta(days=30))["applicant"] == 0
    assert sweep(lettings)["applicant"] == 1
