"""The work recorded on a case: contacts, visits and their outcomes, the plan, agency referrals
and notes. What each use case writes, on an in-memory session."""

import dataclasses
import datetime as dt
import uuid

import pytest

from casework_dev.testing import audited, pending_timers, published
from sustainment import rules
from sustainment.cases import Invalid, agency_referrals, assignment, contacts, notes, plans, visits
from sustainment.models import Agency

from .conftest import NOW

VISIT_TIME = NOW - dt.timedelta(hours=2)


@pytest.fixture
def allocated(session, case):
    return assignment.assign(session, case, officer_id="officer-1", by="leader-1", now=NOW)


def _committed(session):
    """The transaction committed, and the case read afresh (as the next request would)."""
    session.commit()
    session.expire_all()


def _visit(session, case, policy, kind="home_visit"):
    return visits.schedule_visit(session, case, kind=kind, scheduled_for=VISIT_TIME, by="officer-1", policy=policy)


def _no_access(session, case, visit, policy):
    return visits.record_outcome(session, case, visit, outcome="no_access", notes=None, risks_identified=[],
                                 by="officer-1", policy=policy, now=NOW)


def test_the_first_contact_makes_an_allocated_case_active_and_meets_its_deadline(session, allocated):
    made_at = NOW - dt.timedelta(hours=1)
    contacts.record_contact(session, allocated, method="phone", made_at=made_at, notes="Spoke briefly.",
                            by="officer-1", now=NOW)
    contacts.record_contact(session, allocated, method="email", made_at=None, notes=None, by="officer-1", now=NOW)
    assert allocated.status == "active" and allocated.first_contact_at == made_at
    assert f"first_contact:{allocated.id}" not in pending_timers(session)
    # The first contact is told once; later contacts are recorded and audited only.
    assert [t for t, _ in published(session)].count("sustainment.contact.recorded.v1") == 1
    assert [c.made_at for c in allocated.contacts] == [made_at, NOW]
    assert audited(session)[-2:] == ["record_contact", "record_contact"]


def test_contact_cannot_be_recorded_on_an_unassigned_case(session, case):
    with pytest.raises(rules.IllegalTransition):
        contacts.record_contact(session, case, method="phone", made_at=None, notes=None, by="officer-1", now=NOW)


def test_contact_cannot_be_recorded_before_it_is_made(session, allocated):
    with pytest.raises(Invalid) as refused:
        contacts.record_contact(session, allocated, method="phone", made_at=NOW + dt.timedelta(minutes=5),
                                notes=None, by="officer-1", now=NOW)
    assert refused.value.field == "made_at"


def test_a_scheduled_visit_has_its_outcome_due_by_the_policy(session, allocated, policy):
    visit = _visit(session, allocated, policy)
    assert pending_timers(session)[f"visit:{visit.id}"] == rules.visit_outcome_due(VISIT_TIME, policy)
    assert published(session)[-1][0] == "sustainment.visit.scheduled.v1"


def test_a_completed_visit_on_an_allocated_case_is_its_first_contact(session, allocated, policy):
    visit = _visit(session, allocated, policy)
    visits.record_outcome(session, allocated, visit, outcome="completed", notes="All well.", risks_identified=[],
                          by="officer-1", policy=policy, now=NOW)
    assert allocated.status == "active" and allocated.first_contact_at == VISIT_TIME
    assert f"visit:{visit.id}" not in pending_timers(session)
    assert [t for t, _ in published(session)][-2:] == ["sustainment.contact.recorded.v1",
                                                       "sustainment.visit.recorded.v1"]


def test_a_visit_outcome_is_recorded_once(session, allocated, policy):
    visit = _visit(session, allocated, policy)
    _no_access(session, allocated, visit, policy)
    with pytest.raises(rules.IllegalTransition, match="already recorded"):
        _no_access(session, allocated, visit, policy)


def test_no_access_visits_in_a_row_raise_the_risk_and_alert_the_team_leader(session, allocated, policy):
    threshold = policy.no_access_visits_before_escalation
    for _ in range(threshold):
        _no_access(session, allocated, _visit(session, allocated, policy), policy)
    assert allocated.consecutive_no_access == threshold
    assert allocated.risk_level == "critical"
    [change] = allocated.risk_history
    assert (change.from_level, change.to_level, change.cause) == ("high", "critical", "no_access_visits")
    type, data = published(session)[-1]
    assert type == "sustainment.risk.changed.v1" and data["team_leader_alert"] is True


def test_the_no_access_threshold_is_the_policy_passed_in(session, allocated, policy):
    _no_access(session, allocated, _visit(session, allocated, policy), dataclasses.replace(policy, no_access_visits_before_escalation=1))
    assert allocated.risk_level == "critical"


