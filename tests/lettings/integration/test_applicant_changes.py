"""Applicants change under If-Match (``PATCH /applicants/{id}``): the answer, the audit, the band's
history, the event, open shortlists, a let held up by missing income, and the migration that
starts every applicant's band history."""

import datetime as dt
import json
import uuid

from alembic import command
from sqlalchemy import select

from casework.audit import trail
from casework.migrations import config, upgrade
from casework.privacy import REMOVED
from casework_dev.testing import at_once, bearer
from lettings.models import Applicant, BandChange
from lettings.privacy import anonymise_applicant
from lettings.service import SERVICE

from .conftest import OFFICER, add_applicant, add_property, add_void, bid, open_advert, person

MEDICAL = {"reason": "Medical priority awarded by the medical adviser.", "decision_date": dt.date.today().isoformat()}


def etag(harness, applicant: dict) -> str:
    return harness.client.get(f"/applicants/{applicant['id']}", headers=OFFICER).headers["ETag"]


def patch(harness, applicant: dict, body: dict, tag: str | None = None):
    headers = {**OFFICER, "If-Match": tag or etag(harness, applicant)}
    return harness.client.patch(f"/applicants/{applicant['id']}", json=body, headers=headers)


def test_a_change_needs_the_etag_of_the_version_it_read(lettings):
    applicant = add_applicant(lettings)
    url = f"/applicants/{applicant['id']}"
    read = etag(lettings, applicant)

    missing = lettings.client.patch(url, json={"contact": {"phone": "01793 000000"}}, headers=OFFICER)
    star = lettings.client.patch(url, json={"contact": {"phone": "01793 000000"}},
                                 headers={**OFFICER, "If-Match": "*"})
    household = lettings.client.put(f"{url}/household", json={"household": [person()]}, headers=OFFICER)
    assert [r.status_code for r in (missing, star, household)] == [428, 428, 428]
    assert missing.mimetype == "application/problem+json" and "If-Match" in missing.json["detail"]

    assert patch(lettings, applicant, {"contact": {"phone": "01793 000000"}}, read).status_code == 200
    stale = patch(lettings, applicant, {"contact": {"phone": "01793 111111"}}, read)
    assert stale.status_code == 412 and stale.headers["ETag"] != read
    assert lettings.client.get(url, headers=OFFICER).json["contact"]["phone"] == "01793 000000"
    assert lettings.client.patch(f"/applicants/{uuid.uuid4()}", json={}, headers={**OFFICER, "If-Match": read}
                                 ).status_code == 404


def test_a_change_answers_the_applicant_as_changed_and_touches_nothing_else(lettings):
    applicant = add_applicant(lettings)

    r = patch(lettings, applicant, {"needs": {"ground_floor": True}, "income": {"monthly_outgoings": "950.5"},
                                    "support_needs": ["physical_health"], "contact": {"email": None}})

    assert r.status_code == 200, r.json
    assert r.json["needs"] == {"wheelchair": False, "ground_floor": True}
    assert r.json["income"] == {"monthly_net": "2100.00", "monthly_outgoings": "950.50"}
    assert r.json["support_needs"] == ["physical_health"]
    assert r.json["contact"] == {"phone": "07700 900123", "email": None}
    unchanged = {k: v for k, v in applicant.items() if k not in ("needs", "income", "support_needs", "contact")}
    assert {k: v for k, v in r.json.items() if k in unchanged} == unchanged
    assert lettings.client.get(f"/applicants/{applicant['id']}", headers=OFFICER).json == r.json


def test_every_change_is_audited_with_before_and_after_and_published_by_field_names_only(lettings):
    applicant = add_applicant(lettings)

    assert patch(lettings, applicant, {"contact": {"phone": "01793 000000"},
                                       "household": [person(), person("partner", 36, "M")]}).status_code == 200
    assert patch(lettings, applicant, {"contact": {"phone": "01793 000000"}}).status_code == 200  # no change

    with lettings.db.transaction() as session:
        changes = [e for e in trail(session, "applicant", applicant["id"]) if e.action == "change"]
    assert len(changes) == 1
    (change,) = changes
    assert sorted(change.before) == sorted(change.after) == ["bedroom_need", "household", "phone"]
    assert (change.before["phone"], change.after["phone"]) == ("07700 900123", "01793 000000")
    assert (change.before["bedroom_need"], change.after["bedroom_need"]) == (2, 1)
    assert [m["relationship"] for m in change.after["household"]] == ["applicant", "partner"]
    (event,) = lettings.events("lettings.applicant.changed.v1")
    assert event.subject == applicant["id"]
    assert event.data == {"applicant_id": applicant["id"], "reference": applicant["reference"],
                          "changed": ["bedroom_need", "household", "phone"], "band": None}
    assert "01793" not in json.dumps(event.data) and "Partner" not in json.dumps(event.data)


