"""A tenancy ends, and its home falls void again: the start of the next let. A tenancy made before
Casework is recorded as it stands in the housing management system."""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from casework import audit, outbox
from lettings import events
from lettings.letting import Invalid, NotAllowed
from lettings.letting.properties import record_void
from lettings.models import Applicant, Property, Tenancy
from lettings.schemas.offers import Tenancy as TenancySchema


def end_tenancy(session: Session, tenancy: Tenancy, *, end_date: dt.date, reason: str) -> Tenancy:
    """Record the end of the tenancy; unless the home was already recorded void, its next void
    starts on the end date, with the end's reason (void days and rent loss run from there). Others
    are told (``tenancy.ended``: sustainment notes it on any open case for the tenancy)."""
    if tenancy.end_date is not None:
        raise NotAllowed(f"This tenancy ended on {tenancy.end_date.isoformat()}.")
    if end_date < tenancy.tenancy_start:
        raise Invalid("end_date", ["A tenancy cannot end before it started."])
    before = TenancySchema().dump(tenancy)
    tenancy.end_date, tenancy.end_reason = end_date, reason
    audit.changed(session, "end", "tenancy", tenancy.id, before, TenancySchema().dump(tenancy))
    outbox.emit(session, events.TENANCY_ENDED, subject=str(tenancy.id), data=events.tenancy_ended(tenancy))
    if tenancy.property.current_void is None:
        record_void(session, tenancy.property, void_date=end_date, reason=reason, ready_to_let_date=None)
    return tenancy


def record_existing_tenancy(session: Session, prop: Property, applicant: Applicant, *, reference: str,
                            tenancy_start: dt.date, tenancy_type: str, by: str) -> Tenancy:
    """A current tenancy as the housing management system holds it (an import): known by that
    system's reference, the one officers and front-line systems quote (a referral's
    ``tenancy_ref``), so its end (``tenancy.ended``) reaches the sustainment cases about it. No
    offer, no void ended, no event: it is not a new let, and sustainment's onboarding is for new
    tenants. The rent is the home's."""
    tenancy = Tenancy(
        reference=reference, housing_ref=reference, offer_id=None, property_id=prop.id, applicant_id=applicant.id,
        tenancy_start=tenancy_start, tenancy_type=tenancy_type, high_risk=False, high_risk_reasons=[],
        support_needs=[], weekly_rent=prop.weekly_rent, service_charge=prop.service_charge, signed_up_by=by)
    session.add(tenancy)
    session.flush()
    audit.changed(session, "import", "tenancy", tenancy.id, None, TenancySchema().dump(tenancy))
    return tenancy
