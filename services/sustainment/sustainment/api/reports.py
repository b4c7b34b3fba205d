"""Performance reports: caseloads, cases past a deadline, outcomes of closed cases."""

from __future__ import annotations

import datetime as dt

from flask.views import MethodView
from sqlalchemy import func, select
from sqlalchemy.orm import aliased

from casework import audit
from casework.auth import roles
from casework.db import utcnow
from casework.problems import invalid
from casework.reports import BadRange, RangeArgs, date_range
from casework.web import Blueprint, db_session
from casework.workdays import london_today
from sustainment import rules
from sustainment.api.common import CASEWORKERS
from sustainment.cases import outcomes, performance
from sustainment.models import AgencyReferral, Case, Plan, Visit
from sustainment.policy import current as policy
from sustainment.schemas import CaseloadRow, OutcomeArgs, OutcomeRow, OverdueRow, PerformanceReport, ReportArgs

blp = Blueprint("reports", __name__, url_prefix="/reports", description="Performance reporting.")

OPEN = Case.status != "closed"


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


def _row(case: Case, deadline: str, due: dt.datetime, related_id=None) -> dict:
    return {"case_id": case.id, "reference": case.reference, "case_type": case.case_type,
            "officer_id": case.officer_id, "risk_level": case.risk_level, "deadline": deadline,
            "due": due, "related_id": str(related_id) if related_id is not None else None}


def _overdue(session, args, now: dt.datetime) -> list[dict]:
    found: list[dict] = []
    cases = _of_type(select(Case).where(OPEN), args)
    for case in session.scalars(cases.where(Case.first_contact_at.is_(None), Case.first_contact_due < now)):
        found.append(_row(case, "first_contact", case.first_contact_due))
    settled = (select(Visit.id).where(Visit.case_id == Case.id, Visit.kind == "settling_in",
                                      Visit.status == "completed").exists())
    for case in session.scalars(cases.where(Case.settling_in_due < now, ~settled)):
        found.append(_row(case, "settling_in_visit", case.settling_in_due))
    visits = session.execute(_of_type(select(Case, Visit).join(Visit, Visit.case_id == Case.id)
                                      .where(OPEN, Visit.status == "scheduled", Visit.scheduled_for < now), args))
    for case, visit in visits:
        due = rules.visit_outcome_due(visit.scheduled_for, policy())
        if due < now:
            found.append(_row(case, "visit", due, visit.id))
    # The current plan of each open case: none later (the open cases' plans only, not five years').
    later = aliased(Plan)
    current = ~select(later.id).where(later.case_id == Plan.case_id, later.version > Plan.version).exists()
    plans = session.execute(_of_type(
        select(Case, Plan).join(Plan, Plan.case_id == Case.id)
        .where(OPEN, Plan.review_date < london_today(now), current), args))
    for case, plan in plans:
        found.append(_row(case, "plan_review", rules.close_of_business(plan.review_date), plan.version))
    chases = session.execute(_of_type(
        select(Case, AgencyReferral).join(AgencyReferral, AgencyReferral.case_id == Case.id)
        .where(OPEN, AgencyReferral.status.in_(("sent", "acknowledged")), AgencyReferral.chase_by < london_today(now)),
        args))
    for case, referral in chases:
        found.append(_row(case, "agency_chase", rules.close_of_business(referral.chase_by), referral.id))
    return sorted(found, key=lambda r: (r["due"], r["reference"]))


@blp.route("/overdue")
class Overdue(MethodView):
    @roles(*CASEWORKERS)
    @blp.arguments(ReportArgs, location="query")
    @blp.response(200, OverdueRow(many=True))
    def get(self, args):
        """Open cases past a deadline

        First contact, settling-in visit, visit outcomes, plan reviews and agency chases whose
        time has passed with the work undone, most overdue first. Each case listed is audited as read.
        """
        session = db_session()
        rows = _overdue(session, args, utcnow())
        for case_id in {r["case_id"] for r in rows}:
            audit.read(session, "case", case_id)
        return rows


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
