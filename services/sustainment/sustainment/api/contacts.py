"""Contact with the tenant. The first contact makes an allocated case active."""

from __future__ import annotations

import uuid

from flask.views import MethodView

from casework import audit
from casework.auth import current, roles
from casework.db import utcnow
from casework.web import Blueprint, db_session
from sustainment.api.common import CASEWORKERS, load_case, refusals
from sustainment.cases import contacts
from sustainment.schemas import Contact as ContactSchema
from sustainment.schemas import ContactCreate

blp = Blueprint("contacts", __name__, url_prefix="/cases", description="Contact made with the tenant.")


@blp.route("/<uuid:case_id>/contacts")
class Contacts(MethodView):
    @roles(*CASEWORKERS)
    @blp.response(200, ContactSchema(many=True))
    def get(self, case_id: uuid.UUID):
        """List contacts with the tenant

        Oldest first. Audited as a read of the case.
        """
        case = load_case(case_id)
        audit.read(db_session(), "case", case.id)
        return case.contacts

    @roles(*CASEWORKERS)
    @blp.arguments(ContactCreate)
    @blp.response(201, ContactSchema)
    @blp.alt_response(409, description="The case is not assigned, or it is closed.")
    def post(self, data, case_id: uuid.UUID):
        """Record contact with the tenant

        The first contact on an allocated case makes it active and stops its first-contact deadline.
        """
        case = load_case(case_id, for_update=True)
        with refusals():
            return contacts.record_contact(db_session(), case, method=data["method"], made_at=data["made_at"],
                                           notes=data["notes"], by=current().sub, now=utcnow())
