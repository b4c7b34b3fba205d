"""What the officers' pages call (issue 28), over the API and as use cases, on both backends:
caseloads, one case whole by id or reference, a change under the version read, a visit already
made recorded in one step, and what closing a case would leave open."""

from __future__ import annotations

import datetime as dt
import uuid
from contextlib import contextmanager

import pytest
from sqlalchemy import select, update

from casework import context
from casework.audit import AuditEntry
from casework.context import Principal
from casework.timers import Sweeper, Timer
from casework_dev.testing import bearer
from casework_dev.testing.times import plain_monday
from sustainment.cases import Forbidden, NotFound, Stale, plans, reading
from sustainment.models import Case, CaseNote
from sustainment.policy import current as policy
from sustainment.service import SERVICE

OFFICER = bearer("officer-1", "sustainment_officer")
OTHER = bearer("officer-2", "sustainment_officer")
LEADER = bearer("leader-1", "team_leader")
#: Ahead of the clock, however long these tests live (a Monday in March, two years on).
YEAR = plain_monday().year

PLAN = {
    "goals": [{"title": "Clear the rent arrears", "category": "rent_arrears"}],
    "actions": [
        {"title": "Apply for Discretionary Housing Payment", "category": "income_and_benefits", "owner": "tenant",
         "due_date": f"{YEAR}-01-10"},
        {"title": "Refer to debt advice", "category": "income_and_benefits", "owner": "officer",
         "due_date": f"{YEAR}-01-05"},
    ],
    "review_date": f"{YEAR}-02-01",
}


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _assign(client, case_id, officer_id="officer-1") -> dict:
    r = client.post(f"/cases/{case_id}/assignment", json={"officer_id": officer_id}, headers=LEADER)
    assert r.status_code == 200, r.json
    return r.json


def _audits(harness, case_id, action="read") -> int:
    with harness.db.transaction() as session:
        return len(session.scalars(select(AuditEntry).where(
            AuditEntry.record_id == str(case_id), AuditEntry.action == action)).all())


def _opened_days_ago(harness, case_id, days: int) -> None:
    with harness.db.transaction() as session:
        session.execute(update(Case).where(Case.id == uuid.UUID(case_id))
                        .values(opened_at=_now() - dt.timedelta(days=days)))


@contextmanager
def as_reader(harness, sub: str, *roles: str):
    """A page's request: a session, the signed-in officer, Flask's request context."""
    with harness.app.test_request_context(), \
            context.bound(principal=Principal(sub=sub, roles=frozenset(roles))), \
            harness.db.transaction() as session:
        yield session


# -- caseloads -------------------------------------------------------------------------------------


def test_my_caseload_lists_my_open_cases_what_needs_doing_first_at_the_top(sustainment, open_case):
    c = sustainment.client
    late = open_case(level="low", accepted_at=_now() - dt.timedelta(days=30))  # first contact overdue
    critical = open_case(level="critical")
    calm = open_case(level="low")
    someone_elses = open_case(level="critical")
    closed = open_case(level="high")
    for case in (late, critical, calm, closed):
        _assign(c, case["id"])
    _assign(c, someone_elses["id"], "officer-2")
    c.post(f"/cases/{closed['id']}/closure", json={"outcome": "disengaged", "summary": "No reply."}, headers=OFFICER)
    # The calm case: contact made, a visit booked and a plan with actions; nothing overdue.
    c.post(f"/cases/{calm['id']}/contacts", json={"method": "phone"}, headers=OFFICER)
    visit = c.post(f"/cases/{calm['id']}/visits", json={"kind": "home_visit", "scheduled_for": f"{YEAR - 1}-06-01T10:00:00Z"},
                   headers=OFFICER).json
    c.put(f"/cases/{calm['id']}/plan", json=PLAN, headers=OFFICER)

    r = c.get("/caseload", headers=OFFICER)
    assert r.status_code == 200, r.json
    assert [e["reference"] for e in r.json] == [late["reference"], critical["reference"], calm["reference"]]
    top, second, last = r.json
    assert (top["first_contact_overdue"], top["overdue"], top["next_deadline"]["deadline"]) == (
        True, 1, "first_contact")
    assert top["next_deadline"]["overdue"] is True
    assert (second["risk_level"], second["first_contact_overdue"], second["overdue"]) == ("critical", False, 0)
    assert second["tenant_name"] == "Jane Doe"
    assert last["first_contact_at"] is not None and last["first_contact_overdue"] is False
    assert last["next_visit"] == {"id": visit["id"], "kind": "home_visit", "scheduled_for": f"{YEAR - 1}-06-01T10:00:00+00:00"}
    assert (last["next_action"]["title"], last["next_action"]["due_date"]) == ("Refer to debt advice", f"{YEAR}-01-05")
    assert last["next_deadline"]["deadline"] == "visit"  # the visit's outcome falls due before the actions
    for case in (late, critical, calm):  # each case listed shows its tenant: a read
        assert _audits(sustainment, case["id"]) >= 1


