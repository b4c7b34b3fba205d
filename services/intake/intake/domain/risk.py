"""The risk score of a referral: explainable points, every factor listed with why."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_DOWN, Decimal

from .policy import RISK_LEVELS, Band, RiskPolicy

REASON_CODES: tuple[str, ...] = (
    "rent_arrears", "anti_social_behaviour", "hoarding", "mental_health", "physical_health",
    "substance_misuse", "domestic_abuse", "safeguarding_adult", "safeguarding_child", "financial_hardship",
    "disability", "high_risk_new_tenant", "notice_seeking_possession", "other",
)

#: The factor that records a level lifted by a reason's floor (it carries no points).
FLOOR = "level_floor"


@dataclass(frozen=True)
class RiskFactor:
    code: str
    points: int
    detail: str


@dataclass(frozen=True)
class RiskAssessment:
    level: str
    score: int
    factors: tuple[RiskFactor, ...]


def _band_points(bands: Sequence[Band], measure: Decimal) -> int:
    for band in bands:
        if measure >= band.minimum:
            return band.points
    return 0


def weeks_of_rent_owed(arrears_balance: Decimal, weekly_rent: Decimal) -> Decimal:
    """Arrears as weeks of rent (exact: the bands compare this, not a rounded figure)."""
    return arrears_balance / weekly_rent


def arrears_factor(arrears_balance: Decimal | None, weekly_rent: Decimal | None, policy: RiskPolicy) -> RiskFactor:
    if arrears_balance is None or not weekly_rent:
        return RiskFactor("rent_arrears", policy.arrears_not_given, "Arrears balance or weekly rent not given.")
    weeks = weeks_of_rent_owed(arrears_balance, weekly_rent)
    # Shown truncated, so 7.99 weeks reads "7.9", never "8.0" beside the 4-to-8-week points.
    shown = weeks.quantize(Decimal("0.1"), rounding=ROUND_DOWN)
    return RiskFactor("rent_arrears", _band_points(policy.arrears_bands, weeks), f"{shown} weeks' rent owed.")


def hoarding_factor(clutter_rating: int | None, policy: RiskPolicy) -> RiskFactor:
    if clutter_rating is None:
        return RiskFactor("hoarding", policy.clutter_not_given, "Clutter rating not given.")
    points = _band_points(policy.clutter_bands, Decimal(clutter_rating))
    return RiskFactor("hoarding", points, f"Clutter rating {clutter_rating} of 9.")


def level_for(score: int, policy: RiskPolicy) -> str:
    for level, minimum in policy.levels:
        if score >= minimum:
            return level
    return policy.levels[-1][0]


def assess(reasons: Sequence[str], *, arrears_balance: Decimal | None = None, weekly_rent: Decimal | None = None,
           clutter_rating: int | None = None, policy: RiskPolicy) -> RiskAssessment:
    """Score a referral's reasons: one factor per reason, then the level, lifted by any floor."""
    factors: list[RiskFactor] = []
    for code in dict.fromkeys(reasons):  # each reason once, in the order given
        if code == "rent_arrears":
            factors.append(arrears_factor(arrears_balance, weekly_rent, policy))
        elif code == "hoarding":
            factors.append(hoarding_factor(clutter_rating, policy))
        else:
            factors.append(RiskFactor(code, policy.reason_points.get(code, 0), f"Reason: {code.replace('_', ' ')}."))
    score = sum(factor.points for factor in factors)
    level = level_for(score, policy)
    for code in dict.fromkeys(reasons):
        floor = policy.floors.get(code)
        if floor is not None and RISK_LEVELS.index(floor) > RISK_LEVELS.index(level):
            factors.append(RiskFactor(FLOOR, 0, f"{code.replace('_', ' ').capitalize()} makes the level at least {floor}."))
            level = floor
    return RiskAssessment(level=level, score=score, factors=tuple(factors))
