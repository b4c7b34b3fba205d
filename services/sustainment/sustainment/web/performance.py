"""``/app/performance``: the team leaders' performance figures for a date range, each a table (with
a chart where a trend matters) and a CSV file (``?format=csv&figure=<name>``) for a BI tool. The
figures are ``sustainment.cases.performance.report``'s, the same the API's ``/reports/performance`` gives."""

from __future__ import annotations

from casework.context import Principal
from casework.pages import officer_page
from casework.reports import performance_page as figures_page
from sustainment.cases import performance

from .blueprint import blueprint
from .common import helpers


@blueprint.get("/app/performance")
@officer_page(*performance.LEADERS)
def performance_page(me: Principal):
    return figures_page("sustainment/performance.html", report=performance.report, table=performance.table,
                        tables=performance.TABLES, csv_name="sustainment", caseloads=performance.caseloads,
                        **helpers())
