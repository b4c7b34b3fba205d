"""Caseloads: an officer's open cases, what needs doing first at the top; the team's for leaders."""

from __future__ import annotations

from flask.views import MethodView

from casework.auth import roles
from casework.db import utcnow
from casework.web import Blueprint, db_session
from sustainment.api.common import CASEWORKERS, refusals
from sustainment.cases import reading
from sustainment.policy import current as policy
from sustainment.schemas import CaseloadArgs, CaseloadEntry, ReportArgs, TeamCaseload

blp = Blueprint("caseload", __name__, url_prefix="/caseload", description="Officers' and the team's caseloads.")


@blp.route("")
class Caseload(MethodView):
    @roles(*CASEWORKERS)
    @blp.arguments(CaseloadArgs, location="query")
    @blp.response(200, CaseloadEntry(many=True))
    def get(self, args):
        """My caseload

        Your open cases (or, for team leaders, another officer's with `officer_id`): risk, first
        contact due or overdue, the next visit, the next plan action due and the soonest deadline,
        ordered by what needs doing first (the most overdue at the top, then by risk). Every case
        listed is audited as read.
        """
        with refusals():
            return reading.caseload(db_session(), officer_id=args.get("officer_id"), policy=policy(), now=utcnow())


@blp.route("/team")
class TeamCaseloadView(MethodView):
    @roles("team_leader")
    @blp.arguments(ReportArgs, location="query")
    @blp.response(200, TeamCaseload)
    @blp.paginate()
    def get(self, args, pagination_parameters):
        """The team's caseload

        For team leaders: the open cases no officer has yet, what needs doing first at the top, a
        page at a time (`page`, `page_size`: 10 by default, up to 100; how many in all in
        `X-Pagination`), each on the page audited as read; and each officer's open cases by risk
        level with how many have a deadline past.
        """
        with refusals():
            team = reading.team_caseload(db_session(), case_type=args.get("case_type"),
                                         page=pagination_parameters.page, page_size=pagination_parameters.page_size,
                                         policy=policy(), now=utcnow())
        pagination_parameters.item_count = team.unassigned_count
        return team
