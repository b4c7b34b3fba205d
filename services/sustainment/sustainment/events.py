"""The data of the events sustainment publishes (contracts in ``casework.contracts.sustainment``).

References and what consumers act on only: never who the tenant is, what officers wrote, or
the reason for a risk change or a break-glass read (those stay in the case and its audit).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sustainment.models import AgencyReferral, Case, Plan, Visit

CASE_OPENED = "sustainment.case.opened.v1"
CASE_ASSIGNED = "sustainment.case.assigned.v1"
PLAN_AGREED = "sustainment.plan.agreed.v1"
VISIT_SCHEDULED = "sustainment.visit.scheduled.v1"
VISIT_RECORDED = "sustainment.visit.recorded.v1"
RISK_CHANGED = "sustainment.risk.changed.v1"
AGENCY_REFERRAL_MADE = "sustainment.agency_referral.made.v2"
AGENCY_REFERRAL_ANSWERED = "sustainment.agency_referral.answered.v1"
DEADLINE_MISSED = "sustainment.deadline.missed.v1"
SUPPORT_WINDOW_ENDED = "sustainment.support_window.ended.v1"
TENANCY_ENDED = "sustainment.case.tenancy_ended.v1"
CASE_CLOSED = "sustainment.case.closed.v1"
CONTACT_RECORDED = "sustainment.contact.recorded.v1"
CASE_REOPENED = "sustainment.case.reopened.v1"
RESTRICTED_READ = "sustainment.restricted.read.v1"

#: Every event type this module declares (the kernel's retention sweep publishes ``records.anonymised``).
PUBLISHED = (CASE_OPENED, CASE_ASSIGNED, PLAN_AGREED, VISIT_SCHEDULED, VISIT_RECORDED, RISK_CHANGED,
             AGENCY_REFERRAL_MADE, AGENCY_REFERRAL_ANSWERED, DEADLINE_MISSED, SUPPORT_WINDOW_ENDED, TENANCY_ENDED, CASE_CLOSED, CONTACT_RECORDED,
             CASE_REOPENED, RESTRICTED_READ)
#: Types no longer published, still in the catalogue for consumers to read for one release.
RETIRED = ("sustainment.agency_referral.made.v1",)


def case_ref(case: Case) -> dict[str, Any]:
    """The reference every sustainment event carries: enough to find the case, nothing personal."""
    return {"case_id": case.id, "reference": case.reference, "case_type": case.case_type,
            "officer_id": case.officer_id}


def case_opened(case: Case) -> dict[str, Any]:
    return {**case_ref(case), "risk_level": case.risk_level, "first_contact_due": case.first_contact_due,
            "settling_in_due": case.settling_in_due, "referral_id": case.referral_id, "tenancy_ref": case.tenancy_ref}


def case_assigned(case: Case, previous: str | None, assigned_by: str) -> dict[str, Any]:
    return {**case_ref(case), "previous_officer_id": previous, "assigned_by": assigned_by,
            "risk_level": case.risk_level,
            "first_contact_due": case.first_contact_due if case.first_contact_at is None else None,
            "settling_in_due": case.settling_in_due}


def plan_agreed(case: Case, plan: Plan) -> dict[str, Any]:
    return {**case_ref(case), "plan_version": plan.version, "review_date": plan.review_date,
            "actions": len(plan.actions)}


def visit_scheduled(case: Case, visit: Visit) -> dict[str, Any]:
    return {**case_ref(case), "visit_id": visit.id, "kind": visit.kind, "scheduled_for": visit.scheduled_for}


def visit_recorded(case: Case, visit: Visit) -> dict[str, Any]:
    return {**visit_scheduled(case, visit), "outcome": visit.status,
            "consecutive_no_access": case.consecutive_no_access}


def risk_changed(case: Case, previous: str, *, cause: str, team_leader_alert: bool) -> dict[str, Any]:
    return {**case_ref(case), "from_level": previous, "to_level": case.risk_level, "cause": cause,
            "team_leader_alert": team_leader_alert}


def agency_referral_made(case: Case, referral: AgencyReferral) -> dict[str, Any]:
    # Not the agency nor the consent: either can reveal health, offending or a safeguarding concern.
    return {**case_ref(case), "agency_referral_id": referral.id, "chase_by": referral.chase_by}


def agency_referral_answered(case: Case, referral: AgencyReferral) -> dict[str, Any]:
    # Accepted or declined only: not the agency, the note nor the outcome.
    return {**case_ref(case), "agency_referral_id": referral.id, "answer": referral.status}


def deadline_missed(case: Case, deadline: str, due: dt.datetime, related_id: Any = None) -> dict[str, Any]:
    return {**case_ref(case), "deadline": deadline, "due": due,
            "related_id": str(related_id) if related_id is not None else None}


def support_window_ended(case: Case) -> dict[str, Any]:
    return {**case_ref(case), "support_ends": case.support_ends}


def tenancy_ended(case: Case, ended: dict[str, Any]) -> dict[str, Any]:
    return {**case_ref(case), "tenancy_ref": ended["tenancy_ref"], "end_date": ended["end_date"],
            "reason": ended["reason"]}


def case_closed(case: Case) -> dict[str, Any]:
    return {**case_ref(case), "outcome": case.closure_outcome, "closed_at": case.closed_at}


def contact_recorded(case: Case, made_at: dt.datetime) -> dict[str, Any]:
    return {**case_ref(case), "first_contact_at": made_at}


def case_reopened(case: Case) -> dict[str, Any]:
    return {**case_ref(case), "risk_level": case.risk_level, "status": case.status}


def restricted_read(case: Case, reader: str, read_at: dt.datetime) -> dict[str, Any]:
    return {**case_ref(case), "reader": reader, "read_at": read_at}
