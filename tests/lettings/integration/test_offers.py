"""Shortlists, offers and their answers against PostgreSQL; expiry through the real Sweeper."""

import datetime as dt

from casework.db import utcnow
from casework.sealing import unseal
from casework.timers import Sweeper
from casework_dev.testing import bearer
from lettings.schemas.adverts import Shortlist
from lettings.service import SERVICE

from .conftest import (
    OFFICER,
    add_applicant,
    add_property,
    add_void,
    closed_advert_with_bidders,
    offer,
    person,
)


def test_only_lettings_officers_and_team_leaders_may_offer(lettings):
    advert = closed_advert_with_bidders(lettings, add_applicant(lettings))
    url = f"/adverts/{advert['id']}/offers"
    assert lettings.client.post(url, json={}).status_code == 401
    assert lettings.client.post(url, json={}, headers=bearer("s-1", "sustainment_officer")).status_code == 403
    assert lettings.client.post(url, json={}, headers=bearer("tl-1", "team_leader")).status_code == 201


def test_offer_while_bidding_is_open_is_a_conflict(lettings):
    prop = add_property(lettings)
    add_void(lettings, prop)
    closes = (dt.datetime.now(dt.UTC) + dt.timedelta(days=1)).isoformat()
    advert = lettings.client.post("/adverts", json={"property_id": prop["id"], "closes_at": closes},
                                  headers=OFFICER).json
    assert offer(lettings, advert).status_code == 409


def test_bypassing_a_higher_bidder_needs_a_reason_recorded_on_the_shortlist(lettings):
    top, lower = add_applicant(lettings, band="A"), add_applicant(lettings, band="C")
    advert = closed_advert_with_bidders(lettings, lower, top)
    no_reason = offer(lettings, advert, applicant_id=lower["id"])
    assert no_reason.status_code == 422 and "bypass_reason" in no_reason.json["errors"]

    made = offer(lettings, advert, applicant_id=lower["id"], bypass_reason="Top bidder in hospital until June.")
    assert made.status_code == 201 and made.json["bypass_reason"] == "Top bidder in hospital until June."
    assert lettings.events("lettings.offer.made.v1")[0].data["bypassed"] == 1

    ranked = lettings.client.get(f"/adverts/{advert['id']}/shortlist", headers=OFFICER).json["ranked"]
    assert ranked[0]["applicant_id"] == top["id"]
    assert ranked[0]["bypassed"][0]["reason"] == "Top bidder in hospital until June."
    assert ranked[1]["offer"]["status"] == "pending"


def test_the_shortlist_as_written_is_the_shortlist_as_documented(lettings):
    # The view writes its JSON by hand, for speed: read it back through the schema the OpenAPI
    # document publishes (unknown fields refused) and dump it again, and nothing may change.
    top, lower, elsewhere = (add_applicant(lettings, band=band) for band in "ACB")
    other = closed_advert_with_bidders(lettings, elsewhere)
    advert = closed_advert_with_bidders(lettings, lower, top, elsewhere)
    assert offer(lettings, other).status_code == 201  # so excluded here
    assert offer(lettings, advert, applicant_id=lower["id"], bypass_reason="Top bidder abroad.").status_code == 201
    body = lettings.client.get(f"/adverts/{advert['id']}/shortlist", headers=OFFICER).json
    assert [len(body["ranked"]), len(body["excluded"])] == [2, 1]
    assert body["ranked"][0]["bypassed"] and body["ranked"][1]["offer"] and body["ranked"][0]["bid_at"]
    assert Shortlist().dump(Shortlist().load(body)) == body


