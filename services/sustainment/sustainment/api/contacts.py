"""Contact with the tenant. The first contact makes an allocated case active."""

from __future__ import annotations

import uuid

from flask.views import MethodView
from sqlalchemy.orm import Session

from casework import audit, outbox, timers
from casework.auth import current, roles
from casework.db import utcnow
from casework.web import Blueprint, db_session, invalid
from sustainment import deadlines, rules
from sustainment.api.common import CASEWORKERS, guard, load_case, snapshot
from sustainment.journal import case_ref, on_timeline
from sustainment.models import Case, Contact
from sustainment.schemas import Contact as ContactSchema
from sustainment.schemas import ContactCreate

blp = Blueprint("contacts", __name__, url_prefix="/cases", description="Contact made with the tenant.")


def record_first_contact(session: Session, case: Case, made_at) -> None:
    """The first contact: the case becomes active and its first-contact deadline is met."""
    if case.first_contact_at is not None:
        return
    case.first_contact_at = made_at
    case.status = rules.status_after(case.status, "record_contact")
    timers.cancel(session, deadlines.first_contact_key(case))
    on_timeline(session, case, "first_contact", "First contact made")
    outbox.emit(session, "sustainment.contact.recorded.v1", subject=str(case.id),
                data={**case_ref(case), "first_contact_at": made_at})


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
        session = db_session()
        case = load_case(case_id, for_update=True)
        guard(case, "record_contact")
        made_at = data["made_at"] or utcnow()
        if made_at > utcnow():
            invalid("made_at", "Contact cannot be recorded before it is made.")
        before = snapshot(case)
        contact = Contact(case_id=case.id, method=data["method"], made_at=made_at, notes=data["notes"],
                          recorded_by=current().sub)
        session.add(contact)
        session.flush()
        on_timeline(session, case, "contact", f"Contact by {contact.method.replace('_', ' ')}", contact.id)
        record_first_contact(session, case, made_at)
        audit.changed(session, "record_contact", "case", case.id, before,
                      {**snapshot(case), "contact": ContactSchema(exclude=("notes",)).dump(contact)})
        return contact
