"""The housing register: applicants and their households."""

from flask.views import MethodView
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from casework import records
from casework.auth import current, roles
from casework.db import utcnow
from casework.web import Blueprint, SelectPage, db_session, load_for_update
from lettings.access import OFFICERS
from lettings.api.common import get_applicant, refusals
from lettings.letting import applicant_changes, register, statuses
from lettings.models import Applicant
from lettings.policy import current as current_policy
from lettings.schemas.applicant_changes import ApplicantChange, BandHistoryEntry
from lettings.schemas.applicants import Applicant as ApplicantSchema
from lettings.schemas.applicants import ApplicantCreate, ApplicantQueryArgs, Household
from lettings.schemas.statuses import ApplicantStatusChange

blp = Blueprint("applicants", __name__, url_prefix="/applicants", description="The housing register.")


@blp.route("")
class Applicants(MethodView):
    @roles(*OFFICERS)
    @blp.arguments(ApplicantQueryArgs, location="query")
    @blp.response(200, ApplicantSchema(many=True))
    @blp.paginate(SelectPage)
    def get(self, args):
        """List applicants on the register

        Filter by band, status, bedroom need and `reference` (`A-000012`); ordered by reference."""
        # Each applicant's household in one query for the page, not one an applicant.
        stmt = select(Applicant).options(selectinload(Applicant.household)).order_by(Applicant.reference)
        for name in ("band", "status", "bedroom_need"):
            if name in args:
                stmt = stmt.where(getattr(Applicant, name) == args[name])
        if "reference" in args:
            stmt = stmt.where(records.reference_is(Applicant.reference, args["reference"]))
        return stmt

    @roles(*OFFICERS)
    @blp.arguments(ApplicantCreate)
    @blp.response(201, ApplicantSchema)
    def post(self, data):
        """Register an applicant

        The household's `bedroom_need` is computed by the bedroom standard (children paired optimally)."""
        with refusals():
            return register.register_applicant(db_session(), application=data, by=current().sub, now=utcnow())


@blp.route("/<uuid:applicant_id>")
class ApplicantById(MethodView):
    @roles(*OFFICERS)
    @blp.response(200, ApplicantSchema)
    def get(self, applicant_id):
        """Read an applicant (the read is audited)"""
        return register.read_applicant(db_session(), get_applicant(applicant_id))

    @roles(*OFFICERS)
    @blp.arguments(ApplicantChange)
    @blp.response(200, ApplicantSchema)
    @blp.alt_response(412, description="The applicant changed since the If-Match ETag was read.")
    @blp.alt_response(428, description="No If-Match: send the ETag of GET /applicants/{id}.")
    def patch(self, data, applicant_id):
        """Change an applicant

        Send the ETag of `GET /applicants/{id}` as `If-Match` (428 without it, 412 when stale).
        Name only what changes: `household` (replaced whole; the bedroom need is reckoned again,
        and open shortlists follow), `needs`, `income`, `contact` (each part given replaces that
        part), `support_needs`, `reasonable_preference`, `move_on_from`, `existing_tenant`. A new
        `band` or `effective_date` needs `band_change {reason, decision_date}` (a medical award,
        say) and is kept in the band's history (`GET /applicants/{id}/band-history`). Audited
        with the changed fields before and after; publishes `lettings.applicant.changed.v1`."""
        session = db_session()
        applicant = load_for_update(session, Applicant, applicant_id, shown_as=ApplicantSchema,
                                    not_found="No such applicant.", required=True)
        with refusals():
            return applicant_changes.change_applicant(session, applicant, changes=data, by=current().sub,
                                                      now=utcnow())


@blp.route("/<uuid:applicant_id>/band-history")
class ApplicantBandHistory(MethodView):
    @roles(*OFFICERS)
    @blp.response(200, BandHistoryEntry(many=True))
    def get(self, applicant_id):
        """The band's dated history

        The band and effective date given at registration, then every decision that moved them,
        with its reason and date, oldest first (the read is audited)."""
        return applicant_changes.band_history(db_session(), get_applicant(applicant_id))


@blp.route("/<uuid:applicant_id>/household")
class ApplicantHousehold(MethodView):
    @roles(*OFFICERS)
    @blp.arguments(Household)
    @blp.response(200, ApplicantSchema)
    @blp.alt_response(412, description="The applicant changed since the If-Match ETag was read.")
    @blp.alt_response(428, description="No If-Match: send the ETag of GET /applicants/{id}.")
    def put(self, data, applicant_id):
        """Replace the household

        Someone joined or left: the bedroom need is recomputed. As `PATCH /applicants/{id}` with
        only `household`: `If-Match` (the applicant's ETag) is required."""
        session = db_session()
        applicant = load_for_update(session, Applicant, applicant_id, shown_as=ApplicantSchema,
                                    not_found="No such applicant.", required=True)
        with refusals():
            return register.change_household(session, applicant, household=data["household"], by=current().sub,
                                             now=utcnow())


@blp.route("/<uuid:applicant_id>/status")
class ApplicantStatus(MethodView):
    @roles(*OFFICERS)
    @blp.arguments(ApplicantStatusChange)
    @blp.response(200, ApplicantSchema)
    def post(self, data, applicant_id):
        """Suspend, reinstate or cancel an application

        `suspended` until `until` (by default the policy's length from today; a timer makes the
        applicant active again that day and tells the lettings team), `active` for a suspended
        applicant, `cancelled` with the reason (their bids on open adverts drop out). Not while the
        applicant holds a live offer, and never for a housed or cancelled application (409 saying
        why). Publishes `lettings.applicant.status_changed.v1`. Honours `If-Match`."""
        session = db_session()
        applicant = load_for_update(session, Applicant, applicant_id, shown_as=ApplicantSchema,
                                    not_found="No such applicant.")
        with refusals():
            return statuses.change_status(session, applicant, status=data["status"], reason=data["reason"],
                                          until=data["until"], policy=current_policy(), now=utcnow())
