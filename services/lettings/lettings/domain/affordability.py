"""The affordability check (§6): can the household pay the rent and charges and still live?

monthly residual = net income − essential outgoings − (rent + service charge) × 52 / 12.
Below zero fails; under the policy's margin refers the applicant for income support
(and a referral marks the new tenancy high-risk); otherwise it passes.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

PENNY = Decimal("0.01")


@dataclass(frozen=True)
class Affordability:
    result: str  # pass | refer | fail
    monthly_net_income: Decimal
    monthly_outgoings: Decimal
    monthly_housing_cost: Decimal
    residual_monthly: Decimal
    referral_margin: Decimal


def monthly_housing_cost(weekly_rent: Decimal, weekly_service_charge: Decimal) -> Decimal:
    return ((weekly_rent + weekly_service_charge) * 52 / 12).quantize(PENNY, ROUND_HALF_UP)


def assess(monthly_net_income: Decimal, monthly_outgoings: Decimal, weekly_rent: Decimal,
           weekly_service_charge: Decimal, referral_margin: Decimal) -> Affordability:
    housing = monthly_housing_cost(weekly_rent, weekly_service_charge)
    residual = (monthly_net_income - monthly_outgoings - housing).quantize(PENNY, ROUND_HALF_UP)
    if residual < 0:
        result = "fail"
    elif residual < referral_margin:
        result = "refer"
    else:
        result = "pass"
    return Affordability(result, monthly_net_income, monthly_outgoings, housing, residual, referral_margin)
