"""Triage deadlines in working days, default priorities and the referral's lifecycle."""

import datetime as dt

import pytest

from intake import policy
from intake.domain.triage import (
    IllegalChange,
    default_priority,
    is_overdue,
    triage_due,
    triaged_status,
    withdrawn_status,
)

POLICY = policy.load()
UTC = dt.UTC


@pytest.mark.parametrize(("received", "level", "due"), [
    # Monday 12 Jan 2026, 10:00 GMT: next working day's close (17:00 GMT), same day when critical.
    (dt.datetime(2026, 1, 12, 10, 0, tzinfo=UTC), "low", dt.datetime(2026, 1, 13, 17, 0, tzinfo=UTC)),
    (dt.datetime(2026, 1, 12, 10, 0, tzinfo=UTC), "high", dt.datetime(2026, 1, 13, 17, 0, tzinfo=UTC)),
    (dt.datetime(2026, 1, 12, 10, 0, tzinfo=UTC), "critical", dt.datetime(2026, 1, 12, 17, 0, tzinfo=UTC)),
    # Critical after close of business: the next working day.
    (dt.datetime(2026, 1, 12, 18, 0, tzinfo=UTC), "critical", dt.datetime(2026, 1, 13, 17, 0, tzinfo=UTC)),
    # Friday: over the weekend to Monday.
    (dt.datetime(2026, 1, 16, 9, 0, tzinfo=UTC), "medium", dt.datetime(2026, 1, 19, 17, 0, tzinfo=UTC)),
    # Saturday, critical: Monday.
    (dt.datetime(2026, 1, 17, 9, 0, tzinfo=UTC), "critical", dt.datetime(2026, 1, 19, 17, 0, tzinfo=UTC)),
    # Thursday before Easter 2026 (Good Friday 3 Apr, Easter Monday 6 Apr): Tuesday 7 Apr, 17:00 BST.
    (dt.datetime(2026, 4, 2, 9, 0, tzinfo=UTC), "low", dt.datetime(2026, 4, 7, 16, 0, tzinfo=UTC)),
    # Christmas Eve 2026 (Thursday): Christmas and Boxing Day (substitute Monday 28th) skipped.
    (dt.datetime(2026, 12, 24, 9, 0, tzinfo=UTC), "high", dt.datetime(2026, 12, 29, 17, 0, tzinfo=UTC)),
])
def test_triage_is_due_in_working_days_from_the_risk_level(received, level, due):
    assert triage_due(received, level, POLICY) == due


@pytest.mark.parametrize(("level", "priority"), [
    ("low", "routine"), ("medium", "routine"), ("high", "urgent"), ("critical", "emergency")])
def test_default_priority_follows_the_risk_level(level, priority):
    assert default_priority(level, POLICY) == priority


@pytest.mark.parametrize(("outcome", "status"), [("accept", "accepted"), ("reject", "rejected"),
                                                  ("signpost", "signposted")])
def test_a_received_referral_can_be_triaged(outcome, status):
    assert triaged_status("received", outcome) == status


@pytest.mark.parametrize("status", ["accepted", "rejected", "signposted", "withdrawn"])
def test_a_referral_is_triaged_once_and_withdrawn_only_before_triage(status):
    with pytest.raises(IllegalChange):
        triaged_status(status, "accept")
    with pytest.raises(IllegalChange):
        withdrawn_status(status)


def test_only_received_referrals_can_be_overdue():
    due = dt.datetime(2026, 1, 12, 17, 0, tzinfo=UTC)
    later = due + dt.timedelta(minutes=1)
    assert is_overdue("received", due, later)
    assert not is_overdue("received", due, due - dt.timedelta(minutes=1))
    assert not is_overdue("accepted", due, later)