def test_bad_values_are_problems_naming_the_field(lettings):
    applicant = add_applicant(lettings)
    tomorrow = (dt.date.today() + dt.timedelta(days=1)).isoformat()
    cases = [
        ({"income": {"monthly_net": "-5.00"}}, "income.monthly_net"),
        ({"needs": {"wheelchair": "sometimes"}}, "needs.wheelchair"),
        ({"support_needs": ["gardening"]}, "support_needs.0"),
        ({"contact": {"email": "not an address"}}, "contact.email"),
        ({"move_on_from": "prison"}, "move_on_from"),
        ({"household": []}, "household"),
        ({"household": [person(), person(name="Another lead")]}, "household"),
        ({"band": "Z", "band_change": MEDICAL}, "band"),
        ({"band": "A", "band_change": {**MEDICAL, "decision_date": tomorrow}}, "band_change.decision_date"),
        ({"band": "A", "band_change": {"decision_date": MEDICAL["decision_date"]}}, "band_change.reason"),
        ({"band": "A"}, "band_change"),
        ({"effective_date": "2026-01-05"}, "band_change"),
        ({"band_change": MEDICAL}, "band_change"),
    ]
    for body, field in cases:
        r = patch(lettings, applicant, body)
        assert r.status_code == 422 and r.mimetype == "application/problem+json", (body, r.json)
        assert r.json["errors"].get(field), (body, r.json)
    assert lettings.client.get(f"/applicants/{applicant['id']}", headers=OFFICER).json == applicant
    assert lettings.events("lettings.applicant.changed.v1") == []


def test_a_band_moves_only_by_a_recorded_decision_kept_in_a_dated_history(lettings):
    applicant = add_applicant(lettings)  # band B from 2024-01-10

    r = patch(lettings, applicant, {"band": "A", "effective_date": MEDICAL["decision_date"], "band_change": MEDICAL})

    assert r.status_code == 200, r.json
    assert (r.json["band"], r.json["effective_date"]) == ("A", MEDICAL["decision_date"])
    history = lettings.client.get(f"/applicants/{applicant['id']}/band-history", headers=OFFICER)
    assert history.status_code == 200
    assert [(h["band"], h["effective_date"], h["reason"], h["decision_date"], h["changed_by"])
            for h in history.json] == [
        ("B", "2024-01-10", "Band given at registration.", None, "officer-1"),
        ("A", MEDICAL["decision_date"], MEDICAL["reason"], MEDICAL["decision_date"], "officer-1")]
    with lettings.db.transaction() as session:
        entries = trail(session, "applicant", applicant["id"])
    (change,) = [e for e in entries if e.action == "change"]
    assert change.reason == MEDICAL["reason"]
    assert (change.before, change.after) == ({"band": "B", "effective_date": "2024-01-10"},
                                             {"band": "A", "effective_date": MEDICAL["decision_date"]})
    assert entries[-1].action == "read"  # reading the history is audited
    (event,) = lettings.events("lettings.applicant.changed.v1")
    assert (event.data["changed"], event.data["band"]) == (["band", "effective_date"], "A")
    assert lettings.client.get(f"/applicants/{uuid.uuid4()}/band-history", headers=OFFICER).status_code == 404


def test_a_household_change_moves_the_bedroom_need_and_an_open_shortlist_follows(lettings):
    prop = add_property(lettings, bedrooms=2)
    add_void(lettings, prop)
    advert = open_advert(lettings, prop)
    applicant = add_applicant(lettings)  # a parent and two young children: 2 bedrooms
    assert bid(lettings, advert, applicant).status_code == 201
    shortlist = f"/adverts/{advert['id']}/shortlist"
    assert [b["applicant_id"] for b in lettings.client.get(shortlist, headers=OFFICER).json["ranked"]] == [
        applicant["id"]]

    grown = [person(), person("child", 14, "M"), person("child", 12, "F")]
    r = patch(lettings, applicant, {"household": grown})

    assert r.status_code == 200 and r.json["bedroom_need"] == 3
    after = lettings.client.get(shortlist, headers=OFFICER).json
    assert after["ranked"] == []
    assert [(e["applicant_id"], [reason["code"] for reason in e["reasons"]]) for e in after["excluded"]] == [
        (applicant["id"], ["too_small"])]