def test_after_a_refusal_the_next_bidder_is_offered(lettings):
    first, second = add_applicant(lettings, band="A"), add_applicant(lettings, band="B")
    advert = closed_advert_with_bidders(lettings, first, second)
    one = offer(lettings, advert).json
    assert offer(lettings, advert).status_code == 409  # one live offer per home
    refused = lettings.client.post(f"/offers/{one['id']}/refuse", json={"reason": "Too far from school",
                                                                        "reasonable": True}, headers=OFFICER)
    assert refused.status_code == 200 and refused.json["status"] == "refused"
    two = offer(lettings, advert)
    assert two.status_code == 201 and two.json["applicant_id"] == second["id"]
    assert lettings.events("lettings.offer.refused.v1")[0].data == {
        "offer_id": one["id"], "reference": one["reference"], "advert_id": advert["id"],
        "property_id": one["property_id"], "applicant_id": first["id"], "reasonable": True,
        "applicant_suspended": False, "bidders_left": 1}  # the second bidder, offered next
    assert lettings.client.post(f"/offers/{one['id']}/accept", headers=OFFICER).status_code == 409
    letter = lettings.client.get(f"/offers/{one['id']}/letters/refusal", headers=OFFICER)
    assert letter.status_code == 200 and letter.mimetype == "text/html"
    assert "reasonable" in letter.text and "right to a review" in letter.text
    assert lettings.client.get(f"/offers/{two.json['id']}/letters/refusal", headers=OFFICER).status_code == 404


def test_second_unreasonable_refusal_suspends_and_excludes_the_applicant(lettings):
    applicant = add_applicant(lettings)
    for _ in range(2):
        advert = closed_advert_with_bidders(lettings, applicant)
        made = offer(lettings, advert).json
        r = lettings.client.post(f"/offers/{made['id']}/refuse", json={"reason": "Wants a house",
                                                                       "reasonable": False}, headers=OFFICER)
        assert r.status_code == 200
    assert [e.data["applicant_suspended"] for e in lettings.events("lettings.offer.refused.v1")] == [False, True]
    assert lettings.client.get(f"/applicants/{applicant['id']}", headers=OFFICER).json["status"] == "suspended"
    shortlist = lettings.client.get(f"/adverts/{advert['id']}/shortlist", headers=OFFICER).json
    assert shortlist["ranked"] == []
    assert shortlist["excluded"][0]["reasons"][0]["code"] == "suspended"


def test_a_live_offer_elsewhere_shows_as_an_exclusion(lettings):
    applicant = add_applicant(lettings)
    first = closed_advert_with_bidders(lettings, applicant)
    second = closed_advert_with_bidders(lettings, applicant)
    assert offer(lettings, first).status_code == 201
    shortlist = lettings.client.get(f"/adverts/{second['id']}/shortlist", headers=OFFICER).json
    assert [r["code"] for r in shortlist["excluded"][0]["reasons"]] == ["live_offer_elsewhere"]
    assert offer(lettings, second).status_code == 409  # nobody left to offer


def test_an_unanswered_offer_expires_by_its_timer(lettings):
    first, second = add_applicant(lettings, band="A"), add_applicant(lettings, band="B")
    advert = closed_advert_with_bidders(lettings, first, second)
    made = offer(lettings, advert).json
    sweeper = Sweeper(lettings.db, SERVICE.timers, service="lettings")
    assert sweeper.fire_due() == 0  # not yet due
    respond_by = dt.datetime.fromisoformat(made["respond_by"])
    assert sweeper.fire_due(now=respond_by + dt.timedelta(seconds=1)) == 1
    assert lettings.client.get(f"/offers/{made['id']}", headers=OFFICER).json["status"] == "expired"
    assert [e.data["offer_id"] for e in lettings.events("lettings.offer.expired.v1")] == [made["id"]]
    assert offer(lettings, advert).json["applicant_id"] == second["id"]


def test_an_answered_offer_does_not_expire(lettings):
    advert = closed_advert_with_bidders(lettings, add_applicant(lettings))
    made = offer(lettings, advert).json
    lettings.client.post(f"/offers/{made['id']}/withdraw", json={"reason": "Property needs repairs"},
                         headers=OFFICER)
    fired = Sweeper(lettings.db, SERVICE.timers, service="lettings").fire_due(now=utcnow() + dt.timedelta(days=30))
    assert fired == 0
    assert lettings.events("lettings.offer.expired.v1") == []
    assert len(lettings.events("lettings.offer.withdrawn.v1")) == 1
    letter = lettings.client.get(f"/offers/{made['id']}/letters/withdrawal", headers=OFFICER)
    assert "Property needs repairs" in letter.text


