"""One home let three times over HTTP, on both backends: each let from void to advert, bids,
shortlist, offer, acceptance, checks and sign-up, then the tenancy ends and the next void starts.
The home's history and the void report show each void, advert, offer and tenancy once."""

import datetime as dt

from .conftest import OFFICER, add_applicant, add_property, bid, let, open_advert

TODAY = dt.date.today()


def day(days_ago: int) -> str:
    return (TODAY - dt.timedelta(days=days_ago)).isoformat()


def post(harness, path: str, body=None, status: int = 200) -> dict:
    r = harness.client.post(path, json=body, headers=OFFICER)
    assert r.status_code == status, (path, r.json)
    return r.json


def advertise_and_close(harness, home: dict, *bidders: dict) -> dict:
    advert = open_advert(harness, home)
    for applicant in bidders:
        assert bid(harness, advert, applicant).status_code == 201
    assert post(harness, f"/adverts/{advert['id']}/close")["status"] == "closed"
    shortlist = harness.client.get(f"/adverts/{advert['id']}/shortlist", headers=OFFICER).json
    assert [r["applicant_id"] for r in shortlist["ranked"]] == [b["id"] for b in bidders]
    return advert


def test_one_home_let_three_times_keeps_its_whole_history(lettings):
    home = add_property(lettings, weekly_rent="98.00")
    post(lettings, f"/properties/{home['id']}/void",
         {"void_date": day(100), "reason": "new_build", "ready_to_let_date": day(95)}, status=201)
    tenants = [add_applicant(lettings, band="A") for _ in range(3)]
    refuser = add_applicant(lettings, band="A")

    # First let: void 100 days ago, let 90 days ago; the tenant moves out 70 days ago.
    first = let(lettings, advertise_and_close(lettings, home, tenants[0]), tenants[0], day(90))
    post(lettings, f"/tenancies/{first['tenancy_ref']}/end", {"end_date": day(70), "reason": "tenant_moved_out"})

    # Second let: the only bidder refuses, so the advert found no taker; the void is advertised
    # again and let 55 days ago. That tenant transfers 40 days ago.
    unlet = advertise_and_close(lettings, home, refuser)
    refused = post(lettings, f"/adverts/{unlet['id']}/offers", {}, status=201)
    post(lettings, f"/offers/{refused['id']}/refuse", {"reason": "Too far from work", "reasonable": True})
    second = let(lettings, advertise_and_close(lettings, home, tenants[1]), tenants[1], day(55))
    post(lettings, f"/tenancies/{second['tenancy_ref']}/end", {"end_date": day(40), "reason": "transfer"})

    # Third let, 20 days ago; that tenancy ends by eviction 7 days ago: the home is void now.
    third = let(lettings, advertise_and_close(lettings, home, tenants[2]), tenants[2], day(20))
    post(lettings, f"/tenancies/{third['tenancy_ref']}/end", {"end_date": day(7), "reason": "eviction"})

    read = lettings.client.get(f"/properties/{home['id']}", headers=OFFICER)
    assert read.status_code == 200, read.json
    history, refs = read.json["history"], [t["tenancy_ref"] for t in (first, second, third)]
    assert [(v["void_date"], v["reason"], v["let_date"], v["tenancy_ref"], v["void_days"], v["rent_loss"])
            for v in history["voids"]] == [
        (day(100), "new_build", day(90), refs[0], 10, "140.00"),
        (day(70), "tenant_moved_out", day(55), refs[1], 15, "210.00"),
        (day(40), "transfer", day(20), refs[2], 20, "280.00"),
        (day(7), "eviction", None, None, 7, "98.00"),  # open: the days so far
    ]
    assert history["voids"][0]["ready_to_let_date"] == day(95)
    assert read.json["void"]["id"] == history["voids"][-1]["id"]
    assert [(a["status"], a["outcome"]) for a in history["adverts"]] == [
        ("let", "let"), ("closed", "closed_unlet"), ("let", "let"), ("let", "let")]
    assert [a["void_id"] for a in history["adverts"]] == [history["voids"][i]["id"] for i in (0, 1, 1, 2)]
    assert [(o["status"], o["applicant_reference"]) for o in history["offers"]] == [
        ("signed_up", tenants[0]["reference"]), ("refused", refuser["reference"]),
        ("signed_up", tenants[1]["reference"]), ("signed_up", tenants[2]["reference"])]
    assert [o["advert_reference"] for o in history["offers"]] == [
        history["adverts"][i]["reference"] for i in (0, 1, 2, 3)]
    assert all(set(o) == {"id", "reference", "advert_reference", "status", "applicant_reference", "made_at",
                          "respond_by", "answered_at"} for o in history["offers"])  # nobody's name nor reasons
    assert [(t["reference"], t["tenancy_start"], t["end_date"], t["end_reason"]) for t in history["tenancies"]] == [
        (refs[0], day(90), day(70), "tenant_moved_out"), (refs[1], day(55), day(40), "transfer"),
        (refs[2], day(20), day(7), "eviction")]

    report = lettings.client.get("/reports/voids", headers=OFFICER).json
    assert [(v["property_id"], v["void_date"], v["let_date"], v["tenancy_ref"], v["void_days"], v["rent_loss"])
            for v in report["voids"]] == [
        (home["id"], day(100), day(90), refs[0], 10, "140.00"),
        (home["id"], day(70), day(55), refs[1], 15, "210.00"),
        (home["id"], day(40), day(20), refs[2], 20, "280.00")]
    assert (report["lets"], report["total_void_days"], report["total_rent_loss"]) == (3, 45, "630.00")
    assert [v["void_id"] for v in report["voids"]] == [v["id"] for v in history["voids"][:3]]
    between = lettings.client.get(f"/reports/voids?from={day(60)}&to={day(30)}", headers=OFFICER).json
    assert [v["tenancy_ref"] for v in between["voids"]] == [refs[1]]

    ended = lettings.events("casework.lettings.tenancy.ended.v1")
    assert [(e.data["tenancy_ref"], e.data["end_date"], e.data["reason"]) for e in ended] == [
        (refs[0], day(70), "tenant_moved_out"), (refs[1], day(40), "transfer"), (refs[2], day(7), "eviction")]
    assert set(ended[0].data) == {"tenancy_id", "tenancy_ref", "property_id", "applicant_id", "end_date", "reason"}
    assert {e.data["property_id"] for e in ended} == {home["id"]}


def test_a_new_home_has_an_empty_history(lettings):
    home = add_property(lettings)

    history = lettings.client.get(f"/properties/{home['id']}", headers=OFFICER).json["history"]

    assert history == {"voids": [], "adverts": [], "offers": [], "tenancies": []}
