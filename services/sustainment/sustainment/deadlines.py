"""Case deadlines as durable timers, and what happens when one passes with its work undone.

Each timer is named after its work (``first_contact:<case>``, ``visit:<visit>``, …) so the
change that does the work cancels it; the handlers check the record again anyway and stay
quiet when the work was done or the case closed.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from sqlalchemy.orm import Session

from casework import outbox, timers
from casework.timers import Timer
from sustainment import events, rules
from sustainment.journal import on_timeline
from sustainment.models import AgencyReferral, Case, Plan, Visit


def first_contact_key(case: Case) -> str:
    return f"first_contact:{case.id}"


def settling_in_key(case: Case) -> str:
    return f"settling_in_visit:{case.id}"


def plan_review_key(case: Case) -> str:
    return f"plan_review:{case.id}"


def support_window_key(case: Case) -> str:
    return f"support_window:{case.id}"


def visit_key(visit: Visit) -> str:
    return f"visit:{visit.id}"


def agency_chase_key(referral: AgencyReferral) -> str:
    return f"agency_chase:{referral.id}"


def schedule_first_contact(session: Session, case: Case) -> None:
    timers.schedule(session, "first_contact", key=first_contact_key(case), due_at=case.first_contact_due,
                    payload={"case_id": str(case.id)})


def schedule_settling_in(session: Session, case: Case) -> None:
    timers.schedule(session, "settling_in_visit", key=settling_in_key(case), due_at=case.settling_in_due,
                    payload={"case_id": str(case.id)})


def schedule_support_window_end(session: Session, case: Case) -> None:
    """An onboarding case's support window ends at the close of its last day."""
    timers.schedule(session, "support_window", key=support_window_key(case),
                    due_at=rules.close_of_business(case.support_ends), payload={"case_id": str(case.id)})


def schedule_plan_review(session: Session, case: Case, plan: Plan) -> None:
    if plan.review_date is None:
        return
    timers.schedule(session, "plan_review", key=plan_review_key(case), due_at=rules.close_of_business(plan.review_date),
                    payload={"case_id": str(case.id), "plan_version": plan.version})


def schedule_visit(session: Session, case: Case, visit: Visit, *, policy: rules.Policy) -> None:
    timers.schedule(session, "visit", key=visit_key(visit), due_at=rules.visit_outcome_due(visit.scheduled_for, policy),
                    payload={"case_id": str(case.id), "visit_id": str(visit.id)})


def schedule_agency_chase(session: Session, case: Case, referral: AgencyReferral) -> None:
    timers.schedule(session, "agency_chase", key=agency_chase_key(referral),
                    due_at=rules.close_of_business(referral.chase_by),
                    payload={"case_id": str(case.id), "agency_referral_id": str(referral.id)})


def cancel_case_deadlines(session: Session, case: Case) -> None:
    """A closed case has no deadlines left."""
    for key in (first_contact_key(case), settling_in_key(case), plan_review_key(case), support_window_key(case)):
        timers.cancel(session, key)
    for visit in case.visits:
        timers.cancel(session, visit_key(visit))
    for referral in case.agency_referrals:
        timers.cancel(session, agency_chase_key(referral))


# -- timer handlers --------------------------------------------------------------------------


def _open_case(session: Session, timer: Timer) -> Case | None:
    case = session.get(Case, uuid.UUID(timer.payload["case_id"]), with_for_update=True)
    return case if case is not None and case.status != "closed" else None


def _missed(session: Session, case: Case, deadline: str, due: dt.datetime, related_id: Any = None,
            summary: str = "", **extra: Any) -> None:
    outbox.emit(session, events.DEADLINE_MISSED, subject=str(case.id),
                data={**events.deadline_missed(case, deadline, due, related_id), **extra})
    on_timeline(session, case, "deadline_missed", summary or f"Deadline missed: {deadline.replace('_', ' ')}",
                related_id)


def on_first_contact_due(session: Session, timer: Timer) -> None:
    case = _open_case(session, timer)
    if case is not None and case.first_contact_at is None:
        _missed(session, case, "first_contact", case.first_contact_due)


def on_settling_in_visit_due(session: Session, timer: Timer) -> None:
    case = _open_case(session, timer)
    if case is None:
        return
    if not any(v.kind == "settling_in" and v.status == "completed" for v in case.visits):
        _missed(session, case, "settling_in_visit", case.settling_in_due)


def on_visit_due(session: Session, timer: Timer) -> None:
    case = _open_case(session, timer)
    visit = session.get(Visit, uuid.UUID(timer.payload["visit_id"]))
    if case is not None and visit is not None and visit.status == "scheduled":
        _missed(session, case, "visit", timer.due_at, visit.id, "Visit outcome not recorded")


def on_plan_review_due(session: Session, timer: Timer) -> None:
    case = _open_case(session, timer)
    if case is None or case.plan is None:
        return
    # A review is done by agreeing a new version of the plan.
    if case.plan.version == timer.payload["plan_version"]:
        _missed(session, case, "plan_review", rules.close_of_business(case.plan.review_date), case.plan.version)


def on_agency_chase_due(session: Session, timer: Timer) -> None:
    case = _open_case(session, timer)
    referral = session.get(AgencyReferral, uuid.UUID(timer.payload["agency_referral_id"]))
    if case is not None and referral is not None and not rules.agency_answered(referral.status):
        _missed(session, case, "agency_chase", rules.close_of_business(referral.chase_by), referral.id,
                f"Chase {referral.agency.replace('_', ' ')}: no answer to the referral",
                agency_referral_id=referral.id)


def on_support_window_end(session: Session, timer: Timer) -> None:
    """The onboarding support window is over and the case still open: its officer is asked to
    close it or carry on. Not closed here: whether the tenant still needs support is theirs to judge."""
    case = _open_case(session, timer)
    if case is None or case.case_type != "onboarding":
        return
    outbox.emit(session, events.SUPPORT_WINDOW_ENDED, subject=str(case.id), data=events.support_window_ended(case))
    on_timeline(session, case, "support_window_ended", "The onboarding support window ended")


TIMERS = {
    "first_contact": on_first_contact_due,
    "settling_in_visit": on_settling_in_visit_due,
    "visit": on_visit_due,
    "plan_review": on_plan_review_due,
    "agency_chase": on_agency_chase_due,
    "support_window": on_support_window_end,
}
