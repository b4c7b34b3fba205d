"""Tenancies: read one by its reference, and end it (its home falls void again)."""

from flask.views import MethodView
from sqlalchemy import select

from casework import records
from casework.auth import roles
from casework.web import Blueprint, SelectPage, db_session
from lettings.access import OFFICERS
from lettings.api.common import get_tenancy, refusals
from lettings.letting import tenancies
from lettings.models import Tenancy as TenancyRow
from lettings.schemas.offers import Tenancy, TenancyEnd, TenancyQueryArgs

blp = Blueprint("tenancies", __name__, url_prefix="/tenancies", description="Tenancies, from sign-up to their end.")


@blp.route("")
class Tenancies(MethodView):
    @roles(*OFFICERS)
    @blp.arguments(TenancyQueryArgs, location="query")
    @blp.response(200, Tenancy(many=True))
    @blp.paginate(SelectPage)
    def get(self, args):
        """List tenancies

        Newest first; filter by `reference` (`T-000012`), home, applicant and whether current."""
        stmt = select(TenancyRow).order_by(TenancyRow.tenancy_start.desc(), TenancyRow.reference.desc())
        for name in ("property_id", "applicant_id"):
            if name in args:
                stmt = stmt.where(getattr(TenancyRow, name) == args[name])
        if "reference" in args:
            stmt = stmt.where(records.reference_is(TenancyRow.reference, args["reference"]))
        if "current" in args:
            stmt = stmt.where(TenancyRow.end_date.is_(None) if args["current"] else TenancyRow.end_date.is_not(None))
        return stmt


@blp.route("/<string:tenancy_ref>")
class TenancyRecord(MethodView):
    @roles(*OFFICERS)
    @blp.response(200, Tenancy)
    def get(self, tenancy_ref):
        """Read a tenancy by its reference (T-000012)"""
        return get_tenancy(tenancy_ref)


@blp.route("/<string:tenancy_ref>/end")
class TenancyEnding(MethodView):
    @roles(*OFFICERS)
    @blp.arguments(TenancyEnd)
    @blp.response(200, Tenancy)
    @blp.alt_response(409, description="The tenancy has ended already.")
    def post(self, data, tenancy_ref):
        """End a tenancy

        The home's next void starts on the end date, with the end's reason as the void's (unless the
        home was recorded void already), so it can be advertised and let again. Audited."""
        tenancy = get_tenancy(tenancy_ref, lock=True)
        with refusals():
            tenancies.end_tenancy(db_session(), tenancy, end_date=data["end_date"], reason=data["reason"])
        return tenancy
