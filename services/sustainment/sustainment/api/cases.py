"""Cases: the caseload list, one case with everything on it, and its audit trail."""

from __future__ import annotations

import uuid

from flask.views import MethodView
from sqlalchemy import select

from casework import audit, records
from casework.auth import roles
from casework.db import utcnow
from casework.literal import text_of
from casework.web import Blueprint, SelectPage, db_session
from casework.web.pagination import counted, read_page
from sustainment.api.common import CASEWORKERS, load_case, refusals
from sustainment.cases import reading
from sustainment.models import CASE_REFERENCE, Case
from sustainment.policy import current as policy
from sustainment.schemas import Case as CaseSchema
from sustainment.schemas import CaseQueryArgs, CaseRead
from sustainment.schemas import ClosureCheck as ClosureCheckSchema
from sustainment.schemas import Deadline as DeadlineSchema
from sustainment.sensitivity import CaseDetailRead

blp = Blueprint("cases", __name__, url_prefix="/cases", description="Tenancy-sustainment and onboarding cases.")

FILTERS = ("referral_id", "tenancy_ref", "officer_id")
#: Filters whose values are our own constants: written in the SQL (``casework.literal.text_of``), so a
#: prepared statement is planned for the value asked for. Planned for any value, critical active
#: cases (a few hundred of 200,000) were looked for along the whole number index.
CONSTANTS = ("status", "risk_level", "case_type")


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
        for name in CONSTANTS:
            if name in args:
                stmt = stmt.where(getattr(Case, name) == text_of(args[name]))
        if "reference" in args:
            stmt = stmt.where(records.reference_is(CASE_REFERENCE, args["reference"]))
        # Counted up to the kernel's cap, as every list is: counting all 192,649 closed cases of a
        # large council for each page cost more than reading the page (bench/NOTES.md, sustainment).
        pagination_parameters.item_count = counted(session, stmt)
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

        By id; the case with its current plan, visits, agency referrals, contacts, notes, risk
        changes, assignment history and timeline. The ETag changes with any change to any of it: send it as If-Match to
        change the plan.

        Safeguarding and health details are restricted to the case's officer, team leaders and
        admins (each such read audited as `read_restricted`); others get them left out and named
        in `restricted`, unless they give a `break_glass_reason`: that read is audited as
        `break_glass` and the sustainment team's manager is told.
        """
        with refusals():
            view = reading.read_case(db_session(), case_id, break_glass_reason=args.get("break_glass_reason"),
                                     policy=policy(), now=utcnow())
        # The version a change is checked against, whatever the body's size (a long-lived case's
        # body can pass the size above which the kernel would give a weak ETag over its bytes) and
        # also after a break-glass read.
        return view.case, 200, {"ETag": view.version}


@blp.route("/<uuid:case_id>/deadlines")
class CaseDeadlines(MethodView):
    @roles(*CASEWORKERS)
    @blp.response(200, DeadlineSchema(many=True))
    def get(self, case_id: uuid.UUID):
        """What is due on a case

        First contact, the settling-in visit, visit outcomes, open plan actions, the plan review and
        agency chases not yet answered, soonest first, each marked `overdue` once its time has
        passed. None on a closed case. Audited as a read of the case.
        """
        with refusals():
            return reading.read_deadlines(db_session(), case_id, policy=policy(), now=utcnow())


@blp.route("/<uuid:case_id>/closure-check")
class CaseClosureCheck(MethodView):
    @roles(*CASEWORKERS)
    @blp.response(200, ClosureCheckSchema)
    def get(self, case_id: uuid.UUID):
        """Before closing a case

        Whether it may be closed now (`refusal` says why not) and what is still open on it: plan
        actions, visits not recorded, agencies that have not answered. Closing does not wait for
        them; the officer confirming the closure is shown them. Audited as a read of the case.
        """
        with refusals():
            return reading.read_closure_check(db_session(), case_id)


@blp.route("/<uuid:case_id>/audit")
class CaseAudit(MethodView):
    @roles("team_leader")
    @blp.response(200, audit.AuditEntrySchema(many=True))
    @blp.paginate(SelectPage)
    def get(self, case_id: uuid.UUID):
        """Read a case's audit trail

        Every change and read of the case, newest first, a page at a time (team leaders only).
        Reading the trail is audited too.
        """
        case = load_case(case_id)
        audit.read(db_session(), "case_audit", case.id)
        return audit.newest_first("case", case.id)
