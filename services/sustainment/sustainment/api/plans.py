"""The sustainment plan: goals and actions agreed with the tenant, each change a new version."""

from __future__ import annotations

import uuid

from flask.views import MethodView

from casework import audit, outbox
from casework.auth import current, roles
from casework.db import utcnow
from casework.web import Blueprint, db_session
from sustainment import deadlines, rules
from sustainment.api.common import CASEWORKERS, change_case, guard, load_case
from sustainment.journal import case_ref, on_timeline
from sustainment.models import Plan
from sustainment.policy import current as policy
from sustainment.schemas import Plan as PlanSchema
from sustainment.schemas import PlanUpdate

blp = Blueprint("plans", __name__, url_prefix="/cases", description="Sustainment plans and their versions.")


def _items(items: list[dict]) -> list[dict]:
    """Plan items as stored: every one with an id (kept from the last version when given), dates as ISO."""
    out = []
    for item in items:
        stored = {**item, "id": str(item.get("id") or uuid.uuid4())}
        if "due_date" in stored:
            stored["due_date"] = stored["due_date"].isoformat()
        out.append(stored)
    return out


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
        session = db_session()
        case = change_case(case_id)
        guard(case, "work")
        previous = case.plan
        review_date = data.get("review_date") or rules.default_review_date(utcnow().date(), policy())
        plan = Plan(case_id=case.id, version=(previous.version + 1) if previous else 1, status="agreed",
                    goals=_items(data["goals"]), actions=_items(data["actions"]), review_date=review_date,
                    agreed_by=current().sub, created_at=utcnow())
        session.add(plan)
        session.flush()
        deadlines.schedule_plan_review(session, case, plan)
        on_timeline(session, case, "plan_agreed", f"Plan version {plan.version} agreed", plan.version)
        audit.changed(session, "agree_plan", "case", case.id,
                      PlanSchema().dump(previous) if previous else None, PlanSchema().dump(plan))
        outbox.emit(session, "sustainment.plan.agreed.v1", subject=str(case.id), data={
            **case_ref(case), "plan_version": plan.version, "review_date": plan.review_date,
            "actions": len(plan.actions),
        })
        return plan


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
