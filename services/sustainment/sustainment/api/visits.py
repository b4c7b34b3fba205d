"""Home visits, welfare checks and settling-in visits: scheduled, then their outcome recorded."""

from __future__ import annotations

import uuid

from flask.views import MethodView

from casework import audit
from casework.auth import current, roles
from casework.db import utcnow
from casework.web import Blueprint, db_session
from sustainment.api.common import CASEWORKERS, load_case, refusals
from sustainment.cases import reading, visits
from sustainment.models import Case, Visit
from sustainment.policy import current as policy
from sustainment.schemas import VisitCreate, VisitMade, VisitOutcome
from sustainment.sensitivity import VisitRead, audit_read

blp = Blueprint("visits", __name__, url_prefix="/cases", description="Home visits and welfare checks.")


def _load_visit(case: Case, visit_id: uuid.UUID, *, for_update: bool = False) -> Visit:
    with refusals():
        return reading.find_visit(db_session(), case, visit_id, for_update=for_update)


@blp.route("/<uuid:case_id>/visits")
class Visits(MethodView):
    @roles(*CASEWORKERS)
    @blp.response(200, VisitRead(many=True))
    def get(self, case_id: uuid.UUID):
        """List a case's visits

        In the order they were scheduled for. Audited as a read of the case.
        """
        case = load_case(case_id)
        audit.read(db_session(), "case", case.id)
        audit_read(db_session(), case, within="visits")
        return case.visits

    @roles(*CASEWORKERS)
    @blp.arguments(VisitCreate, example={"kind": "home_visit", "scheduled_for": "2026-11-10T10:00:00Z"})
    @blp.response(201, VisitRead)
    @blp.alt_response(409, description="The case is closed.")
    def post(self, data, case_id: uuid.UUID):
        """Schedule a visit

        Its outcome is due by close of business the next working day after the visit time,
        or a deadline.missed event is raised.
        """
        case = load_case(case_id, for_update=True)
        with refusals():
            return visits.schedule_visit(db_session(), case, kind=data["kind"], scheduled_for=data["scheduled_for"],
                                         by=current().sub, policy=policy())


@blp.route("/<uuid:case_id>/visits/made")
class VisitsMade(MethodView):
    @roles(*CASEWORKERS)
    @blp.arguments(VisitMade, example={"kind": "home_visit", "visited_at": "2026-11-09T14:30:00Z",
                                       "outcome": "completed", "notes": "Tenant at home.", "risks_identified": []})
    @blp.response(201, VisitRead)
    @blp.alt_response(409, description="The case is closed.")
    def post(self, data, case_id: uuid.UUID):
        """Record a visit already made

        One step for a visit that has happened (`visited_at` not later than now, not before the case
        opened): completed or no_access, with notes and risks identified. No outcome deadline is set,
        so no deadline.missed is raised for it. A completed visit on an allocated case is the first
        contact; it counts towards three no-access visits in a row like any other.
        """
        case = load_case(case_id, for_update=True)
        with refusals():
            return visits.record_visit_made(
                db_session(), case, kind=data["kind"], visited_at=data["visited_at"], outcome=data["outcome"],
                notes=data["notes"], risks_identified=data["risks_identified"], by=current().sub, policy=policy(),
                now=utcnow())


@blp.route("/<uuid:case_id>/visits/<uuid:visit_id>")
class VisitById(MethodView):
    @roles(*CASEWORKERS)
    @blp.response(200, VisitRead)
    def get(self, case_id: uuid.UUID, visit_id: uuid.UUID):
        """Read a visit

        Audited as a read of the case.
        """
        case = load_case(case_id)
        visit = _load_visit(case, visit_id)
        audit.read(db_session(), "case", case.id)
        audit_read(db_session(), case, within="visits")
        return visit


@blp.route("/<uuid:case_id>/visits/<uuid:visit_id>/outcome")
class VisitOutcomeRecord(MethodView):
    @roles(*CASEWORKERS)
    @blp.arguments(VisitOutcome)
    @blp.response(200, VisitRead)
    @blp.alt_response(409, description="The outcome was already recorded, or the case is closed.")
    def post(self, data, case_id: uuid.UUID, visit_id: uuid.UUID):
        """Record a visit's outcome

        completed, no_access or cancelled. A completed visit on an allocated case is the first
        contact; three no-access visits in a row raise the risk and alert the team leader.
        """
        case = load_case(case_id, for_update=True)
        visit = _load_visit(case, visit_id, for_update=True)
        with refusals():
            return visits.record_outcome(db_session(), case, visit, outcome=data["outcome"], notes=data["notes"],
                                         risks_identified=data["risks_identified"], by=current().sub,
                                         policy=policy(), now=utcnow())
