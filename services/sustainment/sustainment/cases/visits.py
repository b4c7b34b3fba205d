"""Home visits, welfare checks and settling-in visits: scheduled, then their outcome recorded; or,
once made, recorded in one step."""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from casework import audit, outbox, timers
from sustainment import audited, deadlines, events, rules
from sustainment.cases import Invalid
from sustainment.cases.contacts import record_first_contact
from sustainment.journal import on_timeline
from sustainment.models import Case, RiskChange, Visit


def _after_no_access(session: Session, case: Case, *, by: str, policy: rules.Policy, now: dt.datetime) -> None:
    """Three no-access visits in a row raise the risk one level and alert the team leader."""
    if not rules.escalates_no_access(case.consecutive_no_access, policy):
        return
    previous, case.risk_level = case.risk_level, rules.raised(case.risk_level)
    session.add(RiskChange(case_id=case.id, from_level=previous, to_level=case.risk_level, cause="no_access_visits",
                           reason=f"{case.consecutive_no_access} no-access visits in a row",
                           changed_by=by, changed_at=now))
    on_timeline(session, case, "risk_changed",
                f"{case.consecutive_no_access} no-access visits in a row: risk {previous} to {case.risk_level}")
    outbox.emit(session, events.RISK_CHANGED, subject=str(case.id),
                data=events.risk_changed(case, previous, cause="no_access_visits", team_leader_alert=True))


def schedule_visit(session: Session, case: Case, *, kind: str, scheduled_for: dt.datetime, by: str,
                   policy: rules.Policy) -> Visit:
    """Schedule a visit; its outcome is due by close of business the next working day after it."""
    rules.check_transition(case.status, "work")
    visit = Visit(case_id=case.id, kind=kind, scheduled_for=scheduled_for, scheduled_by=by, status="scheduled")
    session.add(visit)
    session.flush()
    deadlines.schedule_visit(session, case, visit, policy=policy)
    on_timeline(session, case, "visit_scheduled", f"{visit.kind.replace('_', ' ').capitalize()} scheduled",
                visit.id)
    audit.changed(session, "schedule_visit", "case", case.id, None, {"visit": audited.VISIT.dump(visit)})
    outbox.emit(session, events.VISIT_SCHEDULED, subject=str(case.id), data=events.visit_scheduled(case, visit))
    return visit


def record_outcome(session: Session, case: Case, visit: Visit, *, outcome: str, notes: str | None,
                   risks_identified: list[str], by: str, policy: rules.Policy, now: dt.datetime) -> Visit:
    """Record a visit's outcome (completed, no_access or cancelled), once. A completed visit on an
    allocated case is the first contact; three no-access visits in a row raise the risk."""
    rules.check_transition(case.status, "work")
    if visit.status != "scheduled":
        raise rules.IllegalTransition(f"This visit's outcome was already recorded ({visit.status}).")
    before = audited.VISIT.dump(visit)
    timers.cancel(session, deadlines.visit_key(visit))
    return _recorded(session, case, visit, before={"visit": before}, outcome=outcome, notes=notes,
                     risks_identified=risks_identified, by=by, policy=policy, now=now)


#: What a visit already made can have come to (a cancelled visit was not made).
MADE_OUTCOMES = ("completed", "no_access")


def record_visit_made(session: Session, case: Case, *, kind: str, visited_at: dt.datetime, outcome: str,
                      notes: str | None, risks_identified: list[str], by: str, policy: rules.Policy,
                      now: dt.datetime) -> Visit:
    """Record, in one step, a visit already made (``visited_at`` in the past) with its outcome.

    Nothing is left to wait for, so no outcome deadline is set and none can be missed: unlike
    scheduling a visit in the past and then recording it, this raises no ``deadline.missed``.
    Otherwise it counts as any recorded visit: a completed visit on an allocated case is the first
    contact (made at the visit's time), and no-access visits count towards the run that raises the risk."""
    rules.check_transition(case.status, "work")
    if outcome not in MADE_OUTCOMES:
        raise Invalid("outcome", "A visit already made was completed or found no access; "
                                 "a cancelled visit was never made.")
    if visited_at > now:
        raise Invalid("visited_at", "This visit has not happened yet; schedule it instead.")
    if visited_at < case.opened_at:
        raise Invalid("visited_at", "The visit cannot be before the case was opened.")
    visit = Visit(case_id=case.id, kind=kind, scheduled_for=visited_at, scheduled_by=by, status="scheduled")
    session.add(visit)
    session.flush()
    return _recorded(session, case, visit, before=None, outcome=outcome, notes=notes,
                     risks_identified=risks_identified, by=by, policy=policy, now=now, after_the_visit=True)


def _recorded(session: Session, case: Case, visit: Visit, *, before: dict | None, outcome: str, notes: str | None,
              risks_identified: list[str], by: str, policy: rules.Policy, now: dt.datetime,
              after_the_visit: bool = False) -> Visit:
    """The outcome written on the visit, with its timeline line, first contact, audit, event and
    the no-access run."""
    visit.status = outcome
    visit.notes = notes
    visit.risks_identified = risks_identified
    visit.recorded_at = now
    visit.recorded_by = by
    on_timeline(session, case, "visit_recorded",
                f"{visit.kind.replace('_', ' ').capitalize()}: {visit.status.replace('_', ' ')}"
                + (" (recorded after the visit)" if after_the_visit else ""), visit.id)
    if visit.status != "cancelled":
        case.consecutive_no_access = rules.consecutive_no_access_after(case.consecutive_no_access, visit.status)
    if visit.status == "completed":
        if visit.kind == "settling_in":
            timers.cancel(session, deadlines.settling_in_key(case))
        if case.status == "allocated":
            record_first_contact(session, case, min(visit.scheduled_for, visit.recorded_at))
    audit.changed(session, "record_visit", "case", case.id, before, {"visit": audited.VISIT.dump(visit)})
    outbox.emit(session, events.VISIT_RECORDED, subject=str(case.id), data=events.visit_recorded(case, visit))
    if visit.status == "no_access":
        _after_no_access(session, case, by=by, policy=policy, now=now)
    return visit
