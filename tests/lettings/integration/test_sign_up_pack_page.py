"""The offer's sign-up pack page with the embedded provider (`make run`'s): the officer sends the
pack, the worker hands it over, and recording the tenant's signature delivers the provider's signed
callback on the same verified path, so the tenancy starts once; nobody outside can post one. On
both backends."""

from __future__ import annotations

import datetime as dt

import pytest

from casework.timers import Sweeper
from casework_dev.testing.pages import csrf, sign_in_as
from lettings import esign
from lettings.service import SERVICE

from .conftest import OFFICER, add_applicant, closed_advert_with_bidders, offer
from .test_advert_pages import page_of, post, summary


@pytest.fixture(autouse=True)
def embedded(monkeypatch):
    monkeypatch.setenv("CASEWORK_ESIGN_PROVIDER", "embedded")
    monkeypatch.delenv("CASEWORK_ESIGN_EMBEDDED_KEY", raising=False)


@pytest.fixture
def browser(lettings):
    with lettings.app.test_client() as client:
        sign_in_as(client, "officer-1", "lettings_officer", name="Lee Officer")
        yield client


def test_recording_the_signature_starts_the_tenancy_once(lettings, browser):
    applicant = add_applicant(lettings)
    made = offer(lettings, closed_advert_with_bidders(lettings, applicant)).json
    lettings.client.post(f"/offers/{made['id']}/accept", headers=OFFICER)
    url = f"/app/offers/{made['reference']}/sign-up-pack"
    assert 'id="sign-up-pack-link"' in page_of(browser, f"/app/offers/{made['reference']}")

    page = page_of(browser, url)
    refused = post(browser, url, page, {"tenancy_start": ["40", "1", "2027"]}, status=422)
    assert "tenancy_start" in summary(refused.get_data(as_text=True))
    today = dt.date.today()
    post(browser, url, page, {"tenancy_start": [str(today.day), str(today.month), str(today.year)]})
    page = page_of(browser, url)
    assert "Sending" in page and "Record the tenant’s signature" not in page

    Sweeper(lettings.db, SERVICE.timers, service="lettings").fire_due()
    page = page_of(browser, url)
    assert "Record the tenant’s signature" in page
    envelope_id = lettings.client.get(f"/offers/{made['id']}/sign-up-pack", headers=OFFICER).json["envelope_id"]

    # Nobody outside holds the embedded provider's key: a callback made with another is refused.
    body = esign.connect_message("envelope-completed", envelope_id)
    forged = lettings.client.post("/sign-up-packs/callback", data=body, headers={"Content-Type": "application/json",
        "X-DocuSign-Signature-1": esign.connect_signature("casework-development-secret-change-me", body)})
    assert forged.status_code == 401

    post(browser, f"{url}/signature", page, {})
    assert lettings.client.get(f"/offers/{made['id']}", headers=OFFICER).json["status"] == "signed_up"
    assert len(lettings.events("lettings.tenancy.started.v2")) == 1
    # The same form posted again (a double click, a back button) starts nothing more.
    again = post(browser, f"{url}/signature", page, {}, status=409)
    assert "no sign-up pack waiting" in summary(again.get_data(as_text=True))
    assert len(lettings.events("lettings.tenancy.started.v2")) == 1
    assert "Signed" in page_of(browser, url)


def test_recording_a_refusal_to_sign_tells_the_team(lettings, browser):
    applicant = add_applicant(lettings)
    made = offer(lettings, closed_advert_with_bidders(lettings, applicant)).json
    lettings.client.post(f"/offers/{made['id']}/accept", headers=OFFICER)
    r = lettings.client.post(f"/offers/{made['id']}/sign-up-pack", json={"tenancy_start": dt.date.today().isoformat()},
                             headers=OFFICER)
    assert r.status_code == 201, r.json
    Sweeper(lettings.db, SERVICE.timers, service="lettings").fire_due()
    url = f"/app/offers/{made['reference']}/sign-up-pack"
    post(browser, f"{url}/refusal", page_of(browser, url), {})
    (told,) = lettings.events("lettings.sign_up_pack.not_signed.v1")
    assert told.data["outcome"] == "declined"
    page = page_of(browser, url)
    assert "Declined" in page and "Send the sign-up pack" in page  # a new pack, or sign-up in person
    assert csrf(page)


def test_withdrawing_the_offer_voids_the_embedded_pack_at_once(lettings, browser):
    applicant = add_applicant(lettings)
    made = offer(lettings, closed_advert_with_bidders(lettings, applicant)).json
    lettings.client.post(f"/offers/{made['id']}/accept", headers=OFFICER)
    lettings.client.post(f"/offers/{made['id']}/sign-up-pack", json={"tenancy_start": dt.date.today().isoformat()},
                         headers=OFFICER)
    Sweeper(lettings.db, SERVICE.timers, service="lettings").fire_due()
    r = lettings.client.post(f"/offers/{made['id']}/withdraw", json={"reason": "Gas check failed."}, headers=OFFICER)
    assert r.status_code == 200, r.json
    assert lettings.client.get(f"/offers/{made['id']}/sign-up-pack", headers=OFFICER).json["status"] == "voided"
    assert Sweeper(lettings.db, SERVICE.timers, service="lettings").fire_due() == 0  # nothing left to do
    page = page_of(browser, f"/app/offers/{made['reference']}/sign-up-pack")
    assert "Voided" in page and "Record the tenant’s signature" not in page
