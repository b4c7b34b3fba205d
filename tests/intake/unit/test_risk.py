"""The risk score: points per factor, levels, and the safeguarding floor, from the policy file."""

from decimal import Decimal

import pytest

from intake import policy
from intake.domain.risk import FLOOR, assess, level_for

POLICY = policy.load().risk


def score(reasons, **measures):
    return assess(reasons, policy=POLICY, **measures)


@pytest.mark.parametrize(("balance", "rent", "points", "detail"), [
    ("1040.00", "130.00", 30, "8.0 weeks' rent owed."),       # exactly 8 weeks
    ("1300.00", "130.00", 30, "10.0 weeks' rent owed."),
    ("1039.99", "130.00", 20, "7.9 weeks' rent owed."),       # 7.9999 weeks: not yet 8
    ("520.00", "130.00", 20, "4.0 weeks' rent owed."),        # exactly 4 weeks
    ("519.99", "130.00", 10, "3.9 weeks' rent owed."),
    ("0.00", "130.00", 10, "0.0 weeks' rent owed."),
    (None, "130.00", 10, "Arrears balance or weekly rent not given."),
    ("900.00", None, 10, "Arrears balance or weekly rent not given."),
])
def test_arrears_are_scored_by_weeks_of_rent_owed(balance, rent, points, detail):
    result = score(["rent_arrears"], arrears_balance=balance and Decimal(balance), weekly_rent=rent and Decimal(rent))
    assert [(f.code, f.points, f.detail) for f in result.factors] == [("rent_arrears", points, detail)]


@pytest.mark.parametrize(("rating", "points"), [(9, 30), (7, 30), (6, 15), (4, 15), (3, 5), (1, 5), (None, 15)])
def test_hoarding_is_scored_by_clutter_rating(rating, points):
    assert score(["hoarding"], clutter_rating=rating).factors[0].points == points


@pytest.mark.parametrize(("reason", "points"), [
    ("anti_social_behaviour", 20), ("mental_health", 15), ("substance_misuse", 15), ("physical_health", 10),
    ("disability", 10), ("financial_hardship", 10), ("high_risk_new_tenant", 15),
    ("notice_seeking_possession", 30), ("domestic_abuse", 30), ("safeguarding_adult", 35),
    ("safeguarding_child", 40), ("other", 0),
])
def test_each_reason_carries_its_points(reason, points):
    result = score([reason])
    assert result.factors[0].code == reason
    assert result.factors[0].points == points


@pytest.mark.parametrize(("points", "level"), [(0, "low"), (19, "low"), (20, "medium"), (39, "medium"),
                                               (40, "high"), (59, "high"), (60, "critical"), (200, "critical")])
def test_level_thresholds(points, level):
    assert level_for(points, POLICY) == level


@pytest.mark.parametrize(("reasons", "total", "level"), [
    (["mental_health"], 15, "low"),
    (["anti_social_behaviour", "financial_hardship"], 30, "medium"),
    (["notice_seeking_possession", "mental_health"], 45, "high"),
    (["notice_seeking_possession", "anti_social_behaviour", "substance_misuse"], 65, "critical"),
])
def test_the_score_is_the_sum_of_the_factors(reasons, total, level):
    result = score(reasons)
    assert result.score == total == sum(f.points for f in result.factors)
    assert result.level == level


@pytest.mark.parametrize("reason", ["safeguarding_adult", "domestic_abuse"])
def test_safeguarding_and_domestic_abuse_are_at_least_high(reason):
    result = score([reason])
    assert result.score < 40
    assert result.level == "high"
    assert result.factors[-1].code == FLOOR
    assert result.factors[-1].points == 0
    assert "at least high" in result.factors[-1].detail


def test_the_floor_is_listed_only_when_it_lifted_the_level():
    result = score(["safeguarding_child"])
    assert (result.score, result.level) == (40, "high")
    assert [f.code for f in result.factors] == ["safeguarding_child"]


def test_the_floor_does_not_lower_a_critical_score():
    result = score(["safeguarding_child", "notice_seeking_possession"])
    assert (result.score, result.level) == (70, "critical")
    assert FLOOR not in [f.code for f in result.factors]


def test_a_reason_given_twice_counts_once():
    assert score(["mental_health", "mental_health"]).score == 15


def test_every_factor_explains_itself():
    result = score(["rent_arrears", "hoarding", "mental_health"], arrears_balance=Decimal("800"),
                   weekly_rent=Decimal("100"), clutter_rating=5)
    assert [(f.code, f.points, f.detail) for f in result.factors] == [
        ("rent_arrears", 30, "8.0 weeks' rent owed."),
        ("hoarding", 15, "Clutter rating 5 of 9."),
        ("mental_health", 15, "Reason: mental health."),
    ]
