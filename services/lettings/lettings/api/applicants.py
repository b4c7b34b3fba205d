"""The housing register: applicants and their households."""

from flask.views import MethodView
from sqlalchemy import select

from casework import audit
from casework.auth import roles
from casework.web import Blueprint, SelectPage, abort, db_session, invalid, load_for_update
from lettings import households
from lettings.domain.household import HouseholdInvalid
from lettings.models import Applicant
from lettings.references import next_reference
from lettings.schemas.applicants import Applicant as ApplicantSchema
from lettings.schemas.applicants import ApplicantCreate, ApplicantQueryArgs, ApplicantStatusChange, Household

OFFICERS = ("lettings_officer", "team_leader")

blp = Blueprint("applicants", __name__, url_prefix="/applicants", description="The housing register.")


def get_applicant(applicant_id) -> Applicant:
    applicant = db_session().get(Applicant, applicant_id)
    if applicant is None:
        abort(404, "No such applicant.")
    return applicant


def set_household(session, applicant: Applicant, household: list[dict]) -> None:
    """The household recorded, or a 422 naming ``household`` when it breaks the household rules."""
    try:
        households.set_household(session, applicant, household)
    except HouseholdInvalid as exc:
        invalid("household", str(exc))


@blp.route("")
class Applicants(MethodView):
    @roles(*OFFICERS)
    @blp.arguments(ApplicantQueryArgs, location="query")
    @blp.response(200, ApplicantSchema(many=True))
    @blp.paginate(SelectPage)
    def get(self, args):
        """List applicants on the register

        Filter by band, status and bedroom need; ordered by reference."""
        stmt = select(Applicant).order_by(Applicant.reference)
        for name in ("band", "status", "bedroom_need"):
            if name in args:
                stmt = stmt.where(getattr(Applicant, name) == args[name])
        return stmt

    @roles(*OFFICERS)
    @blp.arguments(ApplicantCreate)
    @blp.response(201, ApplicantSchema)
    def post(self, data):
        """Register an applicant

        The household's `bedroom_need` is computed by the bedroom standard (children paired optimally)."""
        session = db_session()
        applicant = Applicant(
            reference=next_reference(session, "A"), band=data["band"], effective_date=data["effective_date"],
            application_date=data["application_date"], needs_wheelchair=data["needs"]["wheelchair"],
            needs_ground_floor=data["needs"]["ground_floor"], monthly_net_income=data["income"]["monthly_net"],
            monthly_outgoings=data["income"]["monthly_outgoings"], support_needs=data["support_needs"],
            reasonable_preference=data["reasonable_preference"], move_on_from=data["move_on_from"],
            existing_tenant=data["existing_tenant"], phone=data["contact"]["phone"],
            email=data["contact"]["email"], status="active")
        set_household(session, applicant, data["household"])
        session.add(applicant)
        session.flush()
        audit.changed(session, "create", "applicant", applicant.id, None, {
            "reference": applicant.reference, "band": applicant.band, "bedroom_need": applicant.bedroom_need})
        return applicant


@blp.route("/<uuid:applicant_id>")
class ApplicantById(MethodView):
    @roles(*OFFICERS)
    @blp.response(200, ApplicantSchema)
    def get(self, applicant_id):
        """Read an applicant (the read is audited)"""
        applicant = get_applicant(applicant_id)
        audit.read(db_session(), "applicant", applicant.id)
        return applicant


@blp.route("/<uuid:applicant_id>/household")
class ApplicantHousehold(MethodView):
    @roles(*OFFICERS)
    @blp.arguments(Household)
    @blp.response(200, ApplicantSchema)
    def put(self, data, applicant_id):
        """Replace the household

        Someone joined or left: the bedroom need is recomputed. Honours `If-Match` (the applicant's ETag)."""
        session = db_session()
        applicant = load_for_update(session, Applicant, applicant_id, shown_as=ApplicantSchema,
                                    not_found="No such applicant.")
        before = {"household_size": len(applicant.household), "bedroom_need": applicant.bedroom_need}
        set_household(session, applicant, data["household"])
        session.flush()
        audit.changed(session, "change_household", "applicant", applicant.id, before,
                      {"household_size": len(applicant.household), "bedroom_need": applicant.bedroom_need})
        return applicant


@blp.route("/<uuid:applicant_id>/status")
class ApplicantStatus(MethodView):
    @roles(*OFFICERS)
    @blp.arguments(ApplicantStatusChange)
    @blp.response(200, ApplicantSchema)
    def post(self, data, applicant_id):
        """Suspend, reinstate or close an application

        A housed applicant's status cannot be changed here (409)."""
        session = db_session()
        applicant = get_applicant(applicant_id)
        if applicant.status == "housed":
            abort(409, "This applicant has been housed; their application is finished.")
        before = {"status": applicant.status}
        applicant.status, applicant.status_reason = data["status"], data["reason"]
        audit.changed(session, "change_status", "applicant", applicant.id, before, {"status": applicant.status},
                      reason=data["reason"])
        return applicant
