"""Closing a case with an outcome, and reopening it."""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from casework import audit, outbox, timers
from sustainment import deadlines, events, rules
from sustainment.audited import snapshot
from sustainment.cases import performance
from sustainment.cases.outcomes import count_closure
from sustainment.journal import on_timeline
from sustainment.models import Case
from sustainment.privacy import anonymise_key, schedule_anonymisation


def close(session: Session, case: Case, *, outcome: str, summary: str | None, policy: rules.Policy,
          now: dt.datetime) -> Case:
    """Close the case: its pending deadlines are cancelled, and its personal details are due to be
    removed after the policy's retention period."""
    rules.check_transition(case.status, "close")
    before = snapshot(case)
    case.status = rules.status_after(case.status, "close")
    case.closed_at = now
    case.closure_outcome = outcome
    case.closure_summary = summary
    count_closure(session, case)
    performance.count_closure(session, case)
    deadlines.cancel_case_deadlines(session, case)
    schedule_anonymisation(session, case, policy=policy)
    on_timeline(session, case, "closed", f"Closed: {outcome.replace('_', ' ')}")
    audit.changed(session, "close", "case", case.id, before, snapshot(case))
    outbox.emit(session, events.CASE_CLOSED, subject=str(case.id), data=events.case_closed(case))
    return case


def reopen(session: Session, case: Case, *, reason: str) -> Case:
    """Reopen a closed case: back to its officer (active, or allocated when first contact was never
    made), or to the unassigned queue; the closure outcome cleared and the retention clock stopped.
    An anonymised case cannot be reopened."""
    rules.check_transition(case.status, "reopen")
    if case.anonymised_at is not None:
        raise rules.IllegalTransition(
            "This case's personal details were removed after the retention period; open a new case.")
    before = snapshot(case)
    count_closure(session, case, by=-1)
    performance.count_closure(session, case, by=-1)
    case.status = rules.status_after(case.status, "reopen", has_officer=case.officer_id is not None,
                                     first_contact_made=case.first_contact_at is not None)
    case.closed_at = case.closure_outcome = case.closure_summary = None
    # Open again, its plan's deadlines count again: kept on the case (migration 0020 filled open
    # cases only, so a case closed before it has none yet).
    plan = case.plan
    case.plan_due, case.plan_review = (plan.first_due, plan.review_date) if plan else (None, None)
    timers.cancel(session, anonymise_key(case))
    on_timeline(session, case, "reopened", "Case reopened")
    audit.changed(session, "reopen", "case", case.id, before, snapshot(case), reason=reason)
    outbox.emit(session, events.CASE_REOPENED, subject=str(case.id), data=events.case_reopened(case))
    return case
