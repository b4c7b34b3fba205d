"""Signing a tenancy up: the tenancy made from an accepted offer, the void ended, the household housed."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from casework import audit, outbox
from lettings import events
from lettings.domain.policy import LettingsPolicy
from lettings.domain.tenancy import default_tenancy_type, high_risk_reasons
from lettings.letting import Invalid, NotAllowed, checks, core_logs, lets, statuses, void_stages
from lettings.letting.offers import require_status
from lettings.models import Advert, Offer, PreTenancyCheck, Tenancy
from lettings.references import next_reference
from lettings.schemas.offers import Tenancy as TenancySchema


def ready_to_sign(session: Session, offer: Offer, *, tenancy_start: dt.date, override_reason: str | None, by: str,
                  policy: LettingsPolicy, now: dt.datetime) -> PreTenancyCheck:
    """Whether the offer may be signed up on these terms (in person, or by sending the sign-up pack):
    accepted, not signed up yet, the home void since before the start, and the checks passed or
    overridden with a reason. The checks run when none were recorded; returns them."""
    if offer.status == "signed_up" or session.scalar(select(Tenancy.id).where(Tenancy.offer_id == offer.id)):
        raise NotAllowed("This offer has already been signed up.")
    require_status(offer, "accepted")
    void = offer.property.current_void
    if void is None:
        raise NotAllowed("This home is not void.")
    if tenancy_start < void.void_date:
        raise Invalid("tenancy_start", ["The tenancy cannot start before the home went void."])
    check = checks.latest(session, offer) or checks.run(session, offer, by=by, policy=policy, now=now)
    if check.result == "fail" and not override_reason:
        raise NotAllowed("The pre-tenancy checks failed; give an override_reason to sign up regardless.")
    return check


def sign_up(session: Session, offer: Offer, *, tenancy_start: dt.date, tenancy_type: str | None,
            support_needs: list[str], override_reason: str | None, by: str, policy: LettingsPolicy,
            now: dt.datetime) -> Tenancy:
    """Sign the tenancy up from an accepted offer: the checks run when none were recorded, and a
    ``fail`` blocks sign-up unless overridden with a reason. Whether the new tenant is high-risk
    (support needs, an affordability referral, a move-on from supported housing or care) goes with
    the event, so that sustainment can open an onboarding case. The void ends on the tenancy start,
    and the offer is ``signed_up``: final, so the home can be offered again when it next falls void."""
    check = ready_to_sign(session, offer, tenancy_start=tenancy_start, override_reason=override_reason, by=by,
                          policy=policy, now=now)
    prop, applicant = offer.property, offer.applicant
    void = prop.current_void
    support_needs = sorted(set(applicant.support_needs) | set(support_needs))
    risk = high_risk_reasons(support_needs, check.affordability_result, applicant.move_on_from, policy)
    tenancy = Tenancy(
        reference=next_reference(session, "T"), offer_id=offer.id, property_id=prop.id,
        applicant_id=applicant.id, tenancy_start=tenancy_start,
        tenancy_type=tenancy_type or default_tenancy_type(applicant.existing_tenant, policy),
        high_risk=bool(risk), high_risk_reasons=risk, support_needs=support_needs,
        override_reason=override_reason, weekly_rent=prop.weekly_rent,
        service_charge=prop.service_charge, signed_up_by=by)
    session.add(tenancy)
    offer.status = "signed_up"
    void.let_date = tenancy.tenancy_start
    statuses.house(session, applicant, tenancy_reference=tenancy.reference, now=now)
    if offer.advert_id:
        session.get(Advert, offer.advert_id).status = "let"
    void_stages.restage(session, prop.id)
    lets.count_let(session, tenancy, void, applicant.band)  # the performance report's tallies
    core_logs.log_let(session, tenancy, offer, void)  # its CORE log, the letting as it is now
    audit.changed(session, "sign_up", "tenancy", tenancy.id, None, TenancySchema().dump(tenancy),
                  reason=override_reason)
    outbox.emit(session, events.TENANCY_STARTED, subject=str(tenancy.id),
                data=events.tenancy_started(tenancy, prop, applicant))
    tenancy.checks = check
    return tenancy
