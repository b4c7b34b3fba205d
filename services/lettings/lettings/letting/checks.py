"""Pre-tenancy checks: eligibility re-verified and the affordability check, recorded with their figures."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from casework import audit
from casework.workdays import london_today
from lettings.domain.affordability import assess
from lettings.domain.policy import LettingsPolicy
from lettings.letting import Invalid
from lettings.letting.offers import require_status
from lettings.models import Applicant, Offer, PreTenancyCheck, Property
from lettings.shortlisting import ineligibility, reasons


def latest(session: Session, offer: Offer) -> PreTenancyCheck | None:
    return session.scalar(select(PreTenancyCheck).where(PreTenancyCheck.offer_id == offer.id)
                          .order_by(PreTenancyCheck.checked_at.desc()).limit(1))


def check_offer(session: Session, offer: Offer, *, by: str, policy: LettingsPolicy, now: dt.datetime) -> PreTenancyCheck:
    """Run the checks for an accepted offer: the result is ``pass``, ``refer`` or ``fail``, with the figures."""
    require_status(offer, "accepted")
    return run(session, offer, by=by, policy=policy, now=now)


def run(session: Session, offer: Offer, *, by: str, policy: LettingsPolicy, now: dt.datetime) -> PreTenancyCheck:
    applicant = session.get(Applicant, offer.applicant_id)
    prop = session.get(Property, offer.property_id)
    if applicant.monthly_net_income is None or applicant.monthly_outgoings is None:
        raise Invalid("income", ["The applicant's monthly net income and outgoings are needed."],
                      detail="Record the applicant's income and outgoings before the affordability check.")
    # The applicant holds this offer, so they are not "active and unhoused" in the bidding sense:
    # re-verify every rule except status, which must still be active.
    codes = ineligibility(session, applicant, prop, london_today(now), policy)
    affordability = assess(applicant.monthly_net_income, applicant.monthly_outgoings, prop.weekly_rent,
                           prop.service_charge, policy.referral_margin)
    if codes or affordability.result == "fail":
        result = "fail"
    else:
        result = affordability.result
    check = PreTenancyCheck(
        offer_id=offer.id, result=result, eligible=not codes, eligibility_reasons=reasons(codes),
        affordability_result=affordability.result, monthly_net_income=affordability.monthly_net_income,
        monthly_outgoings=affordability.monthly_outgoings, monthly_housing_cost=affordability.monthly_housing_cost,
        residual_monthly=affordability.residual_monthly, referral_margin=affordability.referral_margin,
        checked_by=by, checked_at=now)
    session.add(check)
    session.flush()
    audit.changed(session, "pre_tenancy_check", "offer", offer.id, None,
                  {"result": result, "affordability": affordability.result, "eligible": not codes})
    return check
