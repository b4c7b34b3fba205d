"""Homes and their voids."""

from flask.views import MethodView
from sqlalchemy import exists, select

from casework import audit, outbox
from casework.auth import roles
from casework.web import Blueprint, SelectPage, abort, db_session
from lettings.models import Property, Void
from lettings.references import next_reference
from lettings.schemas.properties import Property as PropertySchema
from lettings.schemas.properties import PropertyCreate, PropertyQueryArgs, VoidCreate
from lettings.schemas.properties import Void as VoidSchema

OFFICERS = ("lettings_officer", "team_leader")

blp = Blueprint("properties", __name__, url_prefix="/properties", description="Council homes and their voids.")


def get_property(property_id) -> Property:
    prop = db_session().get(Property, property_id)
    if prop is None:
        abort(404, "No such property.")
    return prop


@blp.route("")
class Properties(MethodView):
    @roles(*OFFICERS)
    @blp.arguments(PropertyQueryArgs, location="query")
    @blp.response(200, PropertySchema(many=True))
    @blp.paginate(SelectPage)
    def get(self, args):
        """List homes

        Filter by type, bedrooms and whether the home is void now."""
        stmt = select(Property).order_by(Property.reference)
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
        session = db_session()
        prop = Property(reference=next_reference(session, "P"), **data)
        session.add(prop)
        session.flush()
        audit.changed(session, "create", "property", prop.id, None, PropertySchema().dump(prop))
        return prop


@blp.route("/<uuid:property_id>")
class PropertyById(MethodView):
    @roles(*OFFICERS)
    @blp.response(200, PropertySchema)
    def get(self, property_id):
        """Read a home, with its open void if it has one"""
        return get_property(property_id)


@blp.route("/<uuid:property_id>/void")
class PropertyVoid(MethodView):
    @roles(*OFFICERS)
    @blp.arguments(VoidCreate)
    @blp.response(201, VoidSchema)
    def post(self, data, property_id):
        """Record that a home went void

        Starts the void clock (void days and rent loss run from `void_date` to the next tenancy start)
        and publishes `lettings.property.void_started.v1`. A home already void answers 409."""
        session = db_session()
        prop = get_property(property_id)
        if prop.current_void is not None:
            abort(409, "This home is already void.")
        void = Void(property=prop, **data)
        session.add(void)
        session.flush()
        audit.changed(session, "void", "property", prop.id, None, VoidSchema().dump(void))
        outbox.emit(session, "lettings.property.void_started.v1", subject=str(prop.id), data={
            "property_id": prop.id, "reference": prop.reference, "void_date": void.void_date,
            "reason": void.reason, "bedrooms": prop.bedrooms, "property_type": prop.property_type})
        return void
