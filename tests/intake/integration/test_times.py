"""Every time intake answers with carries its offset, on both backends (SQLite once gave
``received_at`` back as ``2026-12-07T00:10:50.903048``)."""

import datetime as dt

from casework.testing import naive_times, stored_times


def test_every_record_read_back_gives_its_times_with_an_offset(intake, refer, who):
    received, accepted = refer(), refer()
    assert intake.client.post(f"/referrals/{accepted['id']}/triage", json={"outcome": "accept"},
                              headers=who.intake_officer).status_code == 200
    assert intake.client.put(f"/legal-holds/referral/{received['id']}", json={"reason": "Complaint"},
                             headers=who.team_leader).status_code == 200

    read = {path: intake.client.get(path, headers=who.team_leader) for path in (
        f"/referrals/{received['id']}", f"/referrals/{accepted['id']}", "/referrals",
        f"/referrals/{accepted['id']}/audit", "/legal-holds")}

    assert {path: r.status_code for path, r in read.items()} == dict.fromkeys(read, 200)
    assert {path: naive_times(r.json) for path, r in read.items()} == dict.fromkeys(read, [])
    detail = read[f"/referrals/{accepted['id']}"].json
    assert detail["received_at"].endswith("+00:00") and detail["triage_due"].endswith("+00:00")
    stored = stored_times(intake)  # and as stored: every time column read back aware in UTC
    assert stored and {column: zones for column, zones in stored.items() if zones != {dt.UTC}} == {}