def test_agreeing_a_plan_keeps_earlier_versions_and_moves_the_review_deadline(session, allocated, policy):
    goals = [{"title": "Clear the rent arrears", "category": "rent_arrears"}]
    first = plans.agree_plan(session, allocated, goals=goals, actions=[], review_date=None, by="officer-1",
                             policy=policy, now=NOW)
    _committed(session)  # the next change comes in its own request
    second = plans.agree_plan(session, allocated, goals=[{**first.goals[0], "status": "achieved"}], actions=[],
                              review_date=dt.date(2027, 2, 1), by="officer-1", policy=policy, now=NOW)
    assert first.review_date == rules.default_review_date(NOW.date(), policy)
    _committed(session)
    assert [p.version for p in allocated.plans] == [1, 2]
    assert second.goals[0]["id"] == first.goals[0]["id"]  # the goal keeps its id across versions
    assert pending_timers(session)[f"plan_review:{allocated.id}"] == rules.close_of_business(dt.date(2027, 2, 1))
    assert published(session)[-1][1]["plan_version"] == 2


def _agency(session, **settings):
    agency = Agency(**{"id": uuid.uuid4(), "oruk_service_id": str(uuid.uuid4()), "organisation_name": "Citizens Advice",
                       "service_name": "Debt advice", "delivery": "none", "restricted": False, "active": True,
                       "updated_at": NOW, **settings})
    session.add(agency)
    return agency


def test_an_agency_referral_is_chased_until_the_agency_answers(session, allocated, policy):
    agency = _agency(session)
    referral = agency_referrals.refer_to_agency(
        session, allocated, agency_id=agency.id, reason="Benefits check.", consent_given=True,
        safeguarding_reason=None, by="officer-1", policy=policy, now=NOW)
    assert (referral.agency, referral.agency_id) == ("Citizens Advice: Debt advice", agency.id)
    assert referral.chase_by == rules.agency_chase_by(NOW.date(), policy)
    assert f"agency_chase:{referral.id}" in pending_timers(session)
    agency_referrals.record_response(session, allocated, referral, status="acknowledged", note=None, now=NOW)
    assert f"agency_chase:{referral.id}" in pending_timers(session)
    agency_referrals.record_response(session, allocated, referral, status="accepted", note="Booked.", now=NOW)
    assert referral.answered_at == NOW and f"agency_chase:{referral.id}" not in pending_timers(session)
    assert published(session)[-1] == ("sustainment.agency_referral.answered.v1", {
        **published(session)[-1][1], "agency_referral_id": str(referral.id), "answer": "accepted"})
    with pytest.raises(rules.IllegalTransition):
        agency_referrals.record_response(session, allocated, referral, status="declined", note=None, now=NOW)
    with pytest.raises(Invalid) as refused:
        agency_referrals.record_response(session, allocated, referral, status="completed", note=None, now=NOW)
    assert refused.value.field == "outcome"
    agency_referrals.record_response(session, allocated, referral, status="completed", note=None,
                                     outcome="Debt relief order applied for.", now=NOW)
    assert audited(session)[-4:] == ["refer_to_agency", "agency_response", "agency_response", "agency_response"]
    assert "Benefits" not in str(published(session)) and "Debt relief" not in str(published(session))


def test_an_agency_with_its_own_chase_period_is_chased_after_it(session, allocated, policy):
    quick = _agency(session, chase_working_days=3)
    referral = agency_referrals.refer_to_agency(
        session, allocated, agency_id=quick.id, reason="Food parcel.", consent_given=True,
        safeguarding_reason=None, by="officer-1", policy=policy, now=NOW)
    assert referral.chase_by == dt.date(2026, 11, 5) != rules.agency_chase_by(NOW.date(), policy)


def test_an_agency_not_in_the_directory_cannot_be_referred_to(session, allocated, policy):
    gone = _agency(session, active=False)
    for agency_id in (gone.id, uuid.uuid4()):
        with pytest.raises(Invalid) as refused:
            agency_referrals.refer_to_agency(session, allocated, agency_id=agency_id, reason="x", consent_given=True,
                                             safeguarding_reason=None, by="officer-1", policy=policy, now=NOW)
        assert refused.value.field == "agency_id"


def test_a_note_is_audited_without_its_text(session, case):
    note = notes.add_note(session, case, text="Tenant mentioned a new partner.", category="general",
                          by="officer-1", now=NOW)
    assert case.timeline[-1].kind == "note" and note.author == "officer-1"
    assert audited(session)[-1] == "add_note"
    assert published(session)[-1][0] == "sustainment.case.opened.v1"  # notes publish nothing
