"""Homes and their voids."""

from flask.views import MethodView
from sqlalchemy import exists, select
from sqlalchemy.orm import selectinload

from casework import records
from casework.auth import roles
from casework.web import Blueprint, SelectPage, db_session
from casework.workdays import london_today
from lettings.access import OFFICERS
from lettings.api.common import get_property, refusals
from lettings.letting import history, properties
from lettings.models import Property, Void
from lettings.schemas.properties import Property as PropertySchema
from lettings.schemas.properties import PropertyCreate, PropertyQueryArgs, PropertyWithHistory, VoidCreate
from lettings.schemas.properties import Void as VoidSchema

blp = Blueprint("properties", __name__, url_prefix="/properties", description="Council homes and their voids.")


@blp.route("")
class Properties(MethodView):
    @roles(*OFFICERS)
    @blp.arguments(PropertyQueryArgs, location="query")
    @blp.response(200, PropertySchema(many=True))
    @blp.paginate(SelectPage)
    def get(self, args):
        """List homes

        Filter by type, bedrooms, whether the home is void now and `reference` (`P-000007`)."""
        # Each home's voids in one query for the page (its open void is shown), not one a home.
        stmt = select(Property).options(selectinload(Property.voids)).order_by(Property.reference)
        if "reference" in args:
            stmt = stmt.where(records.reference_is(Property.reference, args["reference"]))
        if "property_type" in args:
            stmt = stmt.where(Property.property_type == args["property_type"])
        if "bedrooms" in args:
            stmt = stmt.where(Property.bedrooms == args["bedrooms"])
        if "void" in args:
            open_void = exists().where(Void.property_id == Property.id, Void.let_date.is_(None))
            stmt = stmt.where(open_void if args["void"] else ~open_void)
        return stmt

    @roles(*OFFICERS)
    @blp.arguments(PropertyCreate)
    @blp.response(201, PropertySchema)
    def post(self, data):
        """Add a home

        Records a council home with its size, access and rent. It is not void until a void is recorded."""
        return properties.add_property(db_session(), **data)


@blp.route("/<uuid:property_id>")
class PropertyById(MethodView):
    @roles(*OFFICERS)
    @blp.response(200, PropertyWithHistory)
    def get(self, property_id):
        """Read a home, with its open void and its whole history

        `history` lists every void (with void days and rent lost, and the tenancy that ended it),
        advert, offer (the applicant by reference only) and tenancy the home has had, oldest first."""
        return history.with_history(db_session(), get_property(property_id), today=london_today())


@blp.route("/<uuid:property_id>/void")
class PropertyVoid(MethodView):
    @roles(*OFFICERS)
    @blp.arguments(VoidCreate)
    @blp.response(201, VoidSchema)
    def post(self, data, property_id):
        """Record that a home went void

        Starts the void clock (void days and rent loss run from `void_date` to the next tenancy start)
        and publishes `lettings.property.void_started.v1`. A home already void answers 409."""
        prop = get_property(property_id)
        with refusals():
            return properties.record_void(db_session(), prop, **data)
