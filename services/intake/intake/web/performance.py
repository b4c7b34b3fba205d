"""``/app/performance``: the team leaders' intake figures for a date range, each a table (with a
chart where a trend matters) and a CSV file (``?format=csv&figure=<name>``) for a BI tool. The
figures are ``intake.performance.report``'s, the same the API's ``/reports/performance`` gives."""

from __future__ import annotations

from flask import request

from casework.context import Principal
from casework.db import utcnow
from casework.pages import officer_page, render
from casework.reports import BadRange, csv_response, date_range
from casework.web import abort, db_session
from casework.workdays import london_today
from intake import performance

from . import wording
from .blueprint import blueprint


@blueprint.get("/app/performance")
@officer_page(*performance.LEADERS)
def performance_page(me: Principal):
    now = utcnow()
    bad = None
    try:
        span = date_range(request.args, london_today(now))
    except BadRange as refused:
        bad, span = refused, date_range({}, london_today(now))
    found = performance.report(db_session(), span, now=now)
    figure = request.args.get("figure", "")
    if request.args.get("format") == "csv" and bad is None:
        if figure not in performance.TABLES:
            abort(404, "No such figure")
        return csv_response(performance.table(found, figure), performance.TABLES[figure],
                            f"intake-{figure.replace('_', '-')}-{span.start}-{span.end}")
    return render("intake/performance.html", 422 if bad else 200, report=found, span=span, bad=bad, wording=wording)
