"""Every process real (PostgreSQL and RabbitMQ, or the embedded system): the only bidder's offer
is withdrawn, so nobody is left on the shortlist; the lettings team's task says so and points to
advertising the home again, and the new advert closes it."""

import datetime as dt
import uuid

import pytest

from .conftest import one_task, task_status
from .test_journey_void_to_onboarding import applicant

pytestmark = pytest.mark.slow


def test_when_nobody_is_left_the_task_points_to_advertising_again(people):
    lee = people.lettings_officer
    prop = lee.post("lettings", "/properties", {
        "address": "2 Brunel Court, Swindon SN2 1AB", "uprn": str(uuid.uuid4().int)[:12], "property_type": "flat",
        "bedrooms": 2, "floor": 0, "wheelchair_accessible": False, "weekly_rent": "95.00",
        "service_charge": "5.00"}).json()
    void_date = (dt.date.today() - dt.timedelta(days=10)).isoformat()
    assert lee.post("lettings", f"/properties/{prop['id']}/void",
                    {"void_date": void_date, "reason": "transfer"}).status_code == 201
    closes = (dt.datetime.now(dt.UTC) + dt.timedelta(days=7)).isoformat()
    advert = lee.post("lettings", "/adverts", {"property_id": prop["id"], "closes_at": closes}).json()
    only = applicant(lee, "A")
    assert lee.post("lettings", f"/adverts/{advert['id']}/bids", {"applicant_id": only["id"]}).status_code == 201
    assert lee.post("lettings", f"/adverts/{advert['id']}/close").status_code == 200
    offer = lee.post("lettings", f"/adverts/{advert['id']}/offers").json()

    assert lee.post("lettings", f"/offers/{offer['id']}/withdraw", {"reason": "Gas check failed"}).status_code == 200

    task = one_task(lee, subject_id=prop["id"], status="open")
    assert (task["rule"], task["team"], task["subject"]["type"]) == ("readvertise_or_match", "lettings", "property")
    assert task["title"].startswith(f"Nobody is left to offer the home after offer {offer['reference']}")
    assert "POST /adverts" in task["title"]
    assert lee.tasks(subject_id=advert["id"], status="open") == []  # no "offer the next bidder" to nobody

    again = lee.post("lettings", "/adverts", {"property_id": prop["id"], "closes_at": closes})
    assert again.status_code == 201, again.text
    task_status(lee, task["id"], "done")
