"""Cases: the caseload list, one case with everything on it, and its audit trail."""

from __future__ import annotations

import uuid

from flask.views import MethodView
from sqlalchemy import func, select

from casework import audit, records
from casework.auth import roles
from casework.web import Blueprint, db_session
from casework.web.pagination import read_page
from sustainment import sensitivity
from sustainment.api.common import CASEWORKERS, load_case
from sustainment.models import CASE_REFERENCE, Case
from sustainment.schemas import Case as CaseSchema
from sustainment.schemas import CaseQueryArgs, CaseRead
from sustainment.sensitivity import CaseDetailRead

blp = Blueprint("cases", __name__, url_prefix="/cases", description="Tenancy-sustainment and onboarding cases.")

FILTERS = ("referral_id", "tenancy_ref", "officer_id", "status", "risk_level", "case_type")


@blp.route("")
class Cases(MethodView):
    @roles(*CASEWORKERS)
    @blp.arguments(CaseQueryArgs, location="query")
    @blp.response(200, CaseSchema(many=True))
    @blp.paginate()
    def get(self, args, pagination_parameters):
        """List cases

        Filter by the fields officers work by (`reference` is the case's, `S-000045`); oldest
        first. Every case listed is audited as read.
        """
        session = db_session()
        stmt = select(Case)
        for name in FILTERS:
            if name in args:
                stmt = stmt.where(getattr(Case, name) == args[name])
        if "reference" in args:
            stmt = stmt.where(records.reference_is(CASE_REFERENCE, args["reference"]))
        pagination_parameters.item_count = session.scalar(select(func.count()).select_from(stmt.subquery()))
        page = read_page(stmt.order_by(Case.number), pagination_parameters)
        for case in page:
            audit.read(session, "case", case.id)
        return page


@blp.route("/<uuid:case_id>")
class CaseById(MethodView):
    @roles(*CASEWORKERS)
    @blp.arguments(CaseRead, location="query")
    @blp.response(200, CaseDetailRead)
    def get(self, args, case_id: uuid.UUID):
        """Read a case

        The case with its current plan, visits, agency referrals, contacts, notes, assignment
        history and timeline. The ETag covers all of it: send it as If-Match to change the plan.

        Safeguarding and health details are restricted to the case's officer, team leaders and
        admins (each such read audited as `read_restricted`); others get them left out and named
        in `restricted`, unless they give a `break_glass_reason`: that read is audited as
        `break_glass` and the sustainment team's manager is told.
        """
        session = db_session()
        case = load_case(case_id)
        audit.read(session, "case", case.id)
        reason = args.get("break_glass_reason")
        if reason and not sensitivity.may_see(case):
            sensitivity.decide(case, break_glass=True)
            sensitivity.audit_read(session, case, reason=reason)
        else:
            sensitivity.audit_read(session, case)
        return case


@blp.route("/<uuid:case_id>/audit")
class CaseAudit(MethodView):
    @roles("team_leader")
    @blp.response(200, audit.AuditEntrySchema(many=True))
    def get(self, case_id: uuid.UUID):
        """Read a case's audit trail

        Every change and read of the case, oldest first (team leaders only). Reading the trail is audited too.
        """
        session = db_session()
        case = load_case(case_id)
        entries = audit.trail(session, "case", case.id)
        audit.read(session, "case_audit", case.id)
        return entries
