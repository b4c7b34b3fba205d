"""Opening a case: from an accepted referral, or for a high-risk new tenant (onboarding).

Cases are opened by the events sustainment consumes (``sustainment.handlers``), which read the
event into a new ``Case``; these write it with its deadlines, timeline, audit and event.
"""

from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy.orm import Session

from casework import audit, outbox
from sustainment import deadlines, events, rules
from sustainment.cases import performance
from sustainment.journal import on_timeline
from sustainment.models import NUMBERS, Case, Plan
from sustainment.schemas import CaseDetail


def _opened(session: Session, case: Case, source: str) -> None:
    case.number = NUMBERS.next(session)
    session.add(case)
    session.flush()
    performance.count_opening(session, case)
    deadlines.schedule_first_contact(session, case)
    on_timeline(session, case, "case_opened", f"{case.case_type.capitalize()} case opened from {source}")
    audit.changed(session, "create", "case", case.id, None, CaseDetail(only=(
        "reference", "case_type", "status", "risk_level", "first_contact_due", "referral_id", "tenancy_ref",
    )).dump(case))


def _emit_opened(session: Session, case: Case) -> None:
    outbox.emit(session, events.CASE_OPENED, subject=str(case.id), data=events.case_opened(case))


def open_case(session: Session, case: Case, *, source: str) -> Case:
    """Open ``case`` (a sustainment case from ``source``, e.g. ``referral R-000042``): first contact due."""
    _opened(session, case, source)
    _emit_opened(session, case)
    return case


def open_onboarding_case(session: Session, case: Case, *, policy: rules.Policy, now: dt.datetime) -> Case:
    """Open an onboarding ``case`` for a high-risk new tenant: first contact, a settling-in visit and
    the end of the support window due, and a plan made from the policy's template."""
    _opened(session, case, f"tenancy {case.tenancy_ref}")
    deadlines.schedule_settling_in(session, case)
    deadlines.schedule_support_window_end(session, case)
    template = rules.onboarding_plan(rules.counted_from(case.tenancy_start, now), policy)
    plan = Plan(case_id=case.id, version=1, status="template", review_date=template["review_date"],
                goals=[{"id": str(uuid.uuid4()), **g} for g in template["goals"]],
                actions=[{"id": str(uuid.uuid4()), **a, "due_date": a["due_date"].isoformat()}
                         for a in template["actions"]])
    session.add(plan)
    case.plan_due, case.plan_review = plan.first_due, plan.review_date
    on_timeline(session, case, "plan_drafted", "Onboarding plan made from the template", 1)
    _emit_opened(session, case)
    return case
