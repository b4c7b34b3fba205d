"""``/app/performance``: the lettings managers' figures for a period (live void ageing, void days
and rent loss per let by month, offers and refusals, lets by band, the register by band and
bedroom need), each a table, the monthly trends also as SVG charts, each as CSV
(``/app/performance/{figure}.csv``). Lettings officers see it too: the same figures the API gives them."""

from __future__ import annotations

from flask import Response, abort, request
from marshmallow import ValidationError

from casework.context import Principal
from casework.pages import officer_page, render
from casework.web import db_session
from casework.workdays import london_today
from lettings.access import OFFICERS
from lettings.letting import reporting
from lettings.policy import current as policy
from lettings.schemas.reports import Period

from .blueprint import blueprint
from .charts import bar_chart


def _period() -> tuple[dict, dict]:
    args = {k: v for k, v in request.args.items() if v != "" and k in ("from", "to")}
    try:
        return Period().load(args), {}
    except ValidationError as exc:
        return Period().load({}), exc.messages


@blueprint.get("/app/performance")
@officer_page(*OFFICERS)
def performance(me: Principal):
    period, errors = _period()
    figures = reporting.performance(db_session(), today=london_today(), date_from=period["date_from"],
                                    date_to=period["date_to"], bands=policy().bands, refusal_reasons=policy().refusal_reasons)
    charts = {"days": bar_chart(figures["void_months"], "month", "void_days_per_let",
                                title="Void days per let, by month"),
              "loss": bar_chart(figures["void_months"], "month", "rent_loss_per_let",
                                title="Rent loss per let (£), by month")}
    return render("lettings/performance/index.html", 422 if errors else 200, figures=figures, charts=charts,
                  errors=errors, asked=request.args, stage_names=reporting.STAGE_NAMES)


@blueprint.get("/app/performance/<figure>.csv")
@officer_page(*OFFICERS)
def performance_csv(me: Principal, figure: str):
    period, _ = _period()
    try:
        text = reporting.performance_csv(db_session(), figure, today=london_today(), date_from=period["date_from"],
                                         date_to=period["date_to"], bands=policy().bands, refusal_reasons=policy().refusal_reasons)
    except KeyError:
        abort(404)
    return Response(text, mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="lettings-{figure}.csv"'})
