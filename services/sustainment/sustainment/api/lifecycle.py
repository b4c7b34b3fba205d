"""A case's lifecycle: assignment, risk changes, closure with an outcome, reopening."""

from __future__ import annotations

import uuid

from flask.views import MethodView

from casework.auth import current, roles
from casework.db import utcnow
from casework.web import Blueprint, db_session
from sustainment.api.common import CASEWORKERS, as_changed, change_case, refusals
from sustainment.cases import assignment, closure, risk
from sustainment.policy import current as policy
from sustainment.schemas import AssignmentCreate, Closure, Reopening, RiskChangeCreate
from sustainment.sensitivity import CaseDetailRead

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
        case = change_case(case_id)
        with refusals():
            assignment.assign(db_session(), case, officer_id=data["officer_id"], by=current().sub, now=utcnow())
        return as_changed(case)


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
        case = change_case(case_id)
        with refusals():
            risk.change_risk(db_session(), case, risk_level=data["risk_level"], reason=data["reason"],
                             by=current().sub, now=utcnow())
        return as_changed(case)


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
        case = change_case(case_id)
        with refusals():
            closure.close(db_session(), case, outcome=data["outcome"], summary=data["summary"], policy=policy(),
                          now=utcnow())
        return as_changed(case)


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
        case = change_case(case_id)
        with refusals():
            closure.reopen(db_session(), case, reason=data["reason"])
        return as_changed(case)
