"""The sustainment plan: goals and actions agreed with the tenant, each change a new version."""

from __future__ import annotations

import uuid

from flask.views import MethodView

from casework import audit
from casework.auth import current, roles
from casework.db import utcnow
from casework.web import Blueprint, db_session
from sustainment.api.common import CASEWORKERS, change_case, load_case, refusals
from sustainment.cases import plans
from sustainment.policy import current as policy
from sustainment.schemas import Plan as PlanSchema
from sustainment.schemas import PlanUpdate

blp = Blueprint("plans", __name__, url_prefix="/cases", description="Sustainment plans and their versions.")


@blp.route("/<uuid:case_id>/plan")
class CasePlan(MethodView):
    @roles(*CASEWORKERS)
    @blp.arguments(PlanUpdate, example={
        "goals": [{"title": "Clear the rent arrears", "category": "rent_arrears"}],
        "actions": [{"title": "Apply for Discretionary Housing Payment", "category": "income_and_benefits",
                     "owner": "tenant", "due_date": "2026-12-01"}],
        "review_date": "2027-02-01"})
    @blp.response(200, PlanSchema)
    @blp.alt_response(409, description="The case is closed.")
    @blp.alt_response(412, description="The case changed since it was read (If-Match).")
    def put(self, data, case_id: uuid.UUID):
        """Agree a new version of the plan

        Send the case's ETag (from GET /cases/{id}) as If-Match. Earlier versions are kept;
        the plan-review deadline moves to the new review date.
        """
        case = change_case(case_id)
        with refusals():
            return plans.agree_plan(db_session(), case, goals=data["goals"], actions=data["actions"],
                                    review_date=data.get("review_date"), by=current().sub, policy=policy(),
                                    now=utcnow())


@blp.route("/<uuid:case_id>/plan/versions")
class PlanVersions(MethodView):
    @roles(*CASEWORKERS)
    @blp.response(200, PlanSchema(many=True))
    def get(self, case_id: uuid.UUID):
        """List every version of the plan

        Oldest first. Audited as a read of the case.
        """
        case = load_case(case_id)
        audit.read(db_session(), "case", case.id)
        return case.plans