def test_direct_match_offers_without_an_advert(lettings):
    prop = add_property(lettings, bedrooms=1)
    add_void(lettings, prop)
    applicant = add_applicant(lettings, household=[person()])
    body = {"property_id": prop["id"], "applicant_id": applicant["id"]}
    missing = lettings.client.post("/offers", json=body, headers=OFFICER)
    assert missing.status_code == 422 and "direct_match_reason" in missing.json["errors"]
    made = lettings.client.post("/offers", json={**body, "direct_match_reason": "Fleeing violence (MARAC)"},
                                headers=OFFICER)
    assert made.status_code == 201 and made.json["advert_id"] is None
    assert lettings.events("lettings.offer.made.v1")[0].data["direct_match"] is True
    letter = lettings.client.get(f"/offers/{made.json['id']}/letters/offer", headers=OFFICER)
    assert letter.status_code == 200 and prop["address"] in letter.text and "£98.00" in letter.text


def test_failed_checks_block_sign_up_unless_overridden(lettings):
    poor = add_applicant(lettings, income={"monthly_net": "900.00", "monthly_outgoings": "700.00"},
                         move_on_from="care")
    advert = closed_advert_with_bidders(lettings, poor)
    made = offer(lettings, advert).json
    lettings.client.post(f"/offers/{made['id']}/accept", headers=OFFICER)
    start = {"tenancy_start": dt.date.today().isoformat()}
    blocked = lettings.client.post(f"/offers/{made['id']}/sign-up", json=start, headers=OFFICER)
    assert blocked.status_code == 409
    assert lettings.events("lettings.tenancy.started.v2") == []
    signed = lettings.client.post(f"/offers/{made['id']}/sign-up", headers=OFFICER,
                                  json={**start, "override_reason": "Discretionary Housing Payment agreed"})
    assert signed.status_code == 201
    assert signed.json["checks"]["result"] == "fail"
    assert signed.json["checks"]["residual_monthly"] == "-255.00"  # 900 − 700 − 455
    assert signed.json["high_risk_reasons"] == ["affordability_fail_overridden", "move_on_from_care"]


def test_an_affordability_referral_makes_the_tenancy_high_risk(lettings):
    tight = add_applicant(lettings, income={"monthly_net": "1500.00", "monthly_outgoings": "950.00"},
                          existing_tenant=True)
    advert = closed_advert_with_bidders(lettings, tight)
    made = offer(lettings, advert).json
    lettings.client.post(f"/offers/{made['id']}/accept", headers=OFFICER)
    checks = lettings.client.post(f"/offers/{made['id']}/checks", headers=OFFICER).json
    assert (checks["result"], checks["residual_monthly"]) == ("refer", "95.00")
    signed = lettings.client.post(f"/offers/{made['id']}/sign-up", json={"tenancy_start": dt.date.today().isoformat()},
                                  headers=OFFICER).json
    assert signed["high_risk"] is True and signed["tenancy_type"] == "secure"
    sealed = lettings.events("lettings.tenancy.started.v2")[0].data["tenant_details"]
    assert unseal(sealed, to="sustainment")["high_risk_reasons"] == ["affordability_referral"]


