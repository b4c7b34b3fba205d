"""A home is let again and again, and each applicant offered again, on both backends (on SQLite
the partial unique indexes were once plain: a home went void once and each applicant was
offered once ever)."""

import datetime as dt

from casework_dev.testing import naive_times, stored_times

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


def _let(harness, advert: dict) -> dict:
    made = offer(harness, advert)
    assert made.status_code == 201, made.json
    assert harness.client.post(f"/offers/{made.json['id']}/accept", headers=OFFICER).status_code == 200
    signed = harness.client.post(f"/offers/{made.json['id']}/sign-up", headers=OFFICER, json={
        "tenancy_start": dt.date.today().isoformat(), "override_reason": "Checked by hand."})
    assert signed.status_code == 201, signed.json
    return {**made.json, "tenancy_ref": signed.json["tenancy_ref"]}


def test_an_unreasonable_refusal_is_recorded_and_the_next_bidder_offered(lettings):
    first, second = add_applicant(lettings, band="A"), add_applicant(lettings, band="B")
    advert = closed_advert_with_bidders(lettings, first, second)
    refused = offer(lettings, advert).json

    r = lettings.client.post(f"/offers/{refused['id']}/refuse", json={"reason": "Wants a house", "reasonable": False},
                             headers=OFFICER)

    assert r.status_code == 200, r.json
    assert (r.json["status"], naive_times(r.json)) == ("refused", [])
    following = offer(lettings, advert)
    assert following.status_code == 201, following.json
    assert following.json["applicant_id"] == second["id"]


def test_after_a_withdrawal_the_next_bidder_is_offered_and_the_first_may_be_offered_another_home(lettings):
    first, second = add_applicant(lettings, band="A"), add_applicant(lettings, band="B")
    advert = closed_advert_with_bidders(lettings, first, second)
    withdrawn = offer(lettings, advert).json
    assert lettings.client.post(f"/offers/{withdrawn['id']}/withdraw", json={"reason": "Property needs repairs"},
                                headers=OFFICER).status_code == 200

    assert offer(lettings, advert).json["applicant_id"] == second["id"]
    elsewhere = offer(lettings, closed_advert_with_bidders(lettings, first))
    assert elsewhere.status_code == 201, elsewhere.json
    assert elsewhere.json["applicant_id"] == first["id"]


def test_a_home_let_goes_void_again_and_is_advertised_again(lettings):
    home = add_property(lettings)
    _let(lettings, closed_advert_with_bidders(lettings, add_applicant(lettings), prop=home))

    again = add_void(lettings, home)  # 201, or the test fails there

    assert lettings.client.get(f"/properties/{home['id']}", headers=OFFICER).json["void"]["id"] == again["id"]
    advert = open_advert(lettings, home)
    assert bid(lettings, advert, add_applicant(lettings)).status_code == 201


def test_a_signed_up_offer_cannot_be_withdrawn_accepted_or_refused(lettings):
    let = _let(lettings, closed_advert_with_bidders(lettings, add_applicant(lettings)))
    url = f"/offers/{let['id']}"

    for action, body in (("withdraw", {"reason": "Changed our mind"}), ("accept", None),
                         ("refuse", {"reason": "Too far", "reasonable": True})):
        r = lettings.client.post(f"{url}/{action}", json=body, headers=OFFICER)
        assert r.status_code == 409, (action, r.json)
        assert "signed up" in r.json["detail"] and "final" in r.json["detail"]
    assert lettings.client.get(url, headers=OFFICER).json["status"] == "signed_up"


def test_every_record_read_back_gives_its_times_with_an_offset(lettings):
    first, second = add_applicant(lettings, band="A"), add_applicant(lettings, band="B")
    home = add_property(lettings)
    advert = closed_advert_with_bidders(lettings, first, second, prop=home)
    refused = offer(lettings, advert).json
    lettings.client.post(f"/offers/{refused['id']}/refuse", json={"reason": "Too far", "reasonable": True},
                         headers=OFFICER)
    let = _let(lettings, advert)
    assert lettings.client.put(f"/legal-holds/applicant/{first['id']}", json={"reason": "Complaint"},
                               headers=OFFICER).status_code in (200, 403)

    read = {path: lettings.client.get(path, headers=OFFICER) for path in (
        f"/properties/{home['id']}", "/properties", f"/adverts/{advert['id']}", "/adverts",
        f"/adverts/{advert['id']}/offers", f"/adverts/{advert['id']}/shortlist", f"/applicants/{first['id']}",
        "/applicants", f"/offers/{refused['id']}", f"/offers/{let['id']}", f"/offers/{let['id']}/checks",
        "/reports/voids", "/reports/offers")}

    assert {path: r.status_code for path, r in read.items()} == dict.fromkeys(read, 200)
    assert {path: naive_times(r.json) for path, r in read.items()} == dict.fromkeys(read, [])
    assert read[f"/offers/{refused['id']}"].json["made_at"].endswith("+00:00")
    stored = stored_times(lettings)  # and as stored: every time column read back aware in UTC
    assert stored and {column: zones for column, zones in stored.items() if zones != {dt.UTC}} == {}


