"""Performance reports: caseloads, cases past a deadline, outcomes of closed cases."""

from __future__ import annotations

from flask.views import MethodView
from sqlalchemy import func, select

from casework import audit
from casework.auth import roles
from casework.db import utcnow
from casework.problems import invalid
from casework.reports import BadRange, RangeArgs, date_range
from casework.web import Blueprint, db_session
from casework.workdays import london_today
from sustainment import rules
from sustainment.api.common import CASEWORKERS
from sustainment.cases import outcomes, overdue, performance
from sustainment.models import OPEN, Case
from sustainment.policy import current as policy
from sustainment.schemas import CaseloadRow, OutcomeArgs, OutcomeRow, OverdueRow, PerformanceReport, ReportArgs

blp = Blueprint("reports", __name__, url_prefix="/reports", description="Performance reporting.")

def _of_type(stmt, args):
    return stmt.where(Case.case_type == args["case_type"]) if "case_type" in args else stmt


@blp.route("/caseload")
class Caseload(MethodView):
    @roles(*CASEWORKERS)
    @blp.arguments(ReportArgs, location="query")
    @blp.response(200, CaseloadRow(many=True))
    def get(self, args):
        """Caseload by officer and risk level

        Cases not closed, counted per officer (null: not yet assigned) and risk level.
        """
        stmt = _of_type(select(Case.officer_id, Case.risk_level, func.count().label("cases")).where(OPEN), args)
        rows = db_session().execute(stmt.group_by(Case.officer_id, Case.risk_level)
                                    .order_by(Case.officer_id.nulls_first(), Case.risk_level)).all()
        order = {level: i for i, level in enumerate(rules.RISK_LEVELS)}
        return sorted((r._asdict() for r in rows), key=lambda r: (r["officer_id"] or "", order[r["risk_level"]]))


@blp.route("/overdue")
class Overdue(MethodView):
    @roles(*CASEWORKERS)
    @blp.arguments(ReportArgs, location="query")
    @blp.response(200, OverdueRow(many=True))
    @blp.paginate()
    def get(self, args, pagination_parameters):
        """Open cases past a deadline

        First contact, settling-in visit, visit outcomes, plan reviews and agency chases whose
        time has passed with the work undone, most overdue first; a page at a time (`page`,
        `page_size`: 10 by default, up to 100; the total in `X-Pagination`), as every list is. Each
        case on the page is audited as read.
        """
        session = db_session()
        rows = overdue.report(session, case_type=args.get("case_type"), policy=policy(), now=utcnow())
        pagination_parameters.item_count = len(rows)
        first = pagination_parameters.first_item
        page = rows[first:first + pagination_parameters.page_size]
        for case_id in dict.fromkeys(r["case_id"] for r in page):
            audit.read(session, "case", case_id)
        return page


@blp.route("/outcomes")
class Outcomes(MethodView):
    @roles(*CASEWORKERS)
    @blp.arguments(OutcomeArgs, location="query")
    @blp.response(200, OutcomeRow(many=True))
    def get(self, args):
        """Outcomes of closed cases

        By case type and month of closure: how many closed, the share sustained (tenancy
        sustained or moved on as planned) and the median days a case was open.
        """
        return outcomes.outcomes(db_session(), case_type=args.get("case_type"), closed_from=args.get("closed_from"),
                                 closed_to=args.get("closed_to"))


@blp.route("/performance")
class Performance(MethodView):
    @roles(*performance.LEADERS)
    @blp.arguments(RangeArgs, location="query")
    @blp.response(200, PerformanceReport)
    def get(self, args):
        """Performance figures for a date range

        The figures of the team leaders' page ``/app/performance`` (each also as CSV there):
        open cases by officer and risk; first contact within deadline by month; settling-in
        visits within 10 working days; closures by outcome; tenancies sustained 12 months after
        closure; average days from opening to first contact and to closure. Counts only, no
        personal data.
        """
        now = utcnow()
        try:
            span = date_range(args, london_today(now))
        except BadRange as bad:
            invalid(bad.field, bad.message)
        return performance.report(db_session(), span, now=now)
