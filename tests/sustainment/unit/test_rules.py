"""The sustainment rules, as tables of cases."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from sustainment import rules
from sustainment.policy import current

POLICY = current()
UTC = dt.UTC


def at(y, m, d, h=10, minute=0) -> dt.datetime:
    return dt.datetime(y, m, d, h, minute, tzinfo=UTC)


@pytest.mark.parametrize(("status", "action", "kwargs", "expected"), [
    ("open", "assign", {}, "allocated"),
    ("allocated", "assign", {}, "allocated"),
    ("active", "assign", {}, "active"),
    ("allocated", "record_contact", {}, "active"),
    ("active", "record_contact", {}, "active"),
    ("open", "close", {}, "closed"),
    ("active", "close", {}, "closed"),
    ("closed", "reopen", {"has_officer": False}, "open"),
    ("closed", "reopen", {"has_officer": True, "first_contact_made": False}, "allocated"),
    ("closed", "reopen", {"has_officer": True, "first_contact_made": True}, "active"),
])
def test_status_after_a_legal_action(status, action, kwargs, expected):
    assert rules.status_after(status, action, **kwargs) == expected


@pytest.mark.parametrize(("status", "action"), [
    ("closed", "assign"),
    ("open", "record_contact"),
    ("closed", "record_contact"),
    ("closed", "close"),
    ("closed", "work"),
    ("open", "reopen"),
    ("active", "reopen"),
])
def test_illegal_transitions_are_refused(status, action):
    with pytest.raises(rules.IllegalTransition):
        rules.status_after(status, action)


@pytest.mark.parametrize(("level", "expected"), [
    ("low", "medium"), ("medium", "high"), ("high", "critical"), ("critical", "critical"),
])
def test_raising_risk_goes_one_level_up(level, expected):
    assert rules.raised(level) == expected


@pytest.mark.parametrize(("accepted_at", "level", "due"), [
    # Monday 2 November 2026, 10:00 UTC
    (at(2026, 11, 2), "critical", at(2026, 11, 3, 17)),
    (at(2026, 11, 2), "high", at(2026, 11, 4, 17)),
    (at(2026, 11, 2), "medium", at(2026, 11, 9, 17)),
    (at(2026, 11, 2), "low", at(2026, 11, 16, 17)),
    # Accepted on a Friday: the weekend does not count.
    (at(2026, 11, 6), "critical", at(2026, 11, 9, 17)),
    # Christmas Eve 2026 (Thursday): Christmas Day and Boxing Day (substitute Monday 28th) skipped.
    (at(2026, 12, 24), "critical", at(2026, 12, 29, 17)),
    # Summer time: close of business is 16:00 UTC.
    (at(2026, 6, 1), "high", at(2026, 6, 3, 16)),
])
def test_first_contact_is_due_in_working_days_by_risk(accepted_at, level, due):
    assert rules.first_contact_due(accepted_at, level, POLICY) == due


@pytest.mark.parametrize(("previous", "outcome", "after"), [
    (0, "no_access", 1), (2, "no_access", 3), (2, "completed", 0), (2, "cancelled", 2), (0, "completed", 0),
])
def test_run_of_no_access_visits(previous, outcome, after):
    assert rules.consecutive_no_access_after(previous, outcome) == after


@pytest.mark.parametrize(("run", "escalates"), [(0, False), (1, False), (2, False), (3, True), (4, False), (6, True)])
def test_every_third_no_access_visit_in_a_row_escalates(run, escalates):
    assert rules.escalates_no_access(run, POLICY) is escalates


def test_the_escalation_threshold_comes_from_policy():
    assert rules.escalates_no_access(2, dataclasses.replace(POLICY, no_access_visits_before_escalation=2)) is True


@pytest.mark.parametrize(("consent", "safeguarding_reason", "allowed"), [
    (True, None, True),
    (False, "Child at risk of significant harm", True),
    (False, None, False),
    (False, "   ", False),
])
def test_agency_referrals_need_consent_or_a_safeguarding_reason(consent, safeguarding_reason, allowed):
    assert (rules.consent_problem(consent, safeguarding_reason) is None) is allowed


@pytest.mark.parametrize(("status", "new_status", "legal"), [
    ("sent", "acknowledged", True), ("sent", "accepted", True), ("sent", "declined", True),
    ("acknowledged", "accepted", True), ("acknowledged", "declined", True),
    ("acknowledged", "acknowledged", False), ("accepted", "declined", False), ("declined", "accepted", False),
])
def test_agency_referral_answers(status, new_status, legal):
    if legal:
        rules.check_agency_response(status, new_status)
    else:
        with pytest.raises(rules.IllegalTransition):
            rules.check_agency_response(status, new_status)


def test_agency_chase_date_is_ten_working_days_later():
    assert rules.agency_chase_by(dt.date(2026, 11, 2), POLICY) == dt.date(2026, 11, 16)


def test_onboarding_deadlines_count_from_the_tenancy_start():
    start = rules.onboarding(dt.date(2026, 11, 2), at(2026, 10, 20), POLICY)
    assert start.settling_in_due == at(2026, 11, 16, 17)
    assert start.first_contact_due == at(2026, 11, 4, 17)
    assert start.support_ends == dt.date(2027, 1, 25)
    assert start.risk_level == "high"


def test_onboarding_deadlines_count_from_now_when_the_event_comes_late():
    start = rules.onboarding(dt.date(2026, 11, 2), at(2026, 11, 5), POLICY)
    assert start.settling_in_due == at(2026, 11, 19, 17)


def test_the_support_window_comes_from_policy():
    policy = dataclasses.replace(POLICY, onboarding=dataclasses.replace(POLICY.onboarding, support_window_weeks=4))
    assert rules.onboarding(dt.date(2026, 11, 2), at(2026, 11, 1), policy).support_ends == dt.date(2026, 11, 30)


def test_onboarding_plan_is_made_from_the_template():
    plan = rules.onboarding_plan(dt.date(2026, 11, 2), POLICY)
    assert {g["category"] for g in plan["goals"]} == {"settling_in", "income_and_benefits"}
    assert plan["actions"][0]["due_date"] == dt.date(2026, 11, 16)
    assert {a["owner"] for a in plan["actions"]} <= set(rules.ACTION_OWNERS)
    assert all(a["category"] in rules.PLAN_CATEGORIES for a in plan["actions"])
    assert plan["review_date"] == dt.date(2026, 12, 14)


def test_outcomes_by_case_type_and_month():
    closed = [
        rules.ClosedCase("sustainment", "tenancy_sustained", at(2026, 9, 1), at(2026, 11, 2)),  # 62 days
        rules.ClosedCase("sustainment", "evicted", at(2026, 10, 1), at(2026, 11, 10)),  # 40 days
        rules.ClosedCase("sustainment", "moved_on_planned", at(2026, 11, 1), at(2026, 11, 21)),  # 20 days
        rules.ClosedCase("onboarding", "tenancy_sustained", at(2026, 9, 1), at(2026, 12, 1)),
    ]
    rows = rules.outcomes(closed)
    assert [(r["case_type"], r["period"]) for r in rows] == [("onboarding", "2026-12"), ("sustainment", "2026-11")]
    sustainment = rows[1]
    assert sustainment["closed"] == 3
    assert sustainment["sustained"] == 2
    assert sustainment["share_sustained"] == pytest.approx(0.667)
    assert sustainment["median_days_open"] == 40
    assert sustainment["by_outcome"] == {"evicted": 1, "moved_on_planned": 1, "tenancy_sustained": 1}


def test_no_closed_cases_no_rows():
    assert rules.outcomes([]) == []


@pytest.mark.parametrize(("closed_at", "years", "anonymise_at"), [
    (at(2026, 11, 2), 6, at(2032, 11, 2)),
    (at(2028, 2, 29), 6, at(2034, 3, 1)),
    (at(2028, 2, 29), 4, at(2032, 2, 29)),
])
def test_personal_details_are_kept_for_the_retention_period(closed_at, years, anonymise_at):
    assert rules.anonymise_after(closed_at, dataclasses.replace(POLICY, retention_years_after_closure=years)) == anonymise_at


def test_onboarding_from_an_impossible_tenancy_start_counts_from_today():
    # Lettings refuses such a date; one that arrives all the same must not lose the case.
    for start in (dt.date(9999, 12, 31), dt.date(1, 1, 1)):
        onboarding = rules.onboarding(start, at(2026, 11, 2), POLICY)
        assert onboarding.first_contact_due == at(2026, 11, 4, 17)
        assert onboarding.support_ends == dt.date(2027, 1, 25)
        assert rules.counted_from(start, at(2026, 11, 2)) == dt.date(2026, 11, 2)


def test_the_median_of_counts_is_the_median_of_the_list_they_count():
    import random
    import statistics

    rng = random.Random(7)
    for _ in range(200):
        values = [rng.randint(0, 30) for _ in range(rng.randint(1, 40))]
        counts: dict[int, int] = {}
        for v in values:
            counts[v] = counts.get(v, 0) + 1
        assert rules.median_of_counts(counts) == statistics.median(values)
