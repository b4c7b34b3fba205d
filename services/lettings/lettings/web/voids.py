"""``/app/voids``: every home standing empty now, the longest first, with where each stands and
the rent lost to date; filtered by stage and bedrooms, paged, and as CSV (``/app/voids.csv``)."""

from __future__ import annotations

from flask import Response, request
from marshmallow import ValidationError

from casework.context import Principal
from casework.pages import officer_page, render
from casework.web import db_session
from casework.workdays import london_today
from lettings.access import OFFICERS
from lettings.letting import reporting
from lettings.schemas.reports import LiveVoidQuery

from .blueprint import blueprint


def _query() -> tuple[dict, dict]:
    args = {k: v for k, v in request.args.items() if v != ""}
    try:
        return LiveVoidQuery().load(args), {}
    except ValidationError as exc:
        return LiveVoidQuery().load({}), exc.messages


@blueprint.get("/app/voids")
@officer_page(*OFFICERS)
def voids(me: Principal):
    query, errors = _query()
    found = reporting.live_voids(db_session(), today=london_today(), stage=query["stage"],
                                 bedrooms=query["bedrooms"], page=query["page"])
    return render("lettings/voids/index.html", 422 if errors else 200, found=found, errors=errors,
                  asked=request.args, stages=reporting.STAGES, stage_names=reporting.STAGE_NAMES)


@blueprint.get("/app/voids.csv")
@officer_page(*OFFICERS)
def voids_csv(me: Principal):
    query, errors = _query()
    text = reporting.live_voids_csv(db_session(), today=london_today(), stage=query["stage"],
                                    bedrooms=query["bedrooms"])
    return Response(text, mimetype="text/csv", headers={"Content-Disposition": 'attachment; filename="live-voids.csv"'})
