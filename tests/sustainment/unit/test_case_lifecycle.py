"""Opening, assigning, re-judging the risk of, closing and reopening a case: what each use case
writes (rows, timeline, audit, timers, events), on an in-memory session."""

import datetime as dt
import uuid

import pytest

from casework.timers import Timer
from casework_dev.testing import audited, pending_timers, published
from sustainment import rules
from sustainment.cases import Invalid, assignment, closure, opening, risk
from sustainment.models import Case

from .conftest import NOW


def test_opening_a_case_numbers_it_sets_its_first_contact_deadline_and_tells_the_others(session, case):
    assert case.reference == "S-000001"
    assert pending_timers(session) == {f"first_contact:{case.id}": case.first_contact_due}
    assert [entry.kind for entry in case.timeline] == ["case_opened"]
    assert audited(session) == ["create"]
    [(type, data)] = published(session)
    assert type == "sustainment.case.opened.v1"
    assert data["reference"] == "S-000001" and data["risk_level"] == "high" and "tenant_name" not in data


def test_an_onboarding_case_opens_with_its_plan_from_the_policy_template(session, policy):
    start = dt.date(2026, 11, 9)
    case = opening.open_onboarding_case(session, Case(
        id=uuid.uuid4(), case_type="onboarding", status="open", risk_level="high", tenancy_id=uuid.uuid4(),
        tenancy_ref="T-000777", tenancy_start=start, consent_given=False, opened_at=NOW,
        first_contact_due=NOW + dt.timedelta(days=3), settling_in_due=NOW + dt.timedelta(days=10),
        support_ends=start + dt.timedelta(weeks=12), tenant_name="Sam Lee"), policy=policy, now=NOW)
    assert set(pending_timers(session)) == {f"first_contact:{case.id}", f"settling_in_visit:{case.id}",
                                            f"support_window:{case.id}"}
    assert case.plan.status == "template" and case.plan.version == 1
    assert case.plan.review_date == rules.onboarding_plan(start, policy)["review_date"]
    assert [entry.kind for entry in case.timeline] == ["case_opened", "plan_drafted"]
    assert [type for type, _ in published(session)] == ["sustainment.case.opened.v1"]


def test_assigning_an_open_case_allocates_it_and_keeps_the_history(session, case):
    assignment.assign(session, case, officer_id="officer-1", by="leader-1", now=NOW)
    assignment.assign(session, case, officer_id="officer-2", by="leader-1", now=NOW)
    assert case.status == "allocated" and case.officer_id == "officer-2"
    assert [(a.officer_id, a.previous_officer_id, a.assigned_by) for a in case.assignments] == [
        ("officer-1", None, "leader-1"), ("officer-2", "officer-1", "leader-1")]
    assert audited(session) == ["create", "assign", "assign"]
    _, last = published(session)[-1]
    assert last["previous_officer_id"] == "officer-1" and last["assigned_by"] == "leader-1"
    assert last["first_contact_due"] is not None  # first contact not yet made


def test_assigning_a_case_to_its_own_officer_is_refused_naming_the_field(session, case):
    assignment.assign(session, case, officer_id="officer-1", by="leader-1", now=NOW)
    with pytest.raises(Invalid) as refused:
        assignment.assign(session, case, officer_id="officer-1", by="leader-1", now=NOW)
    assert refused.value.field == "officer_id"


def test_an_officer_changing_the_risk_records_why_in_the_case_not_in_the_event(session, case):
    risk.change_risk(session, case, risk_level="critical", reason="Threats from a neighbour.", by="officer-1", now=NOW)
    assert case.risk_level == "critical"
    [change] = case.risk_history
    assert (change.from_level, change.cause, change.reason) == ("high", "officer", "Threats from a neighbour.")
    type, data = published(session)[-1]
    assert type == "sustainment.risk.changed.v1"
    assert data["team_leader_alert"] is False and "Threats" not in str(data)


def test_closing_a_case_cancels_its_deadlines_and_sets_the_retention_clock(session, case, policy):
    closure.close(session, case, outcome="tenancy_sustained", summary="Arrears cleared.", policy=policy, now=NOW)
    assert case.status == "closed" and case.closed_at == NOW
    assert pending_timers(session) == {f"anonymise:{case.id}": rules.anonymise_after(NOW, policy)}
    type, data = published(session)[-1]
    assert (type, data["outcome"]) == ("sustainment.case.closed.v1", "tenancy_sustained")
    with pytest.raises(rules.IllegalTransition):
        closure.close(session, case, outcome="evicted", summary=None, policy=policy, now=NOW)


def test_reopening_stops_the_retention_clock_and_sends_the_case_back_where_it_was(session, case, policy):
    assignment.assign(session, case, officer_id="officer-1", by="leader-1", now=NOW)
    closure.close(session, case, outcome="disengaged", summary=None, policy=policy, now=NOW)
    closure.reopen(session, case, reason="The tenant got back in touch.")
    assert case.status == "allocated" and case.closure_outcome is None
    assert session.query(Timer).filter_by(key=f"anonymise:{case.id}").one().cancelled_at is not None
    assert audited(session)[-1] == "reopen"
    assert published(session)[-1][1]["status"] == "allocated"


def test_an_anonymised_case_cannot_be_reopened(session, case, policy):
    closure.close(session, case, outcome="disengaged", summary=None, policy=policy, now=NOW)
    case.anonymised_at = NOW
    with pytest.raises(rules.IllegalTransition, match="open a new case"):
        closure.reopen(session, case, reason="Back in touch.")
    assert case.status == "closed"
