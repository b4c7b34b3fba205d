"""Every lettings list finds records by the reference officers quote, as well as by its filters."""

import datetime as dt

from casework_dev.testing import bearer

from .conftest import OFFICER, add_applicant, add_property, closed_advert_with_bidders, offer


def listed(harness, path, **query):
    r = harness.client.get(path, query_string=query, headers=OFFICER)
    assert r.status_code == 200, r.json
    return [item["id"] for item in r.json]


def test_each_list_filters_by_reference(lettings):
    first, other = add_applicant(lettings), add_applicant(lettings)
    advert = closed_advert_with_bidders(lettings, first)
    other_advert = closed_advert_with_bidders(lettings, other)
    made = offer(lettings, advert)
    assert made.status_code == 201, made.json
    made = made.json
    assert offer(lettings, other_advert).status_code == 201
    assert lettings.client.post(f"/offers/{made['id']}/accept", headers=OFFICER).status_code == 200
    signed = lettings.client.post(f"/offers/{made['id']}/sign-up", json={"tenancy_start": dt.date.today().isoformat()},
                                  headers=OFFICER)
    assert signed.status_code == 201, signed.json
    tenancy = signed.json
    prop = lettings.client.get(f"/properties/{advert['property_id']}", headers=OFFICER).json
    add_property(lettings)

    for path, record in (("/applicants", first), ("/adverts", advert), ("/properties", prop), ("/offers", made)):
        assert listed(lettings, path, reference=record["reference"]) == [record["id"]], path
        assert listed(lettings, path, reference=record["reference"].lower()) == [record["id"]], path
        assert listed(lettings, path, reference="X-999999") == [], path
        assert lettings.client.get(path, query_string={"reference": ""}, headers=OFFICER).status_code == 422, path
    assert len(listed(lettings, "/offers")) == 2
    assert listed(lettings, "/offers", status="signed_up") == [made["id"]]
    assert listed(lettings, "/offers", advert_id=other_advert["id"], status="pending") != []
    assert lettings.client.get("/offers?status=lost", headers=OFFICER).status_code == 422

    assert listed(lettings, "/tenancies", reference=tenancy["tenancy_ref"]) == [tenancy["id"]]
    assert listed(lettings, "/tenancies", current="true") == [tenancy["id"]]
    assert listed(lettings, "/tenancies", current="false") == []
    assert listed(lettings, "/tenancies", reference="T-999999") == []
    assert lettings.client.get("/tenancies", headers=bearer("someone", "referrer")).status_code == 403

