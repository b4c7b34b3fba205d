"""Performance reporting: the team leaders' figures for a date range."""

from __future__ import annotations

import marshmallow as ma
from flask.views import MethodView
from marshmallow import fields

from casework.auth import roles
from casework.db import utcnow
from casework.problems import invalid
from casework.reports import BadRange, RangeArgs, date_range
from casework.web import Blueprint, db_session
from casework.web.fields import Date
from casework.workdays import london_today
from intake import performance

blp = Blueprint("reports", __name__, url_prefix="/reports", description="Performance reporting.")


class PerformanceReport(ma.Schema):
    """Intake's performance figures (``intake.performance``): counts only, no personal data."""

    from_ = Date(data_key="from", attribute="from")
    to = Date()
    received = fields.Integer(metadata={"description": "referrals received in the range"})
    received_by_month = fields.List(fields.Dict(), metadata={"description": "month, referrals"})
    by_source = fields.List(fields.Dict(), metadata={"description": "source, referrals, percent"})
    by_reason = fields.List(fields.Dict(), metadata={"description": "reason, referrals, percent (of referrals)"})
    triaged_within_deadline = fields.Dict(metadata={
        "description": "months: [month, referrals, within, percent, pending]; total"})
    outcomes = fields.Dict(metadata={"description": "triaged; rows: [outcome, referrals, percent]"})


@blp.route("/performance")
class Performance(MethodView):
    @roles(*performance.LEADERS)
    @blp.arguments(RangeArgs, location="query")
    @blp.response(200, PerformanceReport)
    def get(self, args):
        """Performance figures for a date range

        The figures of the team leaders' page ``/app/performance`` (each also as CSV there), for
        the referrals received in the range: by month, source and reason; triaged within deadline
        by month; accepted, rejected and signposted.
        """
        now = utcnow()
        try:
            span = date_range(args, london_today(now))
        except BadRange as bad:
            invalid(bad.field, bad.message)
        return performance.report(db_session(), span, now=now)
