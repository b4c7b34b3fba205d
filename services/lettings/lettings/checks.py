"""Pre-tenancy checks: eligibility re-verified and the affordability check, recorded with their figures."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from casework import audit
from casework.db import utcnow
from casework.web import abort
from casework.workdays import london_today
from lettings.domain.affordability import assess
from lettings.models import Applicant, Offer, PreTenancyCheck, Property
from lettings.policy import current as current_policy
from lettings.shortlisting import ineligibility, reasons


def latest(session: Session, offer: Offer) -> PreTenancyCheck | None:
    return session.scalar(select(PreTenancyCheck).where(PreTenancyCheck.offer_id == offer.id)
                          .order_by(PreTenancyCheck.checked_at.desc()).limit(1))


def run(session: Session, offer: Offer, officer: str) -> PreTenancyCheck:
    applicant = session.get(Applicant, offer.applicant_id)
    prop = session.get(Property, offer.property_id)
    if applicant.monthly_net_income is None or applicant.monthly_outgoings is None:
        abort(422, "Record the applicant's income and outgoings before the affordability check.",
              errors={"income": ["The applicant's monthly net income and outgoings are needed."]})
    # The applicant holds this offer, so they are not "active and unhoused" in the bidding sense:
    # re-verify every rule except status, which must still be active.
    codes = ineligibility(session, applicant, prop, london_today())
    affordability = assess(applicant.monthly_net_income, applicant.monthly_outgoings, prop.weekly_rent,
                           prop.service_charge, current_policy().referral_margin)
    if codes or affordability.result == "fail":
        result = "fail"
    else:
        result = affordability.result
    check = PreTenancyCheck(
        offer_id=offer.id, result=result, eligible=not codes, eligibility_reasons=reasons(codes),
        affordability_result=affordability.result, monthly_net_income=affordability.monthly_net_income,
        monthly_outgoings=affordability.monthly_outgoings, monthly_housing_cost=affordability.monthly_housing_cost,
        residual_monthly=affordability.residual_monthly, referral_margin=affordability.referral_margin,
        checked_by=officer, checked_at=utcnow())
    session.add(check)
    session.flush()
    audit.changed(session, "pre_tenancy_check", "offer", offer.id, None,
                  {"result": result, "affordability": affordability.result, "eligible": not codes})
    return check
