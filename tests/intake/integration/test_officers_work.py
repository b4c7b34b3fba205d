"""What the officers' pages need from intake: referrals raised by front-line officers, found by
reference, and the triage queue's order and filters."""

import datetime as dt
import uuid

import pytest
from sqlalchemy import update

from casework.context import Principal
from casework.db import utcnow
from casework_dev.testing import bearer
from intake import access, referrals
from intake.models import Referral


def ids(response):
    assert response.status_code == 200, response.json
    return [item["id"] for item in response.json]


@pytest.mark.parametrize("role", access.FRONT_LINE)
def test_a_front_line_officer_raises_a_referral_and_sees_only_their_own(intake, refer, who, role):
    officer = bearer(f"{role}-1", role)
    raised = refer(headers=officer, consent={"given": True, "method": "verbal"})
    others = refer()

    read = intake.client.get(f"/referrals/{raised['id']}", headers=officer)
    assert read.status_code == 200
    assert read.json["consent"]["recorded_by"] == f"{role}-1"
    assert read.json["details"]  # what they wrote themselves, not restricted from them
    assert intake.client.get(f"/referrals/{others['id']}", headers=officer).status_code == 404
    assert ids(intake.client.get("/referrals", headers=officer)) == [raised["id"]]
    # Not a triager: the intake team triages what they raise.
    assert intake.client.post(f"/referrals/{raised['id']}/triage", json={"outcome": "accept"},
                              headers=officer).status_code == 403
    # The intake team sees it like any other.
    assert set(ids(intake.client.get("/referrals", headers=who.intake_officer))) == {raised["id"], others["id"]}


def test_who_may_raise_a_referral_is_one_role_set(intake, body):
    for role in ("referrer", "intake_officer", "housing_officer", "income_officer", "asb_officer", "admin"):
        assert access.may_raise(Principal(sub="x", roles=frozenset({role})))
        assert intake.client.post("/referrals", json=body(), headers=bearer("x", role)).status_code == 201, role
    for role in ("sustainment_officer", "lettings_officer", "team_leader", "service"):
        assert not access.may_raise(Principal(sub="x", roles=frozenset({role})))
        assert intake.client.post("/referrals", json=body(), headers=bearer("x", role)).status_code == 403, role


def test_lists_filter_by_reference(intake, refer, who):
    first, second = refer(), refer(tenancy_ref="T-2")
    get = lambda query: ids(intake.client.get(f"/referrals?{query}", headers=who.intake_officer))  # noqa: E731
    assert get(f"reference={first['reference']}") == [first["id"]]
    assert get(f"reference={second['reference'].lower()}") == [second["id"]]
    assert get("reference=R-999999") == []
    assert get("reference=nonsense") == []
    # A referrer finds only its own by reference.
    assert ids(intake.client.get(f"/referrals?reference={first['reference']}", headers=who.other_referrer)) == []
    assert intake.client.get("/referrals?reference=", headers=who.intake_officer).status_code == 422


def test_a_referral_is_found_by_id_or_reference_for_those_who_may_see_it(intake, refer, who):
    made = refer()
    officer = Principal(sub="officer-jo", roles=frozenset({"intake_officer"}))
    stranger = Principal(sub="asc-partner", roles=frozenset({"referrer"}))
    with intake.db.transaction() as session:
        for key in (made["id"], uuid.UUID(made["id"]), made["reference"], made["reference"].lower()):
            assert referrals.find(session, key, officer).id == uuid.UUID(made["id"])
        assert referrals.find(session, made["reference"], stranger) is None
        assert referrals.find(session, "R-999999", officer) is None


def _due(intake, referral, when):
    with intake.db.transaction() as session:
        session.execute(update(Referral).where(Referral.id == uuid.UUID(referral["id"])).values(triage_due=when))


def test_the_triage_queue_is_by_triage_due_time_then_risk(intake, refer, who):
    now = utcnow()
    later_high = refer()  # rent arrears (10 weeks) and mental health: high
    soon_low = refer(reasons=["financial_hardship"], arrears_balance=None, tenancy_ref="T-2")
    later_low = refer(reasons=["financial_hardship"], arrears_balance=None, tenancy_ref="T-3")
    later_critical = refer(reasons=["safeguarding_child", "domestic_abuse", "rent_arrears"], tenancy_ref="T-4")
    triaged = refer(tenancy_ref="T-5")
    intake.client.post(f"/referrals/{triaged['id']}/triage", json={"outcome": "accept"}, headers=who.intake_officer)
    _due(intake, soon_low, now + dt.timedelta(hours=1))
    for made in (later_high, later_low, later_critical, triaged):
        _due(intake, made, now + dt.timedelta(days=2))
    assert later_critical["risk"]["score"] > later_high["risk"]["score"] > later_low["risk"]["score"]

    queue = [soon_low["id"], later_critical["id"], later_high["id"], later_low["id"]]
    assert ids(intake.client.get("/referrals?order=triage_due&status=received", headers=who.intake_officer)) == queue
    assert ids(intake.client.get("/referrals?order=triage_due&risk_level=low",
                                 headers=who.intake_officer)) == [soon_low["id"], later_low["id"]]
    # Newest first unless asked.
    newest = ids(intake.client.get("/referrals?status=received", headers=who.intake_officer))
    assert newest == [later_critical["id"], later_low["id"], soon_low["id"], later_high["id"]]
    assert intake.client.get("/referrals?order=oldest", headers=who.intake_officer).status_code == 422

    # The use case the queue page calls: received referrals unless another status is asked for.
    officer = Principal(sub="officer-jo", roles=frozenset({"intake_officer"}))
    with intake.db.transaction() as session:
        listed = lambda **args: [str(r.id) for r in session.scalars(referrals.triage_queue(args, officer, now))]  # noqa: E731
        assert listed() == queue
        assert listed(status="accepted") == [triaged["id"]]
        assert listed(risk_level="critical") == [later_critical["id"]]
        assert listed(source_system="income_recovery") == queue
        assert listed(source_system="asb_team") == []
    page = intake.client.get("/referrals?order=triage_due&page=2&page_size=3", headers=who.intake_officer)
    assert ids(page) == [triaged["id"], later_low["id"]]  # as high a risk as later_high, received after it