def test_income_recorded_after_the_checks_stopped_a_let_lets_it_go_on(lettings):
    prop = add_property(lettings, bedrooms=2)
    add_void(lettings, prop)
    advert = open_advert(lettings, prop)
    applicant = add_applicant(lettings, income={"monthly_net": None, "monthly_outgoings": None})
    assert bid(lettings, advert, applicant).status_code == 201
    assert lettings.client.post(f"/adverts/{advert['id']}/close", headers=OFFICER).status_code == 200
    made = lettings.client.post(f"/adverts/{advert['id']}/offers", json={}, headers=OFFICER)
    assert made.status_code == 201, made.json
    offer_id = made.json["id"]
    assert lettings.client.post(f"/offers/{offer_id}/accept", headers=OFFICER).status_code == 200

    stopped = lettings.client.post(f"/offers/{offer_id}/checks", headers=OFFICER)
    assert stopped.status_code == 422 and "Record the applicant's income" in stopped.json["detail"]

    recorded = patch(lettings, applicant, {"income": {"monthly_net": "2100.00", "monthly_outgoings": "900.00"}})
    assert recorded.status_code == 200, recorded.json
    checks = lettings.client.post(f"/offers/{offer_id}/checks", headers=OFFICER)
    assert checks.status_code == 201, checks.json
    assert (checks.json["result"], checks.json["residual_monthly"]) == ("pass", "745.00")
    signed = lettings.client.post(f"/offers/{offer_id}/sign-up", json={"tenancy_start": dt.date.today().isoformat()},
                                  headers=OFFICER)
    assert signed.status_code == 201, signed.json


def test_applicants_registered_before_the_band_history_get_their_band_as_its_first_entry(service):
    first, second = add_applicant(service), add_applicant(service, band="A", effective_date="2025-02-03")
    command.downgrade(config(SERVICE, service.database_url), "0008")

    upgrade(SERVICE, service.database_url)

    with service.db.transaction() as session:
        rows = session.scalars(select(BandChange).order_by(BandChange.band)).all()
        assert [(str(r.applicant_id), r.band, r.effective_date.isoformat(), r.decision_date, r.changed_by)
                for r in rows] == [(second["id"], "A", "2025-02-03", None, "migration 0009"),
                                   (first["id"], "B", "2024-01-10", None, "migration 0009")]
        assert all(r.reason and r.changed_at is not None for r in rows)
    added = add_applicant(service)
    history = service.client.get(f"/applicants/{added['id']}/band-history", headers=OFFICER).json
    assert [h["band"] for h in history] == ["B"]


def test_the_band_history_is_in_the_households_export_and_its_reasons_go_when_it_is_anonymised(lettings):
    applicant = add_applicant(lettings, household=[person(name="Priya Okonkwo-Hale")])
    award = {"reason": "Priya's medical award (hip replacement).", "decision_date": MEDICAL["decision_date"]}
    assert patch(lettings, applicant, {"band": "A", "band_change": award}).status_code == 200
    leader = bearer("leader-1", "team_leader")

    export = lettings.client.get("/subjects/export", query_string={"name": "Priya Okonkwo-Hale",
                                                                   "date_of_birth": person()["date_of_birth"]},
                                 headers=leader)
    assert export.status_code == 200, export.json
    (record,) = [r for r in export.json["records"] if r["record_type"] == "applicant"]
    assert [h["reason"] for h in record["data"]["band_history"]] == ["Band given at registration.", award["reason"]]

    with lettings.db.transaction() as session:
        anonymise_applicant(session, session.get(Applicant, uuid.UUID(applicant["id"])))
    history = lettings.client.get(f"/applicants/{applicant['id']}/band-history", headers=OFFICER).json
    assert [(h["band"], h["reason"]) for h in history] == [("B", REMOVED), ("A", REMOVED)]


def test_two_changes_made_with_one_etag_have_one_winner(lettings):
    applicant = add_applicant(lettings)
    url = f"/applicants/{applicant['id']}"
    tag = etag(lettings, applicant)

    def change(body):
        client = lettings.client.application.test_client()  # a request and session of its own
        return lambda: client.patch(url, json=body, headers={**OFFICER, "If-Match": tag})

    answers = at_once(change({"income": {"monthly_net": "1500.00"}}), change({"income": {"monthly_net": "1700.00"}}))

    assert sorted(r.status_code for r in answers) == [200, 412]
    (won,) = [r.json for r in answers if r.status_code == 200]
    assert lettings.client.get(url, headers=OFFICER).json["income"] == won["income"]
    assert len(lettings.events("lettings.applicant.changed.v1")) == 1
