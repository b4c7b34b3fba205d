"""A tenancy ends, and its home falls void again: the start of the next let."""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from casework import audit, outbox
from lettings import events
from lettings.letting import Invalid, NotAllowed
from lettings.letting.properties import record_void
from lettings.models import Tenancy
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
