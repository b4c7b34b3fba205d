"""A tenant declines the sign-up pack (the embedded provider, as an officer records it): lettings'
relay publishes it, and notifications (its own worker, on the same exchange: RabbitMQ, or the
in-process broker) tasks the lettings team about the offer; the tenancy signed up in person
afterwards closes the task by itself. Both services real."""

import datetime as dt
import uuid

import pytest
from sqlalchemy import select

from casework.timers import Sweeper
from casework_dev.testing import bearer, wait_until
from lettings.service import SERVICE as LETTINGS
from notifications.models import Task

OFFICER = bearer("officer-1", "lettings_officer")
TODAY = dt.date.today().isoformat()


@pytest.fixture(scope="module")
def both(harness_for):
    with harness_for(LETTINGS) as lettings:
        from notifications.service import SERVICE as NOTIFICATIONS

        with harness_for(NOTIFICATIONS, exchange=lettings.settings.exchange) as notifications:
            notifications.worker()  # its queue bound before lettings publishes
            lettings.worker()
            yield lettings, notifications


def tasks(notifications) -> list[tuple]:
    with notifications.db.transaction() as session:
        return [(t.rule, t.title, t.team, t.status, t.subject_type, t.subject_id)
                for t in session.scalars(select(Task).where(Task.rule.like("sign_up_pack%")))]


def accepted_offer(lettings) -> dict:
    post = lambda url, body=None: lettings.client.post(url, json=body, headers=OFFICER)  # noqa: E731
    prop = post("/properties", {"address": "Flat 3, 12 Fleming Way, Swindon SN1 2NG", "property_type": "flat",
                                "bedrooms": 1, "weekly_rent": "98.00"}).json
    assert post(f"/properties/{prop['id']}/void", {"void_date": TODAY, "reason": "transfer"}).status_code == 201
    applicant = post("/applicants", {
        "household": [{"name": "Sam Lee", "date_of_birth": "1990-05-01", "sex": "F", "relationship": "applicant"}],
        "band": "B", "effective_date": "2024-01-10", "income": {"monthly_net": "2100.00", "monthly_outgoings": "900.00"},
        "contact": {"email": "sam@example.org"}}).json
    made = post("/offers", {"property_id": prop["id"], "applicant_id": applicant["id"],
                            "direct_match_reason": "Urgent move."})
    assert made.status_code == 201, made.json
    assert post(f"/offers/{made.json['id']}/accept").status_code == 200
    return made.json


def test_a_declined_pack_tasks_the_lettings_team_until_the_tenancy_is_signed_up(both, monkeypatch):
    from lettings.letting import sign_up_packs
    from lettings.policy import current as policy

    monkeypatch.setenv("CASEWORK_ESIGN_PROVIDER", "embedded")
    lettings, notifications = both
    made = accepted_offer(lettings)
    r = lettings.client.post(f"/offers/{made['id']}/sign-up-pack", json={"tenancy_start": TODAY}, headers=OFFICER)
    assert r.status_code == 201, r.json
    Sweeper(lettings.db, LETTINGS.timers, service="lettings").fire_due()  # the worker may have sent it already
    wait_until(lambda: lettings.client.get(f"/offers/{made['id']}/sign-up-pack", headers=OFFICER).json["status"]
               == "sent", timeout=20, message="the pack sent")

    from lettings.models import Offer

    with lettings.db.transaction() as session:
        offer = session.get(Offer, uuid.UUID(made["id"]))
        assert sign_up_packs.record_embedded(session, offer, signed=False, policy=policy(),
                                             now=dt.datetime.now(dt.UTC)) == "declined"

    found = wait_until(lambda: tasks(notifications), timeout=20, message="the lettings team's task")
    assert found == [("sign_up_pack_declined", f"The applicant declined the sign-up pack for offer {made['reference']}: "
                      "contact them, send it again or sign up in person", "lettings", "open", "offer", made["id"])]

    r = lettings.client.post(f"/offers/{made['id']}/sign-up", json={"tenancy_start": TODAY}, headers=OFFICER)
    assert r.status_code == 201, r.json
    wait_until(lambda: tasks(notifications)[0][3] == "done", timeout=20, message="the task to close")
