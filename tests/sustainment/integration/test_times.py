"""Every time sustainment answers with carries its offset, on both backends (SQLite once read
them back naive, and a completed first visit answered 500 comparing them)."""

import datetime as dt

from casework_dev.testing import naive_times, stored_times
from casework_dev.testing.times import plain_monday

from .conftest import LEADER, OFFICER

MONDAY = plain_monday()  # ahead of the clock, however long these tests live


def test_a_completed_first_visit_on_a_case_with_no_contact_yet_makes_first_contact(sustainment, assigned_case):
    case = assigned_case()
    assert case["first_contact_at"] is None
    visit = sustainment.client.post(f"/cases/{case['id']}/visits", json={
        "kind": "home_visit", "scheduled_for": f"{MONDAY}T10:00:00+00:00"}, headers=OFFICER).json

    r = sustainment.client.post(f"/cases/{case['id']}/visits/{visit['id']}/outcome", json={"outcome": "completed"},
                                headers=OFFICER)

    assert r.status_code == 200, r.json
    after = sustainment.client.get(f"/cases/{case['id']}", headers=OFFICER).json
    assert after["status"] == "active" and after["first_contact_at"].endswith("+00:00")


def test_every_record_read_back_gives_its_times_with_an_offset(sustainment, assigned_case, agency):
    case = assigned_case()
    url, c = f"/cases/{case['id']}", sustainment.client
    visit = c.post(f"{url}/visits", json={"kind": "home_visit", "scheduled_for": f"{MONDAY}T10:00:00+00:00"},
                   headers=OFFICER).json
    assert c.post(f"{url}/visits/{visit['id']}/outcome", json={"outcome": "no_access"},
                  headers=OFFICER).status_code == 200
    assert c.post(f"{url}/contacts", json={"method": "phone"}, headers=OFFICER).status_code == 201
    assert c.post(f"{url}/notes", json={"text": "Tenant anxious."}, headers=OFFICER).status_code == 201
    assert c.put(f"{url}/plan", json={"goals": [{"title": "Clear the arrears", "category": "rent_arrears"}],
                                      "actions": []}, headers=OFFICER).status_code == 200
    referral = c.post(f"{url}/agency-referrals", json={"agency_id": agency("Citizens Advice"), "reason": "Benefits check.",
                                                     "consent_given": True}, headers=OFFICER).json
    assert c.post(f"{url}/agency-referrals/{referral['id']}/response", json={"status": "accepted"},
                  headers=OFFICER).status_code == 200

    read = {path: c.get(path, headers=LEADER) for path in (
        url, "/cases", f"{url}/visits", f"{url}/visits/{visit['id']}", f"{url}/contacts", f"{url}/notes",
        f"{url}/plan/versions", f"{url}/agency-referrals", f"{url}/agency-referrals/{referral['id']}", f"{url}/audit",
        "/reports/caseload", "/reports/overdue")}

    assert {path: r.status_code for path, r in read.items()} == dict.fromkeys(read, 200)
    assert {path: naive_times(r.json) for path, r in read.items()} == dict.fromkeys(read, [])
    assert read[url].json["opened_at"].endswith("+00:00")
    stored = stored_times(sustainment)  # and as stored: every time column read back aware in UTC
    assert stored and {column: zones for column, zones in stored.items() if zones != {dt.UTC}} == {}