def test_only_team_leaders_see_another_officers_caseload(sustainment, open_case):
    case = open_case()
    _assign(sustainment.client, case["id"], "officer-2")
    assert sustainment.client.get("/caseload?officer_id=officer-2", headers=OFFICER).status_code == 403
    assert sustainment.client.get("/caseload", headers=OFFICER).json == []
    theirs = sustainment.client.get("/caseload?officer_id=officer-2", headers=LEADER)
    assert [e["id"] for e in theirs.json] == [case["id"]]
    assert [e["id"] for e in sustainment.client.get("/caseload", headers=OTHER).json] == [case["id"]]


def test_the_team_caseload_shows_unassigned_cases_and_each_officers_load_by_risk(sustainment, open_case):
    c = sustainment.client
    waiting_long = open_case(level="low", accepted_at=_now() - dt.timedelta(days=30))
    waiting = open_case(level="high")
    for level, officer in (("high", "officer-1"), ("high", "officer-1"), ("low", "officer-1"),
                           ("critical", "officer-2")):
        _assign(c, open_case(level=level)["id"], officer)
    late = open_case(level="medium", accepted_at=_now() - dt.timedelta(days=30))
    _assign(c, late["id"], "officer-2")

    assert c.get("/caseload/team", headers=OFFICER).status_code == 403
    reads = {case["id"]: _audits(sustainment, case["id"]) for case in (waiting, late)}
    r = c.get("/caseload/team", headers=LEADER)
    assert r.status_code == 200, r.json
    assert [e["id"] for e in r.json["unassigned"]] == [waiting_long["id"], waiting["id"]]
    assert r.json["unassigned"][0]["first_contact_overdue"] is True
    assert r.json["officers"] == [
        {"officer_id": "officer-1", "open_cases": 3, "by_risk": {"low": 1, "medium": 0, "high": 2, "critical": 0},
         "overdue_cases": 0},
        {"officer_id": "officer-2", "open_cases": 2, "by_risk": {"low": 0, "medium": 1, "high": 0, "critical": 1},
         "overdue_cases": 1},
    ]
    assert _audits(sustainment, waiting["id"]) == reads[waiting["id"]] + 1
    assert _audits(sustainment, late["id"]) == reads[late["id"]]  # counted, not shown
    assert c.get("/caseload/team?case_type=onboarding", headers=LEADER).json == {"unassigned": [], "officers": []}


def test_the_caseload_use_cases_refuse_the_same_way_as_the_api(sustainment):
    with as_reader(sustainment, "officer-1", "sustainment_officer") as session:
        with pytest.raises(Forbidden):
            reading.caseload(session, officer_id="officer-2", policy=policy(), now=_now())
        with pytest.raises(Forbidden):
            reading.team_caseload(session, policy=policy(), now=_now())
        assert reading.caseload(session, policy=policy(), now=_now()) == []


# -- one case, whole ---------------------------------------------------------------------------


def _trail(harness, case_id) -> list[tuple[str, str]]:
    with harness.db.transaction() as session:
        return [(e.action, e.actor) for e in session.scalars(
            select(AuditEntry).where(AuditEntry.record_id == str(case_id)).order_by(AuditEntry.id))]


