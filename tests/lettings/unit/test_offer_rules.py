"""Offers: response deadline, bypasses, suspension; affordability; high-risk tenants; voids."""

import datetime as dt
from decimal import Decimal

import pytest

from lettings.domain.affordability import assess
from lettings.domain.offers import bypassed, default_respond_by, months_before, suspends_applicant
from lettings.domain.policy import LettingsPolicy
from lettings.domain.tenancy import default_tenancy_type, high_risk_reasons, rent_loss, void_days

POLICY = LettingsPolicy()
NOW = dt.datetime(2025, 6, 10, 12, tzinfo=dt.UTC)


@pytest.mark.parametrize(("made_at", "respond_by"), [
    # Tuesday → close of business (17:00 London = 16:00 UTC in summer) on Friday.
    (dt.datetime(2025, 6, 10, 12, tzinfo=dt.UTC), dt.datetime(2025, 6, 13, 16, tzinfo=dt.UTC)),
    # Thursday before the Spring bank holiday (26 May 2025) → Wednesday 28 May.
    (dt.datetime(2025, 5, 22, 9, tzinfo=dt.UTC), dt.datetime(2025, 5, 28, 16, tzinfo=dt.UTC)),
])
def test_respond_by_is_three_working_days(made_at, respond_by):
    assert default_respond_by(made_at, POLICY) == respond_by


@pytest.mark.parametrize(("refusals", "suspends"), [
    ([NOW], False),
    ([NOW - dt.timedelta(days=30), NOW], True),
    ([months_before(NOW, 12), NOW], False),  # exactly twelve months ago is outside the window
    ([months_before(NOW, 12) + dt.timedelta(days=1), NOW], True),
    ([NOW - dt.timedelta(days=400), NOW - dt.timedelta(days=500), NOW], False),
])
def test_two_unreasonable_refusals_in_twelve_months_suspend(refusals, suspends):
    assert suspends_applicant(refusals, NOW, POLICY) is suspends


def test_refusal_limit_comes_from_policy():
    policy = LettingsPolicy.from_dict({"offers": {"unreasonable_refusal_limit": 3}})
    assert not suspends_applicant([NOW - dt.timedelta(days=1), NOW], NOW, policy)


def test_months_before_clamps_to_month_end():
    assert months_before(dt.datetime(2025, 3, 31, tzinfo=dt.UTC), 1) == dt.datetime(2025, 2, 28, tzinfo=dt.UTC)


@pytest.mark.parametrize(("offered", "chosen", "passed_over"), [
    (set(), "a", []),
    (set(), "c", ["a", "b"]),
    ({"a"}, "b", []),
    ({"a"}, "c", ["b"]),
])
def test_bypassed_are_higher_ranked_bidders_not_yet_offered(offered, chosen, passed_over):
    assert bypassed(["a", "b", "c"], offered, chosen) == passed_over


@pytest.mark.parametrize(("income", "outgoings", "rent", "charge", "result", "residual"), [
    ("2000.00", "800.00", "100.00", "10.00", "pass", "723.33"),  # housing 476.67
    ("1500.00", "800.00", "120.00", "10.00", "refer", "136.67"),  # housing 563.33
    ("1200.00", "800.00", "100.00", "0.00", "fail", "-33.33"),
    ("1233.33", "800.00", "100.00", "0.00", "pass", "0.00"),  # margin 0 boundary handled below
])
def test_affordability(income, outgoings, rent, charge, result, residual):
    margin = Decimal("0") if residual == "0.00" else Decimal("150")
    check = assess(Decimal(income), Decimal(outgoings), Decimal(rent), Decimal(charge), margin)
    assert (check.result, check.residual_monthly) == (result, Decimal(residual))


def test_affordability_at_the_margin_passes():
    check = assess(Decimal("1000.00"), Decimal("0.00"), Decimal("0.00"), Decimal("0.00"), Decimal("1000.00"))
    assert check.result == "pass"


@pytest.mark.parametrize(("needs", "affordability", "move_on", "reasons"), [
    ([], "pass", None, []),
    (["mental_health"], "pass", None, ["support_needs"]),
    ([], "refer", None, ["affordability_referral"]),
    ([], "fail", None, ["affordability_fail_overridden"]),  # a fail reaches sign-up only overridden
    ([], "pass", "care", ["move_on_from_care"]),
    ([], "pass", "supported_housing", ["move_on_from_supported_housing"]),
    (["hoarding"], "refer", "care", ["support_needs", "affordability_referral", "move_on_from_care"]),
])
def test_high_risk_new_tenant(needs, affordability, move_on, reasons):
    assert high_risk_reasons(needs, affordability, move_on, POLICY) == reasons


def test_tenancy_type_is_introductory_for_new_tenants_and_secure_for_transfers():
    assert default_tenancy_type(False, POLICY) == "introductory"
    assert default_tenancy_type(True, POLICY) == "secure"


@pytest.mark.parametrize(("void", "let", "weekly", "days", "loss"), [
    (dt.date(2025, 3, 1), dt.date(2025, 3, 22), "98.00", 21, "294.00"),
    (dt.date(2025, 3, 1), dt.date(2025, 3, 1), "98.00", 0, "0.00"),
    (dt.date(2025, 3, 1), dt.date(2025, 3, 4), "100.00", 3, "42.86"),
])
def test_void_days_and_rent_loss(void, let, weekly, days, loss):
    assert void_days(void, let) == days
    assert rent_loss(Decimal(weekly), days) == Decimal(loss)


def test_policy_file_values_override_defaults():
    policy = LettingsPolicy.from_dict({"affordability": {"referral_margin": "200.00"},
                                       "offers": {"response_working_days": 5}})
    assert policy.referral_margin == Decimal("200.00")
    assert policy.response_working_days == 5
    assert policy.bands == ("A", "B", "C", "D")


def test_the_shipped_policy_file_holds_the_defaults_of_section_6():
    from lettings.policy import load

    policy = load("")
    assert policy == LettingsPolicy()


@pytest.mark.parametrize("bands", [[], ["A", "A"], ["Gold", "A much too long name for a band of a scheme"], [""]])
def test_a_scheme_with_bands_the_register_cannot_hold_is_refused_at_start(bands):
    with pytest.raises(ValueError, match="bands"):
        LettingsPolicy.from_dict({"bands": bands})
