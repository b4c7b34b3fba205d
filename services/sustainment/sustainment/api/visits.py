"""Home visits, welfare checks and settling-in visits: scheduled, then their outcome recorded."""

from __future__ import annotations

import uuid

from flask.views import MethodView
from sqlalchemy.orm import Session

from casework import audit, outbox, timers
from casework.auth import current, roles
from casework.db import utcnow
from casework.web import Blueprint, abort, db_session
from sustainment import deadlines, rules
from sustainment.api.common import CASEWORKERS, guard, load_case
from sustainment.api.contacts import record_first_contact
from sustainment.journal import case_ref, on_timeline
from sustainment.models import Case, RiskChange, Visit
from sustainment.policy import current as policy
from sustainment.schemas import Visit as VisitSchema
from sustainment.schemas import VisitCreate, VisitOutcome
from sustainment.sensitivity import VisitRead, audit_read

#: What the audit log keeps of a visit: no narrative (see ``common.snapshot``).
AUDITED = VisitSchema(exclude=("notes",))

blp = Blueprint("visits", __name__, url_prefix="/cases", description="Home visits and welfare checks.")


def _visit_data(case: Case, visit: Visit) -> dict:
    return {**case_ref(case), "visit_id": visit.id, "kind": visit.kind, "scheduled_for": visit.scheduled_for}


def _load_visit(case: Case, visit_id: uuid.UUID, *, for_update: bool = False) -> Visit:
    session = db_session()
    visit = session.get(Visit, visit_id, with_for_update=True) if for_update else session.get(Visit, visit_id)
    if visit is None or visit.case_id != case.id:
        abort(404, "There is no such visit on this case.")
    return visit


def _after_no_access(session: Session, case: Case) -> None:
    """Three no-access visits in a row raise the risk one level and alert the team leader."""
    if not rules.escalates_no_access(case.consecutive_no_access, policy()):
        return
    previous, case.risk_level = case.risk_level, rules.raised(case.risk_level)
    session.add(RiskChange(case_id=case.id, from_level=previous, to_level=case.risk_level, cause="no_access_visits",
                           reason=f"{case.consecutive_no_access} no-access visits in a row",
                           changed_by=current().sub, changed_at=utcnow()))
    on_timeline(session, case, "risk_changed",
                f"{case.consecutive_no_access} no-access visits in a row: risk {previous} to {case.risk_level}")
    outbox.emit(session, "sustainment.risk.changed.v1", subject=str(case.id), data={
        **case_ref(case), "from_level": previous, "to_level": case.risk_level, "cause": "no_access_visits",
        "team_leader_alert": True,
    })


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
        session = db_session()
        case = load_case(case_id, for_update=True)
        guard(case, "work")
        visit = Visit(case_id=case.id, kind=data["kind"], scheduled_for=data["scheduled_for"],
                      scheduled_by=current().sub, status="scheduled")
        session.add(visit)
        session.flush()
        deadlines.schedule_visit(session, case, visit)
        on_timeline(session, case, "visit_scheduled", f"{visit.kind.replace('_', ' ').capitalize()} scheduled",
                    visit.id)
        audit.changed(session, "schedule_visit", "case", case.id, None, {"visit": AUDITED.dump(visit)})
        outbox.emit(session, "sustainment.visit.scheduled.v1", subject=str(case.id), data=_visit_data(case, visit))
        return visit


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
        session = db_session()
        case = load_case(case_id, for_update=True)
        visit = _load_visit(case, visit_id, for_update=True)
        guard(case, "work")
        if visit.status != "scheduled":
            abort(409, f"This visit's outcome was already recorded ({visit.status}).")
        before = AUDITED.dump(visit)
        visit.status = data["outcome"]
        visit.notes = data["notes"]
        visit.risks_identified = data["risks_identified"]
        visit.recorded_at = utcnow()
        visit.recorded_by = current().sub
        timers.cancel(session, deadlines.visit_key(visit))
        on_timeline(session, case, "visit_recorded",
                    f"{visit.kind.replace('_', ' ').capitalize()}: {visit.status.replace('_', ' ')}", visit.id)
        if visit.status != "cancelled":
            case.consecutive_no_access = rules.consecutive_no_access_after(case.consecutive_no_access, visit.status)
        if visit.status == "completed":
            if visit.kind == "settling_in":
                timers.cancel(session, deadlines.settling_in_key(case))
            if case.status == "allocated":
                record_first_contact(session, case, min(visit.scheduled_for, visit.recorded_at))
        audit.changed(session, "record_visit", "case", case.id, {"visit": before},
                      {"visit": AUDITED.dump(visit)})
        outbox.emit(session, "sustainment.visit.recorded.v1", subject=str(case.id), data={
            **_visit_data(case, visit), "outcome": visit.status,
            "consecutive_no_access": case.consecutive_no_access,
        })
        if visit.status == "no_access":
            _after_no_access(session, case)
        return visit
