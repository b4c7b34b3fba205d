"""A case's tenancy ended (lettings' ``tenancy.ended``): noted on every open case about it, and its
officer asked to close the case or carry on. Not closed here: whether the household still needs
support where it moved is the officer's to judge."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from casework import outbox
from sustainment import events
from sustainment.journal import on_timeline
from sustainment.models import OPEN, Case, TimelineEntry

KIND = "tenancy_ended"


def open_cases_for(session: Session, tenancy_id: Any, tenancy_ref: str) -> list[Case]:
    """The open cases about the tenancy: an onboarding case by its id, any case by its reference
    (a referral names the tenancy by reference only)."""
    return list(session.scalars(
        select(Case).where(or_(Case.tenancy_id == tenancy_id, Case.tenancy_ref == tenancy_ref), OPEN)
        .order_by(Case.number).with_for_update()))


def note_tenancy_ended(session: Session, *, tenancy_id: Any, tenancy_ref: str, end_date: dt.date,
                       reason: str) -> list[Case]:
    """On each open case about the tenancy (none: nothing), a line on its timeline and
    ``case.tenancy_ended`` for its officer, once per case and tenancy. Returns the cases told."""
    told = []
    for case in open_cases_for(session, tenancy_id, tenancy_ref):
        noted = session.scalar(select(TimelineEntry.id).where(
            TimelineEntry.case_id == case.id, TimelineEntry.kind == KIND, TimelineEntry.related_id == str(tenancy_id)))
        if noted is not None:
            continue
        on_timeline(session, case, KIND,
                    f"Tenancy {tenancy_ref} ended on {end_date.isoformat()} ({reason.replace('_', ' ')})", tenancy_id)
        outbox.emit(session, events.TENANCY_ENDED, subject=str(case.id), data=events.tenancy_ended(
            case, {"tenancy_ref": tenancy_ref, "end_date": end_date, "reason": reason}))
        told.append(case)
    return told
