"""The agency directory: agencies imported from an Open Referral UK export, and set up by an admin."""

from __future__ import annotations

import uuid

from flask import request
from flask.views import MethodView

from casework.auth import roles
from casework.db import utcnow
from casework.web import Blueprint, abort, db_session
from sustainment import directory
from sustainment.api.common import CASEWORKERS, refusals
from sustainment.schemas import Agency, AgencyImport, AgencyQueryArgs, AgencySetUp

blp = Blueprint("agencies", __name__, url_prefix="/agencies",
                description="The agencies officers refer tenants to (Open Referral UK services).")


@blp.route("")
class Agencies(MethodView):
    @roles(*CASEWORKERS)
    @blp.arguments(AgencyQueryArgs, location="query")
    @blp.response(200, Agency(many=True))
    def get(self, args):
        """List the agency directory

        By organisation and service name; agencies no longer offered only with `include_inactive`.
        """
        return directory.listed(db_session(), active_only=not args["include_inactive"])


@blp.route("/import")
class AgencyImportResource(MethodView):
    @roles("admin")
    @blp.response(200, AgencyImport)
    @blp.alt_response(422, description="The export has problems (each named by field): nothing was imported.")
    def post(self):
        """Import an Open Referral UK export

        The body is an ORUK export: what `GET /services` of an ORUK API gives (`{"content": [service, …]}`),
        or a list of services, each with its `organization`, `contacts` and `eligibilitys`. A service
        already in the directory (by its ORUK `id`) is updated; the council's settings for it are kept.
        All or nothing.
        """
        export = request.get_json(silent=True)
        if export is None:
            abort(400, "The body must be an Open Referral UK export in JSON.")
        try:
            return directory.import_export(db_session(), export, now=utcnow())
        except directory.ExportProblems as exc:
            abort(422, str(exc), errors=exc.errors)


@blp.route("/<uuid:agency_id>")
class AgencyById(MethodView):
    @roles(*CASEWORKERS)
    @blp.response(200, Agency)
    def get(self, agency_id: uuid.UUID):
        """Read an agency

        Its organisation, service, contact and eligibility, and the council's settings for it.
        """
        with refusals():
            return directory.find(db_session(), agency_id)

    @roles("admin")
    @blp.arguments(AgencySetUp)
    @blp.response(200, Agency)
    def patch(self, data, agency_id: uuid.UUID):
        """Set up an agency

        Its chase period, how referrals are sent to it (`email`, or `webhook` with its URL and the
        secret it checks signatures with), whether its referrals' reasons are restricted details,
        whether officers may choose it.
        """
        with refusals():
            agency = directory.find(db_session(), agency_id, for_update=True)
            return directory.set_up(db_session(), agency, data, now=utcnow())