def test_the_case_page_finds_a_case_by_reference_and_audits_it_as_the_api_does(sustainment, open_case):
    case = open_case()  # its reasons include mental_health: restricted
    _assign(sustainment.client, case["id"])
    before = _trail(sustainment, case["id"])
    api = sustainment.client.get(f"/cases/{case['id']}", headers=OFFICER)
    by_api = _trail(sustainment, case["id"])[len(before):]
    assert by_api == [("read", "officer-1"), ("read_restricted", "officer-1")]

    with as_reader(sustainment, "officer-1", "sustainment_officer") as session:
        view = reading.read_case(session, case["reference"].lower(), policy=policy(), now=_now())
        assert view.case.id == uuid.UUID(case["id"])
        assert view.version == api.headers["ETag"]  # what a change sends back
        assert (view.restricted, view.restricted_shown, view.broke_glass) == ([], ["reasons", "risk_factors"], False)
        assert view.may_see_restricted is True and view.may_assign is False
        assert [d.deadline for d in view.deadlines] == ["first_contact"]
        assert view.closure.may_close is True
    assert _trail(sustainment, case["id"])[len(before) + len(by_api):] == by_api

    with as_reader(sustainment, "officer-1", "sustainment_officer") as session:
        for key in ("S-999999", "X-1", str(uuid.uuid4())):
            with pytest.raises(NotFound):
                reading.read_case(session, key, policy=policy(), now=_now())


def test_another_officer_breaks_glass_on_the_case_page_with_a_reason(sustainment, open_case):
    case = open_case()
    _assign(sustainment.client, case["id"])
    with as_reader(sustainment, "officer-2", "sustainment_officer") as session:
        view = reading.read_case(session, case["id"], policy=policy(), now=_now())
        assert (view.restricted, view.restricted_shown, view.may_see_restricted) == (
            ["reasons", "risk_factors"], [], False)
    with as_reader(sustainment, "officer-2", "sustainment_officer") as session:
        view = reading.read_case(session, case["id"], break_glass_reason="Tenant in crisis at the office.",
                                 policy=policy(), now=_now())
        assert (view.restricted, view.broke_glass, view.may_see_restricted) == ([], True, True)
    with sustainment.db.transaction() as session:
        [glass] = session.scalars(select(AuditEntry).where(AuditEntry.action == "break_glass")).all()
        assert (glass.actor, glass.reason, glass.after) == (
            "officer-2", "Tenant in crisis at the office.", {"fields": ["reasons", "risk_factors"]})
    [told] = sustainment.events("sustainment.restricted.read.v1")
    assert told.data["case_id"] == case["id"]


def test_what_is_due_on_a_case_soonest_first(sustainment, open_case, agency):
    c = sustainment.client
    case = open_case(level="low", accepted_at=_now() - dt.timedelta(days=30))
    _assign(c, case["id"])
    c.put(f"/cases/{case['id']}/plan", json=PLAN, headers=OFFICER)
    c.post(f"/cases/{case['id']}/agency-referrals", json={"agency_id": agency("Debt advice"),
                                                         "reason": "Debts.", "consent_given": True}, headers=OFFICER)
    r = c.get(f"/cases/{case['id']}/deadlines", headers=OFFICER)
    assert r.status_code == 200, r.json
    assert [(d["deadline"], d["overdue"]) for d in r.json] == [
        ("first_contact", True), ("agency_chase", False), ("plan_action", False), ("plan_action", False),
        ("plan_review", False)]
    assert [d["title"] for d in r.json if d["deadline"] == "plan_action"] == [
        "Refer to debt advice", "Apply for Discretionary Housing Payment"]
    c.post(f"/cases/{case['id']}/closure", json={"outcome": "disengaged", "summary": "No reply."}, headers=OFFICER)
    assert c.get(f"/cases/{case['id']}/deadlines", headers=OFFICER).json == []
    assert c.get(f"/cases/{uuid.uuid4()}/deadlines", headers=OFFICER).status_code == 404


# -- the plan, changed under the version read ---------------------------------------------------


