"""A case's lifecycle: assignment, risk changes, closure with an outcome, reopening."""

from __future__ import annotations

import uuid

from flask.views import MethodView

from casework import audit, outbox, timers
from casework.auth import current, roles
from casework.db import utcnow
from casework.web import Blueprint, abort, db_session, invalid
from sustainment import deadlines, rules
from sustainment.api.common import CASEWORKERS, change_case, guard, snapshot
from sustainment.journal import case_ref, on_timeline
from sustainment.models import Assignment, RiskChange
from sustainment.privacy import anonymise_key, schedule_anonymisation
from sustainment.schemas import AssignmentCreate, Closure, Reopening, RiskChangeCreate
from sustainment.sensitivity import CaseDetailRead, audit_read

blp = Blueprint("case_lifecycle", __name__, url_prefix="/cases", description="Assigning, risk, closing and reopening.")


@blp.route("/<uuid:case_id>/assignment")
class CaseAssignment(MethodView):
    @roles("team_leader")
    @blp.arguments(AssignmentCreate)
    @blp.response(200, CaseDetailRead)
    @blp.alt_response(409, description="The case is closed.")
    def post(self, data, case_id: uuid.UUID):
        """Assign or reassign a case to an officer

        An open case becomes allocated; earlier assignments stay in the history.
        """
        session = db_session()
        case = change_case(case_id)
        guard(case, "assign")
        if data["officer_id"] == case.officer_id:
            invalid("officer_id", "The case is already assigned to this officer.")
        before = snapshot(case)
        previous = case.officer_id
        case.officer_id = data["officer_id"]
        case.status = rules.status_after(case.status, "assign")
        session.add(Assignment(case_id=case.id, officer_id=case.officer_id, previous_officer_id=previous,
                               assigned_by=current().sub, assigned_at=utcnow()))
        on_timeline(session, case, "assigned", f"Assigned to {case.officer_id}" +
                    (f" (was {previous})" if previous else ""))
        audit.changed(session, "assign", "case", case.id, before, snapshot(case))
        outbox.emit(session, "sustainment.case.assigned.v1", subject=str(case.id), data={
            **case_ref(case), "previous_officer_id": previous, "assigned_by": current().sub,
            "risk_level": case.risk_level,
            "first_contact_due": case.first_contact_due if case.first_contact_at is None else None,
        })
        session.flush()
        session.refresh(case)
        audit_read(session, case)
        return case


@blp.route("/<uuid:case_id>/risk")
class CaseRisk(MethodView):
    @roles(*CASEWORKERS)
    @blp.arguments(RiskChangeCreate)
    @blp.response(200, CaseDetailRead)
    @blp.alt_response(409, description="The case is closed.")
    def post(self, data, case_id: uuid.UUID):
        """Change a case's risk level

        The officer's judgement, with the reason recorded (in the case, not in the event).
        """
        session = db_session()
        case = change_case(case_id)
        guard(case, "work")
        if data["risk_level"] == case.risk_level:
            invalid("risk_level", "The case is already at this risk level.")
        before = snapshot(case)
        previous, case.risk_level = case.risk_level, data["risk_level"]
        session.add(RiskChange(case_id=case.id, from_level=previous, to_level=case.risk_level, cause="officer",
                               reason=data["reason"], changed_by=current().sub, changed_at=utcnow()))
        on_timeline(session, case, "risk_changed", f"Risk changed from {previous} to {case.risk_level}")
        audit.changed(session, "change_risk", "case", case.id, before, snapshot(case), reason=data["reason"])
        outbox.emit(session, "sustainment.risk.changed.v1", subject=str(case.id), data={
            **case_ref(case), "from_level": previous, "to_level": case.risk_level, "cause": "officer",
            "team_leader_alert": False,
        })
        session.flush()
        session.refresh(case)
        audit_read(session, case)
        return case


@blp.route("/<uuid:case_id>/closure")
class CaseClosure(MethodView):
    @roles(*CASEWORKERS)
    @blp.arguments(Closure, example={"outcome": "tenancy_sustained", "summary": "Arrears cleared."})
    @blp.response(200, CaseDetailRead)
    @blp.alt_response(409, description="The case is already closed.")
    def post(self, data, case_id: uuid.UUID):
        """Close a case with an outcome

        Its pending deadlines are cancelled, and its personal details are due to be removed after
        the policy's retention period. A second closure is 409.
        """
        session = db_session()
        case = change_case(case_id)
        guard(case, "close")
        before = snapshot(case)
        case.status = rules.status_after(case.status, "close")
        case.closed_at = utcnow()
        case.closure_outcome = data["outcome"]
        case.closure_summary = data["summary"]
        deadlines.cancel_case_deadlines(session, case)
        schedule_anonymisation(session, case)
        on_timeline(session, case, "closed", f"Closed: {data['outcome'].replace('_', ' ')}")
        audit.changed(session, "close", "case", case.id, before, snapshot(case))
        outbox.emit(session, "sustainment.case.closed.v1", subject=str(case.id), data={
            **case_ref(case), "outcome": case.closure_outcome, "closed_at": case.closed_at,
        })
        session.flush()
        session.refresh(case)
        audit_read(session, case)
        return case


@blp.route("/<uuid:case_id>/reopening")
class CaseReopening(MethodView):
    @roles(*CASEWORKERS)
    @blp.arguments(Reopening)
    @blp.response(200, CaseDetailRead)
    @blp.alt_response(409, description="The case is not closed.")
    def post(self, data, case_id: uuid.UUID):
        """Reopen a closed case

        Needs a reason. The case goes back to its officer (active, or allocated when first contact
        was never made), or to the unassigned queue when it had none. The closure outcome is cleared
        and the retention clock stopped. An anonymised case cannot be reopened (409).
        """
        session = db_session()
        case = change_case(case_id)
        guard(case, "reopen")
        if case.anonymised_at is not None:
            abort(409, "This case's personal details were removed after the retention period; open a new case.")
        before = snapshot(case)
        case.status = rules.status_after(case.status, "reopen", has_officer=case.officer_id is not None,
                                         first_contact_made=case.first_contact_at is not None)
        case.closed_at = case.closure_outcome = case.closure_summary = None
        timers.cancel(session, anonymise_key(case))
        on_timeline(session, case, "reopened", "Case reopened")
        audit.changed(session, "reopen", "case", case.id, before, snapshot(case), reason=data["reason"])
        outbox.emit(session, "sustainment.case.reopened.v1", subject=str(case.id),
                    data={**case_ref(case), "risk_level": case.risk_level, "status": case.status})
        session.flush()
        session.refresh(case)
        audit_read(session, case)
        return case
