"""An application's status through the API on both backends: the officer's moves and their 409s
and 422s, a suspension lifted by its timer (the real Sweeper), a refusal review lifting the
suspension it caused, and a housed or cancelled applicant's bids dropping out."""

import datetime as dt

import pytest

from casework.timers import Sweeper
from casework_dev.testing import bearer
from lettings.service import SERVICE

from .conftest import (
    OFFICER,
    add_applicant,
    add_property,
    add_void,
    bid,
    closed_advert_with_bidders,
    offer,
    open_advert,
)

LEADER = bearer("leader-1", "team_leader")
TODAY = dt.date.today()


def status(harness, applicant, headers=OFFICER, **body):
    return harness.client.post(f"/applicants/{applicant['id']}/status", json={"reason": "Officer's decision.", **body},
                               headers=headers)


def refuse(harness, made, reasonable=False):
    r = harness.client.post(f"/offers/{made['id']}/refuse", json={"reason": "Wants a house.", "reasonable": reasonable},
                            headers=OFFICER)
    assert r.status_code == 200, r.json
    return r.json


def suspended_by_refusals(harness):
    """An applicant who refused two homes unreasonably: suspended, with both offers."""
    applicant = add_applicant(harness)
    made = []
    for _ in range(2):
        made.append(offer(harness, closed_advert_with_bidders(harness, applicant)).json)
        refuse(harness, made[-1])
    return applicant, made


def read(harness, applicant):
    return harness.client.get(f"/applicants/{applicant['id']}", headers=OFFICER).json


@pytest.mark.parametrize("steps", [
    # (body, expected status code, expected status afterwards or a fragment of the problem's detail)
    [({"status": "suspended"}, 200, "suspended"), ({"status": "active"}, 200, "active")],
    [({"status": "suspended"}, 200, "suspended"), ({"status": "suspended"}, 409, "already suspended")],
    [({"status": "active"}, 409, "already active")],
    [({"status": "cancelled"}, 200, "cancelled"), ({"status": "active"}, 409, "cancelled")],
    [({"status": "suspended"}, 200, "suspended"), ({"status": "cancelled"}, 200, "cancelled"),
     ({"status": "suspended"}, 409, "finished")],
])
def test_an_officer_moves_an_application_only_as_the_scheme_allows(lettings, steps):
    applicant = add_applicant(lettings)
    for body, code, outcome in steps:
        r = status(lettings, applicant, **body)
        assert r.status_code == code, r.json
        if code == 200:
            assert r.json["status"] == outcome
        else:
            assert outcome in r.json["detail"] and r.content_type == "application/problem+json"


@pytest.mark.parametrize("body, field", [
    ({"status": "housed"}, "status"),
    ({"status": "closed"}, "status"),
    ({"status": "suspended", "until": TODAY.isoformat()}, "until"),
    ({"status": "cancelled", "until": (TODAY + dt.timedelta(days=30)).isoformat()}, "until"),
    ({"status": "suspended", "reason": ""}, "reason"),
])
def test_a_status_change_that_cannot_be_done_is_422_naming_the_field(lettings, body, field):
    r = status(lettings, add_applicant(lettings), **body)
    assert r.status_code == 422 and field in r.json["errors"], r.json


def test_a_status_change_honours_if_match_and_names_an_applicant(lettings):
    applicant = add_applicant(lettings)
    etag = lettings.client.get(f"/applicants/{applicant['id']}", headers=OFFICER).headers["ETag"]
    assert status(lettings, applicant, status="suspended").status_code == 200
    stale = status(lettings, applicant, headers={**OFFICER, "If-Match": etag}, status="active")
    assert stale.status_code == 412
    assert lettings.client.post("/applicants/00000000-0000-0000-0000-000000000000/status",
                                json={"status": "active", "reason": "x"}, headers=OFFICER).status_code == 404


def test_an_officers_suspension_runs_to_its_date_when_the_timer_lifts_it(lettings):
    applicant = add_applicant(lettings)
    until = TODAY + dt.timedelta(days=3)
    r = status(lettings, applicant, status="suspended", until=until.isoformat())
    assert (r.json["status"], r.json["suspended_until"]) == ("suspended", until.isoformat())
    sweeper = Sweeper(lettings.db, SERVICE.timers, service="lettings")
    assert sweeper.fire_due() == 0
    assert read(lettings, applicant)["status"] == "suspended"
    assert sweeper.fire_due(now=dt.datetime.combine(until, dt.time(12), dt.UTC)) == 1
    lifted = read(lettings, applicant)
    assert (lifted["status"], lifted["suspended_until"]) == ("active", None)
    changes = [e.data for e in lettings.events("lettings.applicant.status_changed.v1")]
    assert [(c["from_status"], c["to_status"], c["suspended_until"], c["cause"]) for c in changes] == [
        ("active", "suspended", until.isoformat(), "officer"), ("suspended", "active", None, "suspension_ended")]
    assert "Officer's decision." not in str(changes)


def test_a_suspension_for_refusals_lasts_the_policys_months(lettings):
    applicant, made = suspended_by_refusals(lettings)
    shown = read(lettings, applicant)
    assert shown["status"] == "suspended" and shown["suspended_by_offer_id"] == made[1]["id"]
    until = dt.date.fromisoformat(shown["suspended_until"])
    assert until.replace(year=until.year - 1) in (TODAY, TODAY - dt.timedelta(days=1))  # London's date, 12 months on


