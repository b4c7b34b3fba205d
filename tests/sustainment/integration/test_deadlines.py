"""Deadlines as durable timers: they raise deadline.missed when the work is undone, and only then."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select, update

from casework.timers import Sweeper, Timer
from casework_dev.testing import bearer
from casework_dev.testing.times import plain_monday
from sustainment.service import SERVICE

OFFICER = bearer("officer-1", "sustainment_officer")
#: Ahead of the clock, however long these tests live (a Monday in March, two years on; its
#: fortnight has no bank holiday and keeps GMT, so 17:00 London is 17:00 UTC).
MONDAY = plain_monday()
YEAR = MONDAY.year
DAY, WEEK = dt.timedelta(days=1), dt.timedelta(weeks=1)
LATER = dt.datetime(YEAR + 1, 1, 1, tzinfo=dt.UTC)  # after every deadline these tests set


def at(day: dt.date, hour: int = 0, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=dt.UTC)


@pytest.fixture
def sweep(sustainment):
    sweeper = Sweeper(sustainment.db, SERVICE.timers, service="sustainment")

    def run(now: dt.datetime = LATER) -> list[dict]:
        sweeper.fire_due(now=now)
        return [e.data for e in sustainment.events("sustainment.deadline.missed.v1")]

    return run


def _timers(harness) -> dict[str, Timer]:
    with harness.db.transaction() as session:
        return {t.kind: t for t in session.scalars(select(Timer))}


def test_first_contact_missed_raises_deadline_missed_once(sustainment, assigned_case, sweep):
    case = assigned_case(level="critical")
    assert sweep(now=dt.datetime.fromisoformat(case["first_contact_due"]) - dt.timedelta(minutes=1)) == []
    [missed] = sweep()
    assert missed["deadline"] == "first_contact"
    assert missed["case_id"] == case["id"]
    assert missed["officer_id"] == "officer-1"
    assert missed["due"] == case["first_contact_due"]
    assert len(sweep()) == 1  # a timer fires once
    timeline = sustainment.client.get(f"/cases/{case['id']}", headers=OFFICER).json["timeline"]
    assert timeline[-1]["kind"] == "deadline_missed"


def test_first_contact_made_in_time_cancels_the_timer(sustainment, assigned_case, sweep):
    case = assigned_case()
    sustainment.client.post(f"/cases/{case['id']}/contacts", json={"method": "phone"}, headers=OFFICER)
    assert _timers(sustainment)["first_contact"].cancelled_at is not None
    assert sweep() == []


def test_a_timer_whose_work_was_done_stays_quiet_even_if_it_fires(sustainment, assigned_case, sweep):
    case = assigned_case()
    sustainment.client.post(f"/cases/{case['id']}/contacts", json={"method": "phone"}, headers=OFFICER)
    with sustainment.db.transaction() as session:  # as if the cancel had been lost
        session.execute(update(Timer).values(cancelled_at=None))
    assert sweep() == []
    assert _timers(sustainment)["first_contact"].fired_at is not None


def test_a_visit_without_an_outcome_is_a_missed_deadline(sustainment, assigned_case, sweep):
    case = assigned_case()
    sustainment.client.post(f"/cases/{case['id']}/contacts", json={"method": "phone"}, headers=OFFICER)
    recorded = sustainment.client.post(f"/cases/{case['id']}/visits", headers=OFFICER,
                                       json={"kind": "home_visit", "scheduled_for": f"{MONDAY}T10:00:00Z"}).json
    forgotten = sustainment.client.post(f"/cases/{case['id']}/visits", headers=OFFICER,
                                        json={"kind": "home_visit", "scheduled_for": f"{MONDAY + WEEK}T10:00:00Z"}).json
    sustainment.client.post(f"/cases/{case['id']}/visits/{recorded['id']}/outcome", json={"outcome": "completed"},
                            headers=OFFICER)
    [missed] = sweep()
    assert (missed["deadline"], missed["related_id"]) == ("visit", forgotten["id"])
    assert missed["due"] == f"{MONDAY + WEEK + DAY}T17:00:00+00:00"  # close of business the next working day


def test_an_unanswered_agency_referral_is_chased_and_an_answered_one_is_not(sustainment, assigned_case, sweep,
                                                                            agency):
    case = assigned_case()
    sustainment.client.post(f"/cases/{case['id']}/contacts", json={"method": "phone"}, headers=OFFICER)
    url = f"/cases/{case['id']}/agency-referrals"
    body = {"agency_id": agency("Welfare officer"), "reason": "Benefit check.", "consent_given": True}
    waiting = sustainment.client.post(url, json=body, headers=OFFICER).json
    answered = sustainment.client.post(url, json=body, headers=OFFICER).json
    sustainment.client.post(f"{url}/{answered['id']}/response", json={"status": "declined"}, headers=OFFICER)
    [missed] = sweep()
    assert (missed["deadline"], missed["related_id"], missed["agency_referral_id"]) == (
        "agency_chase", waiting["id"], waiting["id"])


def test_a_plan_review_is_missed_unless_a_new_version_is_agreed(sustainment, assigned_case, sweep):
    plan = {"goals": [{"title": "Keep the home", "category": "rent_arrears"}], "actions": [],
            "review_date": f"{YEAR}-02-01"}
    reviewed, forgotten = assigned_case(), assigned_case()
    for case in (reviewed, forgotten):
        sustainment.client.post(f"/cases/{case['id']}/contacts", json={"method": "phone"}, headers=OFFICER)
        sustainment.client.put(f"/cases/{case['id']}/plan", json=plan, headers=OFFICER)
    sustainment.client.put(f"/cases/{reviewed['id']}/plan", json={**plan, "review_date": f"{YEAR}-08-01"},
                           headers=OFFICER)
    missed = sweep(now=dt.datetime(YEAR, 3, 1, tzinfo=dt.UTC))
    assert [(m["deadline"], m["case_id"]) for m in missed] == [("plan_review", forgotten["id"])]


def test_settling_in_visit_missed_unless_completed(sustainment, tenancy_started, deliver, sweep):
    deliver(tenancy_started(tenancy_start=MONDAY, tenancy_ref="T-1"))
    deliver(tenancy_started(tenancy_start=MONDAY, tenancy_ref="T-2"))
    cases = {c["tenancy_ref"]: c for c in sustainment.client.get("/cases", headers=OFFICER).json}
    visited = cases["T-1"]["id"]
    visit = sustainment.client.post(f"/cases/{visited}/visits", headers=OFFICER,
                                    json={"kind": "settling_in", "scheduled_for": f"{MONDAY + 2 * DAY}T10:00:00Z"}).json
    sustainment.client.post(f"/cases/{visited}/visits/{visit['id']}/outcome", json={"outcome": "completed"},
                            headers=OFFICER)
    missed = [m for m in sweep(now=at(MONDAY + 2 * WEEK + DAY)) if m["deadline"] == "settling_in_visit"]
    assert [m["case_id"] for m in missed] == [cases["T-2"]["id"]]
    assert missed[0]["due"] == f"{MONDAY + 2 * WEEK}T17:00:00+00:00"


def test_an_onboarding_case_still_open_when_its_support_window_ends_is_raised(sustainment, tenancy_started,
                                                                               deliver):
    deliver(tenancy_started(tenancy_start=MONDAY, tenancy_ref="T-1"))
    deliver(tenancy_started(tenancy_start=MONDAY, tenancy_ref="T-2"))
    cases = {c["tenancy_ref"]: c for c in sustainment.client.get("/cases", headers=OFFICER).json}
    closed = cases["T-2"]["id"]
    assert sustainment.client.post(f"/cases/{closed}/closure", headers=OFFICER,
                                   json={"outcome": "tenancy_sustained", "summary": "Settled."}).status_code == 200
    sweeper = Sweeper(sustainment.db, SERVICE.timers, service="sustainment")
    ended = "sustainment.support_window.ended.v1"

    # The window's last day, twelve weeks from the tenancy start, until 17:00 London (16:00 UTC).
    sweeper.fire_due(now=at(MONDAY + 12 * WEEK, 15, 59))
    assert sustainment.events(ended) == []
    sweeper.fire_due(now=at(MONDAY + 12 * WEEK, 16, 1))

    [event] = sustainment.events(ended)
    assert (event.data["case_id"], event.data["case_type"], event.data["support_ends"]) == (
        cases["T-1"]["id"], "onboarding", str(MONDAY + 12 * WEEK))
    timeline = sustainment.client.get(f"/cases/{cases['T-1']['id']}", headers=OFFICER).json["timeline"]
    assert timeline[-1]["kind"] == "support_window_ended"
    assert sustainment.client.get(f"/cases/{cases['T-1']['id']}", headers=OFFICER).json["status"] != "closed"


def test_a_closed_case_has_no_deadlines_left(sustainment, assigned_case, sweep):
    case = assigned_case()
    sustainment.client.post(f"/cases/{case['id']}/visits", headers=OFFICER,
                            json={"kind": "home_visit", "scheduled_for": f"{MONDAY}T10:00:00Z"})
    sustainment.client.post(f"/cases/{case['id']}/closure", json={"outcome": "transferred", "summary": "Moved."},
                            headers=OFFICER)
    assert sweep(now=LATER) == []
    pending = {kind for kind, t in _timers(sustainment).items() if t.cancelled_at is None and t.fired_at is None}
    assert pending == {"anonymise"}  # only the retention clock is left