def test_a_stale_plan_change_is_412_with_the_current_version_and_the_page_gets_the_current_plan(
        sustainment, open_case):
    c = sustainment.client
    case = open_case()
    _assign(c, case["id"])
    read = c.get(f"/cases/{case['id']}", headers=OFFICER).headers["ETag"]
    assert c.put(f"/cases/{case['id']}/plan", json=PLAN, headers={**OFFICER, "If-Match": read}).status_code == 200
    now = c.get(f"/cases/{case['id']}", headers=OFFICER).headers["ETag"]

    stale = c.put(f"/cases/{case['id']}/plan", json={**PLAN, "actions": []}, headers={**OFFICER, "If-Match": read})
    assert stale.status_code == 412
    assert stale.headers["ETag"] == now  # send this with the change, once shown the current plan

    # A page's form, sent by another officer: the version is as they read it (without the restricted details).
    theirs = c.get(f"/cases/{case['id']}", headers=OTHER).headers["ETag"]
    assert theirs != now
    with as_reader(sustainment, "officer-2", "sustainment_officer") as session:
        with pytest.raises(Stale) as refused:
            reading.load_for_change(session, case["reference"], if_match=read)
        assert refused.value.etag == theirs
        assert [a["title"] for a in refused.value.case.plan.actions] == [a["title"] for a in PLAN["actions"]]
    with as_reader(sustainment, "officer-1", "sustainment_officer") as session:
        locked = reading.load_for_change(session, case["id"], if_match=now)
        plan = plans.agree_plan(session, locked, goals=PLAN["goals"], actions=[], review_date=None, by="officer-1",
                                policy=policy(), now=_now())
        assert plan.version == 2
    assert [v["version"] for v in c.get(f"/cases/{case['id']}/plan/versions", headers=OFFICER).json] == [1, 2]


def test_the_cases_etag_changes_with_every_change_on_it_and_only_then(sustainment, open_case):
    """The ETag is the case's counted version, not its whole case read: a change by a use case, a
    row on the case changed by anything else (a handler, a timer) with the case itself not loaded,
    and the case's own columns each count; reading does not."""
    c = sustainment.client
    case = open_case()
    _assign(c, case["id"])

    def etag() -> str:
        return c.get(f"/cases/{case['id']}", headers=OFFICER).headers["ETag"]

    seen = [etag()]
    assert etag() == seen[-1] and c.get(f"/app/cases/{case['reference']}/plan",
                                         headers={**OFFICER, "Accept": "text/html"}).status_code == 200
    assert etag() == seen[-1]  # reads (audited) are not changes
    assert c.post(f"/cases/{case['id']}/notes", json={"text": "Rang the tenant."}, headers=OFFICER).status_code == 201
    seen.append(etag())
    with sustainment.db.transaction() as session:  # a note's category, as a handler might: the case not loaded
        note = session.scalars(select(CaseNote).where(CaseNote.case_id == uuid.UUID(case["id"]))).one()
        note.category = "health"
    seen.append(etag())
    with sustainment.db.transaction() as session:  # the case's own columns
        session.get(Case, uuid.UUID(case["id"])).clutter_rating = 3
    seen.append(etag())
    with sustainment.db.transaction() as session:  # loaded, changed to what it was: no change
        session.get(Case, uuid.UUID(case["id"])).clutter_rating = 3
    assert len(set(seen)) == 4 and etag() == seen[-1]


def test_a_long_lived_cases_etag_still_lets_its_plan_be_changed(sustainment, open_case):
    """Past the size above which the kernel would tag a body by its bytes (weakly), and after a
    break-glass read: the ETag a GET gives is the version a change is checked against."""
    c = sustainment.client
    case = open_case()
    _assign(c, case["id"])
    for n in range(8):
        assert c.post(f"/cases/{case['id']}/notes", json={"text": f"Visit {n}: " + "x" * 9000},
                      headers=OFFICER).status_code == 201
    read = c.get(f"/cases/{case['id']}", headers=OFFICER)
    assert len(read.get_data()) > 64 * 1024
    assert not read.headers["ETag"].startswith("W/")
    assert c.put(f"/cases/{case['id']}/plan", json=PLAN,
                 headers={**OFFICER, "If-Match": read.headers["ETag"]}).status_code == 200

    glass = c.get(f"/cases/{case['id']}", headers=OTHER, query_string={"break_glass_reason": "Officer away."})
    assert glass.json["restricted"] == []
    assert c.put(f"/cases/{case['id']}/plan", json=PLAN,
                 headers={**OTHER, "If-Match": glass.headers["ETag"]}).status_code == 200


