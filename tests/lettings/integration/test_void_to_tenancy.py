"""Journey 2: void → advert → bids → close → shortlist → offer → accept → checks → sign-up →
tenancy.started, relayed through the outbox to the real RabbitMQ."""

import datetime as dt
import json

from kombu import Connection, Queue

from casework.bus import topology
from casework.sealing import unseal
from casework_dev.testing import wait_until

from .conftest import (
    OFFICER,
    add_applicant,
    add_property,
    add_void,
    bid,
    open_advert,
    person,
)


def test_void_to_tenancy_reaches_the_broker(lettings):
    exchange = topology.events_exchange(lettings.settings)  # declared exactly as the relay declares it
    queue = Queue(f"{lettings.namespace}.lettings-journey", exchange=exchange, routing_key="lettings.#",
                  auto_delete=False)
    with Connection(lettings.settings.broker_url) as conn:
        queue(conn.default_channel).declare()

        prop = add_property(lettings)
        add_void(lettings, prop, (dt.date.today() - dt.timedelta(days=21)).isoformat())
        advert = open_advert(lettings, prop)
        first = add_applicant(lettings, band="A", support_needs=["mental_health"])
        second = add_applicant(lettings, band="B")
        too_big = add_applicant(lettings, household=[person(), *[person("child", 12 + i, s) for i, s in
                                                                  enumerate("MFMF")]])
        assert bid(lettings, advert, second).status_code == 201
        assert bid(lettings, advert, first).status_code == 201
        refused = bid(lettings, advert, too_big)
        assert refused.status_code == 422
        assert refused.json["errors"]["applicant_id"] == ["The household needs more bedrooms than the home has."]

        closed = lettings.client.post(f"/adverts/{advert['id']}/close", headers=OFFICER)
        assert closed.status_code == 200 and closed.json["status"] == "closed"
        assert bid(lettings, advert, second).status_code == 409  # frozen

        shortlist = lettings.client.get(f"/adverts/{advert['id']}/shortlist", headers=OFFICER).json
        assert [(r["applicant_id"], r["position"]) for r in shortlist["ranked"]] == [(first["id"], 1), (second["id"], 2)]

        made = lettings.client.post(f"/adverts/{advert['id']}/offers", json={}, headers=OFFICER)
        assert made.status_code == 201 and made.json["applicant_id"] == first["id"]
        offer_id = made.json["id"]
        assert lettings.client.post(f"/offers/{offer_id}/accept", headers=OFFICER).json["status"] == "accepted"

        checks = lettings.client.post(f"/offers/{offer_id}/checks", headers=OFFICER)
        assert checks.status_code == 201
        # 2100 − 900 − (98 + 7) × 52 / 12 = 745.00
        assert (checks.json["result"], checks.json["residual_monthly"]) == ("pass", "745.00")
        assert checks.json["affordability"]["monthly_housing_cost"] == "455.00"

        start = dt.date.today().isoformat()
        signed = lettings.client.post(f"/offers/{offer_id}/sign-up", json={"tenancy_start": start}, headers=OFFICER)
        assert signed.status_code == 201, signed.json
        assert signed.json["tenancy_type"] == "introductory"
        assert signed.json["high_risk"] is True and signed.json["high_risk_reasons"] == ["support_needs"]
        assert lettings.client.get(f"/applicants/{first['id']}", headers=OFFICER).json["status"] == "housed"
        assert lettings.client.get(f"/properties/{prop['id']}", headers=OFFICER).json["void"] is None

        assert [e.type.split(".")[2] + "." + e.type.split(".")[3] for e in lettings.events()] == [
            "property.void_started", "advert.published", "advert.closed", "offer.made", "offer.accepted",
            "applicant.status_changed", "tenancy.started"]

        lettings.worker()
        received = {}

        def tenancy_started():
            message = queue(conn.default_channel).get(no_ack=True)
            while message is not None:
                body = json.loads(message.body)
                received[body["type"]] = body
                message = queue(conn.default_channel).get(no_ack=True)
            return received.get("casework.lettings.tenancy.started.v2")

        event = wait_until(tenancy_started, timeout=15, message="tenancy.started on the broker")
        queue(conn.default_channel).delete()

    data = event["data"]
    assert data["tenancy_ref"] == signed.json["tenancy_ref"] and data["high_risk"] is True
    assert data["tenancy_start"] == start
    # The tenant and their support needs travel sealed for sustainment alone.
    for personal in ("Applicant 35", "07700", prop["address"], "mental_health"):
        assert personal not in json.dumps(event)
    data = unseal(data["tenant_details"], to="sustainment")
    assert data["support_needs"] == ["mental_health"]
    assert data["tenant"]["name"] == "Applicant 35" and data["tenant"]["phone"] == "07700 900123"
    assert data["address"] == prop["address"] and data["uprn"] == "10008123456"
    assert event["subject"] == signed.json["id"]
    assert "casework.lettings.offer.made.v1" in received

    report = lettings.client.get("/reports/voids", headers=OFFICER).json
    assert report["lets"] == 1 and report["voids"][0]["void_days"] == 21
    assert report["total_rent_loss"] == "294.00"  # 98 / 7 × 21