def test_a_sign_up_that_overrides_a_failed_affordability_check_makes_the_tenancy_high_risk(lettings):
    short = add_applicant(lettings, income={"monthly_net": "900.00", "monthly_outgoings": "850.00"},
                          existing_tenant=True)
    advert = closed_advert_with_bidders(lettings, short)
    made = offer(lettings, advert).json
    lettings.client.post(f"/offers/{made['id']}/accept", headers=OFFICER)
    assert lettings.client.post(f"/offers/{made['id']}/checks", headers=OFFICER).json["result"] == "fail"

    signed = lettings.client.post(f"/offers/{made['id']}/sign-up", json={
        "tenancy_start": dt.date.today().isoformat(), "override_reason": "Discretionary housing payment agreed."},
        headers=OFFICER)

    assert signed.status_code == 201, signed.json
    assert signed.json["high_risk"] is True and signed.json["high_risk_reasons"] == ["affordability_fail_overridden"]
    sealed = lettings.events("lettings.tenancy.started.v2")[0].data["tenant_details"]
    assert unseal(sealed, to="sustainment")["high_risk_reasons"] == ["affordability_fail_overridden"]


def test_an_offer_not_taken_up_says_how_many_bidders_are_left(lettings):
    first, second = add_applicant(lettings, band="A"), add_applicant(lettings, band="B")
    advert = closed_advert_with_bidders(lettings, first, second)
    one = offer(lettings, advert).json
    lettings.client.post(f"/offers/{one['id']}/withdraw", json={"reason": "Gas check failed"}, headers=OFFICER)
    two = offer(lettings, advert).json
    lettings.client.post(f"/offers/{two['id']}/refuse", json={"reason": "Too small", "reasonable": True},
                         headers=OFFICER)

    assert [e.data["bidders_left"] for e in lettings.events("lettings.offer.withdrawn.v1")] == [1]
    assert [e.data["bidders_left"] for e in lettings.events("lettings.offer.refused.v1")] == [0]  # nobody left

    prop = add_property(lettings, bedrooms=1)
    add_void(lettings, prop)
    direct = lettings.client.post("/offers", json={"property_id": prop["id"], "applicant_id": add_applicant(
        lettings, household=[person()])["id"], "direct_match_reason": "Urgent medical need"}, headers=OFFICER).json
    lettings.client.post(f"/offers/{direct['id']}/withdraw", json={"reason": "Adaptations not possible"},
                         headers=OFFICER)
    assert lettings.events("lettings.offer.withdrawn.v1")[-1].data["bidders_left"] == 0  # no shortlist behind it


def test_a_refusal_names_its_reason_from_the_policys_list(lettings):
    first, second = add_applicant(lettings, band="A"), add_applicant(lettings, band="B")
    advert = closed_advert_with_bidders(lettings, first, second)
    one = offer(lettings, advert).json
    unknown = lettings.client.post(f"/offers/{one['id']}/refuse", json={
        "reason": "Too far", "reason_code": "too_far", "reasonable": True}, headers=OFFICER)
    assert unknown.status_code == 422 and "reason_code" in unknown.json["errors"]
    assert "location" in unknown.json["errors"]["reason_code"][0]
    assert lettings.client.get(f"/offers/{one['id']}", headers=OFFICER).json["status"] == "pending"

    refused = lettings.client.post(f"/offers/{one['id']}/refuse", json={
        "reason": "Too far from the children's school", "reason_code": "location", "reasonable": True},
        headers=OFFICER)
    assert refused.status_code == 200, refused.json
    assert refused.json["refusal_reason_code"] == "location"
    assert refused.json["refusal_reason"] == "Too far from the children's school"


def test_the_refusal_reasons_are_the_councils_codes_with_labels():
    from lettings.domain.policy import LettingsPolicy
    from lettings.policy import current

    codes = dict(current().refusal_reasons)
    assert {"location", "size", "other"} <= set(codes) and all(codes.values())
    custom = LettingsPolicy.from_dict({"offers": {"refusal_reasons": {"flood_risk": "The home floods"}}})
    assert custom.refusal_reasons == (("flood_risk", "The home floods"),)
    import pytest
    with pytest.raises(ValueError, match="refusal_reasons"):
        LettingsPolicy.from_dict({"offers": {"refusal_reasons": {"Not A Code": "x"}}})