# -- a visit already made ---------------------------------------------------------------------------


@pytest.fixture
def sweep(sustainment):
    sweeper = Sweeper(sustainment.db, SERVICE.timers, service="sustainment")

    def run() -> list[dict]:
        sweeper.fire_due(now=_now() + dt.timedelta(minutes=1))
        return [e.data for e in sustainment.events("sustainment.deadline.missed.v1")]

    return run


def _made(client, case_id, **body):
    body = {"kind": "home_visit", "visited_at": (_now() - dt.timedelta(days=7)).isoformat(),
            "outcome": "completed", **body}
    return client.post(f"/cases/{case_id}/visits/made", json=body, headers=OFFICER)


def test_a_visit_already_made_is_recorded_in_one_step_without_a_missed_deadline(sustainment, open_case, sweep):
    case = open_case(accepted_at=_now() - dt.timedelta(days=30))
    _assign(sustainment.client, case["id"])
    _opened_days_ago(sustainment, case["id"], 30)
    visited_at = (_now() - dt.timedelta(days=7)).replace(microsecond=0)
    r = _made(sustainment.client, case["id"], visited_at=visited_at.isoformat(), notes="Tenant at home.",
              risks_identified=["hoarding"])
    assert r.status_code == 201, r.json
    assert (r.json["status"], r.json["notes"], r.json["risks_identified"]) == ("completed", "Tenant at home.",
                                                                               ["hoarding"])
    assert dt.datetime.fromisoformat(r.json["scheduled_for"]) == visited_at

    after = sustainment.client.get(f"/cases/{case['id']}", headers=OFFICER).json
    assert after["status"] == "active"  # the visit was the first contact, made when the visit was
    assert dt.datetime.fromisoformat(after["first_contact_at"]) == visited_at
    assert [t["kind"] for t in after["timeline"]][-2:] == ["visit_recorded", "first_contact"]
    with sustainment.db.transaction() as session:
        assert [t.kind for t in session.scalars(select(Timer).where(Timer.cancelled_at.is_(None)))] == []
    assert sweep() == []
    assert sustainment.events("sustainment.visit.scheduled.v1") == []
    [recorded] = sustainment.events("sustainment.visit.recorded.v1")
    assert (recorded.data["visit_id"], recorded.data["outcome"]) == (r.json["id"], "completed")
    assert "Tenant at home" not in str(recorded.data)
    trail = sustainment.client.get(f"/cases/{case['id']}/audit?page_size=100", headers=LEADER).json
    [entry] = [e for e in trail if e["action"] == "record_visit"]
    assert entry["before"] is None and "notes" not in entry["after"]["visit"]


def test_scheduling_a_visit_in_the_past_then_recording_it_escalates_at_once(sustainment, open_case, sweep):
    """What the one-step record avoids (and so what its test would catch)."""
    case = open_case()
    _assign(sustainment.client, case["id"])
    _opened_days_ago(sustainment, case["id"], 30)
    sustainment.client.post(f"/cases/{case['id']}/visits", json={
        "kind": "home_visit", "scheduled_for": (_now() - dt.timedelta(days=7)).isoformat()}, headers=OFFICER)
    assert [m["deadline"] for m in sweep()] == ["visit"]