def test_a_refusal_found_reasonable_on_review_lifts_the_suspension(lettings):
    applicant, made = suspended_by_refusals(lettings)
    r = lettings.client.post(f"/offers/{made[0]['id']}/refusal-review", headers=LEADER,
                             json={"reasonable": True, "reason": "The home was two buses from the school."})
    assert r.status_code == 200, r.json
    assert r.json["refusal_reasonable"] is True
    review = r.json["refusal_review"]
    assert (review["reviewed_by"], review["reasonable"], review["reasonable_before"], review["reason"]) == (
        "leader-1", True, False, "The home was two buses from the school.")
    assert lettings.client.get(f"/offers/{made[0]['id']}", headers=OFFICER).json["refusal_review"] == review
    assert read(lettings, applicant)["status"] == "active"
    assert lettings.events("lettings.applicant.status_changed.v1")[-1].data["cause"] == "refusal_review"
    again = lettings.client.post(f"/offers/{made[0]['id']}/refusal-review", headers=LEADER,
                                 json={"reasonable": False, "reason": "Second thoughts."})
    assert again.status_code == 409 and "a review is final" in again.json["detail"]


def test_only_a_refused_offer_is_reviewed(lettings):
    made = offer(lettings, closed_advert_with_bidders(lettings, add_applicant(lettings))).json
    url = f"/offers/{made['id']}/refusal-review"
    pending = lettings.client.post(url, json={"reasonable": True, "reason": "x"}, headers=OFFICER)
    assert pending.status_code == 409 and "only a refusal can be reviewed" in pending.json["detail"]
    missing = lettings.client.post(url, json={"reason": "x"}, headers=OFFICER)
    assert missing.status_code == 422 and "reasonable" in missing.json["errors"]
    unknown = lettings.client.post("/offers/00000000-0000-0000-0000-000000000000/refusal-review",
                                   json={"reasonable": True, "reason": "x"}, headers=OFFICER)
    assert unknown.status_code == 404


def test_a_housed_applicants_open_bids_drop_out_and_the_shortlist_says_why(lettings):
    applicant, rival = add_applicant(lettings, band="A"), add_applicant(lettings, band="B")
    elsewhere = add_property(lettings)
    add_void(lettings, elsewhere)
    still_open = open_advert(lettings, elsewhere)
    assert bid(lettings, still_open, applicant).status_code == 201
    assert bid(lettings, still_open, rival).status_code == 201
    made = offer(lettings, closed_advert_with_bidders(lettings, applicant)).json
    assert lettings.client.post(f"/offers/{made['id']}/accept", headers=OFFICER).status_code == 200
    signed = lettings.client.post(f"/offers/{made['id']}/sign-up", json={"tenancy_start": TODAY.isoformat()},
                                  headers=OFFICER)
    assert signed.status_code == 201, signed.json
    assert read(lettings, applicant)["status"] == "housed"

    shortlist = lettings.client.get(f"/adverts/{still_open['id']}/shortlist", headers=OFFICER).json
    assert [r["applicant_id"] for r in shortlist["ranked"]] == [rival["id"]]
    assert [(e["applicant_id"], [r["code"] for r in e["reasons"]]) for e in shortlist["excluded"]] == [
        (applicant["id"], ["housed"])]
    another = add_property(lettings)
    add_void(lettings, another)
    again = bid(lettings, open_advert(lettings, another), applicant)
    assert again.status_code == 409 and "housed" in again.json["detail"]
    assert status(lettings, applicant, status="cancelled").status_code == 409


def test_a_cancelled_applicant_can_neither_bid_nor_be_offered(lettings):
    applicant = add_applicant(lettings)
    advert = closed_advert_with_bidders(lettings, applicant)
    assert status(lettings, applicant, status="cancelled").status_code == 200
    named = offer(lettings, advert, applicant_id=applicant["id"])
    assert named.status_code == 409 and "cancelled" in named.json["detail"]
    prop = add_property(lettings)
    add_void(lettings, prop)
    direct = lettings.client.post("/offers", headers=OFFICER, json={
        "property_id": prop["id"], "applicant_id": applicant["id"], "direct_match_reason": "Urgent."})
    assert direct.status_code == 409 and "cancelled" in direct.json["detail"]
    assert bid(lettings, open_advert(lettings, prop), applicant).status_code == 409


def test_no_suspension_while_the_applicant_holds_a_live_offer(lettings):
    applicant = add_applicant(lettings)
    made = offer(lettings, closed_advert_with_bidders(lettings, applicant)).json
    r = status(lettings, applicant, status="suspended")
    assert r.status_code == 409 and made["reference"] in r.json["detail"]


@pytest.mark.parametrize("counts", [False, True])
def test_whether_an_expired_offer_counts_towards_a_suspension_is_the_councils_policy(lettings, counts, monkeypatch,
                                                                                     tmp_path):
    council = tmp_path / "policy.yaml"
    council.write_text(f"offers:\n  expired_counts_as_refusal: {str(counts).lower()}\n")
    monkeypatch.setenv("CASEWORK_LETTINGS_POLICY_FILE", str(council))
    applicant = add_applicant(lettings)
    refuse(lettings, offer(lettings, closed_advert_with_bidders(lettings, applicant)).json)
    unanswered = offer(lettings, closed_advert_with_bidders(lettings, applicant)).json

    respond_by = dt.datetime.fromisoformat(unanswered["respond_by"])
    assert Sweeper(lettings.db, SERVICE.timers, service="lettings").fire_due(
        now=respond_by + dt.timedelta(seconds=1)) == 1

    shown = read(lettings, applicant)
    assert shown["status"] == ("suspended" if counts else "active")
    assert shown["suspended_by_offer_id"] == (unanswered["id"] if counts else None)
    review = lettings.client.post(f"/offers/{unanswered['id']}/refusal-review", headers=LEADER,
                                  json={"reasonable": True, "reason": "In hospital all week."})
    assert review.status_code == (200 if counts else 409), review.json
    assert read(lettings, applicant)["status"] == "active"
