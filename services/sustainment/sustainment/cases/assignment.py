"""Assigning a case to an officer: an open case becomes allocated; earlier assignments stay in the history."""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from casework import audit, outbox
from sustainment import events, rules
from sustainment.audited import snapshot
from sustainment.cases import Invalid
from sustainment.journal import on_timeline
from sustainment.models import Assignment, Case


def assign(session: Session, case: Case, *, officer_id: str, by: str, now: dt.datetime) -> Case:
    """Assign (or reassign) the case to ``officer_id``, on the team leader ``by``'s word."""
    rules.check_transition(case.status, "assign")
    if officer_id == case.officer_id:
        raise Invalid("officer_id", "The case is already assigned to this officer.")
    before = snapshot(case)
    previous = case.officer_id
    case.officer_id = officer_id
    case.status = rules.status_after(case.status, "assign")
    session.add(Assignment(case_id=case.id, officer_id=case.officer_id, previous_officer_id=previous,
                           assigned_by=by, assigned_at=now))
    on_timeline(session, case, "assigned", f"Assigned to {case.officer_id}" +
                (f" (was {previous})" if previous else ""))
    audit.changed(session, "assign", "case", case.id, before, snapshot(case))
    outbox.emit(session, events.CASE_ASSIGNED, subject=str(case.id), data=events.case_assigned(case, previous, by))
    return case