def test_three_no_access_visits_recorded_after_the_fact_still_raise_the_risk(sustainment, open_case, sweep):
    case = open_case(level="medium", accepted_at=_now() - dt.timedelta(days=30))
    _assign(sustainment.client, case["id"])
    _opened_days_ago(sustainment, case["id"], 30)
    for days in (21, 14, 7):
        assert _made(sustainment.client, case["id"], outcome="no_access",
                     visited_at=(_now() - dt.timedelta(days=days)).isoformat()).status_code == 201
    after = sustainment.client.get(f"/cases/{case['id']}", headers=OFFICER).json
    assert (after["risk_level"], after["status"]) == ("high", "allocated")  # no access is no contact
    [changed] = sustainment.events("sustainment.risk.changed.v1")
    assert changed.data["team_leader_alert"] is True
    assert [m["deadline"] for m in sweep()] == ["first_contact"]  # only the contact still not made


def test_a_visit_already_made_is_refused_naming_what_to_fix(sustainment, open_case):
    case = open_case()
    _assign(sustainment.client, case["id"])
    _opened_days_ago(sustainment, case["id"], 3)
    future = _made(sustainment.client, case["id"], visited_at=(_now() + dt.timedelta(hours=2)).isoformat())
    assert future.status_code == 422 and set(future.json["errors"]) == {"visited_at"}
    early = _made(sustainment.client, case["id"], visited_at=(_now() - dt.timedelta(days=10)).isoformat())
    assert early.status_code == 422 and set(early.json["errors"]) == {"visited_at"}
    cancelled = _made(sustainment.client, case["id"], outcome="cancelled",
                      visited_at=(_now() - dt.timedelta(days=1)).isoformat())
    assert cancelled.status_code == 422 and set(cancelled.json["errors"]) == {"outcome"}
    assert _made(sustainment.client, case["id"], visited_at="yesterday").status_code == 422
    assert _made(sustainment.client, str(uuid.uuid4()),
                 visited_at=(_now() - dt.timedelta(days=1)).isoformat()).status_code == 404
    sustainment.client.post(f"/cases/{case['id']}/closure", json={"outcome": "transferred", "summary": "Moved."},
                            headers=OFFICER)
    closed = _made(sustainment.client, case["id"], visited_at=(_now() - dt.timedelta(days=1)).isoformat())
    assert closed.status_code == 409
    assert sustainment.events("sustainment.visit.recorded.v1") == []


# -- closing ------------------------------------------------------------------------------------------


def test_before_closing_the_officer_sees_what_is_still_open_and_a_closed_case_says_why_not(sustainment, open_case,
                                                                                          agency):
    c = sustainment.client
    case = open_case()
    _assign(c, case["id"])
    c.put(f"/cases/{case['id']}/plan", json=PLAN, headers=OFFICER)
    visit = c.post(f"/cases/{case['id']}/visits", json={"kind": "welfare_check", "scheduled_for": f"{YEAR - 1}-06-01T10:00:00Z"},
                   headers=OFFICER).json
    referral = c.post(f"/cases/{case['id']}/agency-referrals", json={
        "agency_id": agency("Citizens Advice"), "reason": "Benefits.", "consent_given": True}, headers=OFFICER).json

    r = c.get(f"/cases/{case['id']}/closure-check", headers=OFFICER)
    assert r.status_code == 200, r.json
    assert (r.json["may_close"], r.json["refusal"]) == (True, None)
    assert [(o["kind"], o["related_id"]) for o in r.json["outstanding"]][2:] == [
        ("visit", visit["id"]), ("agency_referral", referral["id"])]
    assert [o["title"] for o in r.json["outstanding"]][:2] == ["Refer to debt advice",
                                                               "Apply for Discretionary Housing Payment"]

    closed = c.post(f"/cases/{case['id']}/closure", json={"outcome": "tenancy_sustained", "summary": "Done."},
                    headers=OFFICER)
    assert closed.status_code == 200
    r = c.get(f"/cases/{case['id']}/closure-check", headers=OFFICER).json
    assert r == {"may_close": False, "refusal": "The case is already closed.", "outstanding": []}
    again = c.post(f"/cases/{case['id']}/closure", json={"outcome": "tenancy_sustained", "summary": "Done."},
                   headers=OFFICER)
    assert (again.status_code, again.json["detail"]) == (409, "The case is already closed.")
