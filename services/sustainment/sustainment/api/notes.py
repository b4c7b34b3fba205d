"""Case notes: what officers write down about the case."""

from __future__ import annotations

import uuid

from flask.views import MethodView

from casework import audit
from casework.auth import current, roles
from casework.db import utcnow
from casework.web import Blueprint, db_session
from sustainment.api.common import CASEWORKERS, load_case, refusals
from sustainment.cases import notes
from sustainment.schemas import NoteCreate
from sustainment.sensitivity import NoteRead, audit_read

blp = Blueprint("notes", __name__, url_prefix="/cases", description="Case notes.")


@blp.route("/<uuid:case_id>/notes")
class Notes(MethodView):
    @roles(*CASEWORKERS)
    @blp.response(200, NoteRead(many=True))
    def get(self, case_id: uuid.UUID):
        """List a case's notes

        Oldest first. Audited as a read of the case.
        """
        case = load_case(case_id)
        audit.read(db_session(), "case", case.id)
        audit_read(db_session(), case, within="notes")
        return case.notes

    @roles(*CASEWORKERS)
    @blp.arguments(NoteCreate)
    @blp.response(201, NoteRead)
    @blp.alt_response(409, description="The case is closed.")
    def post(self, data, case_id: uuid.UUID):
        """Add a note to a case

        The note's text stays in this service; the timeline shows that a note was added.
        """
        case = load_case(case_id, for_update=True)
        with refusals():
            return notes.add_note(db_session(), case, text=data["text"], category=data["category"],
                                  by=current().sub, now=utcnow())