def test_a_void_whose_advert_found_no_taker_is_advertised_again(lettings):
    home = add_property(lettings)
    nobody = closed_advert_with_bidders(lettings, prop=home)  # closed with no bids at all
    again = open_advert(lettings, home)
    assert again["void_id"] == nobody["void_id"] and again["id"] != nobody["id"]
    assert lettings.client.get(f"/adverts/{nobody['id']}", headers=OFFICER).json["status"] == "closed"

    refused_home = add_property(lettings)
    advert = closed_advert_with_bidders(lettings, add_applicant(lettings), prop=refused_home)
    refused = offer(lettings, advert).json
    assert lettings.client.post(f"/offers/{refused['id']}/refuse", json={"reason": "Too far", "reasonable": True},
                                headers=OFFICER).status_code == 200
    assert offer(lettings, advert).status_code == 409  # nobody left on the shortlist
    open_advert(lettings, refused_home)  # 201, or the helper fails


def test_a_void_is_not_advertised_twice_at_once_nor_while_an_offer_is_live(lettings):
    home = add_property(lettings)
    add_void(lettings, home)
    first = open_advert(lettings, home)
    closes = (dt.datetime.now(dt.UTC) + dt.timedelta(days=7)).isoformat()
    twice = lettings.client.post("/adverts", json={"property_id": home["id"], "closes_at": closes}, headers=OFFICER)
    assert twice.status_code == 409 and first["reference"] in twice.json["detail"]

    offered = add_property(lettings)
    assert offer(lettings, closed_advert_with_bidders(lettings, add_applicant(lettings), prop=offered)).status_code == 201
    live = lettings.client.post("/adverts", json={"property_id": offered["id"], "closes_at": closes}, headers=OFFICER)
    assert live.status_code == 409 and "live offer" in live.json["detail"]


def test_ending_a_tenancy_starts_the_homes_next_void_and_the_home_is_let_again(lettings):
    home = add_property(lettings)
    ref = _let(lettings, closed_advert_with_bidders(lettings, add_applicant(lettings), prop=home))["tenancy_ref"]
    ends = (dt.date.today() + dt.timedelta(days=30)).isoformat()

    ended = lettings.client.post(f"/tenancies/{ref}/end", json={"end_date": ends, "reason": "transfer"},
                                 headers=OFFICER)

    assert ended.status_code == 200, ended.json
    assert (ended.json["end_date"], ended.json["end_reason"]) == (ends, "transfer")
    void = lettings.client.get(f"/properties/{home['id']}", headers=OFFICER).json["void"]
    assert (void["void_date"], void["reason"]) == (ends, "transfer")
    again = lettings.client.post(f"/tenancies/{ref}/end", json={"end_date": ends, "reason": "transfer"},
                                 headers=OFFICER)
    assert again.status_code == 409 and ends in again.json["detail"]
    advert = open_advert(lettings, home)
    assert bid(lettings, advert, add_applicant(lettings)).status_code == 201


def test_a_tenancy_cannot_end_before_it_started_nor_with_an_unknown_reason(lettings):
    home = add_property(lettings)
    ref = _let(lettings, closed_advert_with_bidders(lettings, add_applicant(lettings), prop=home))["tenancy_ref"]
    early = (dt.date.today() - dt.timedelta(days=1)).isoformat()

    before = lettings.client.post(f"/tenancies/{ref}/end", json={"end_date": early, "reason": "transfer"},
                                  headers=OFFICER)
    unknown = lettings.client.post(f"/tenancies/{ref}/end", json={"end_date": early, "reason": "bored"},
                                   headers=OFFICER)

    assert before.status_code == 422 and "end_date" in before.json["errors"]
    assert unknown.status_code == 422 and "reason" in unknown.json["errors"]
    assert lettings.client.get("/tenancies/T-999999", headers=OFFICER).status_code == 404
