"""Legal holds: records the retention sweep must keep whatever their period says (litigation, a
complaint, an inquiry), and ``PUT``/``DELETE /legal-holds/{record_type}/{record_id}``."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import marshmallow as ma
from sqlalchemy import String, UniqueConstraint, Uuid, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from casework import audit
from casework.db import KernelBase, UTCDateTime, utcnow

#: Who places legal holds and exports what is held about a person (admin always passes).
SUBJECT_ROLES = ("team_leader",)


class LegalHold(KernelBase):
    """A record kept whatever its retention period says (litigation, a complaint, an inquiry)."""

    __tablename__ = "legal_holds"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    record_type: Mapped[str] = mapped_column(String(60))
    record_id: Mapped[str] = mapped_column(String(64))
    reason: Mapped[str] = mapped_column(String(500))
    placed_by: Mapped[str] = mapped_column(String(200))
    placed_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (UniqueConstraint("record_type", "record_id", name="uq_legal_holds_record"),)


def hold_of(session: Session, record_type: str, record_id: Any) -> LegalHold | None:
    return session.scalar(select(LegalHold).where(LegalHold.record_type == record_type,
                                                  LegalHold.record_id == str(record_id)))


def held(session: Session, record_type: str) -> set[str]:
    """The ids of the records of a type under a legal hold."""
    return set(session.scalars(select(LegalHold.record_id).where(LegalHold.record_type == record_type)))


class LegalHoldBody(ma.Schema):
    reason = ma.fields.String(required=True, validate=ma.validate.Length(1, 500),
                              metadata={"example": "Disrepair claim in progress."})


class LegalHoldSchema(ma.Schema):
    record_type = ma.fields.String()
    record_id = ma.fields.String()
    reason = ma.fields.String()
    placed_by = ma.fields.String()
    placed_at = ma.fields.AwareDateTime(default_timezone=dt.UTC)


def legal_hold_blueprint(holdable: dict[str, type]) -> Any:
    """``PUT``/``DELETE /legal-holds/{record_type}/{record_id}`` and ``GET /legal-holds``, for the
    service's records that may be held: record type → its model (keyed by a UUID)."""
    from flask.views import MethodView
    from flask_smorest import Blueprint

    from casework.auth import current, roles
    from casework.web import db_session
    from casework.web.errors import abort

    blp = Blueprint("legal_holds", __name__, url_prefix="/legal-holds",
                    description="Legal holds: records the retention sweep must keep.")

    def _existing(session: Session, record_type: str, record_id: str) -> None:
        model = holdable.get(record_type)
        try:
            ident = uuid.UUID(record_id)
        except ValueError:
            ident = None
        if model is None or ident is None or session.get(model, ident) is None:
            abort(404)

    @blp.route("")
    class LegalHolds(MethodView):
        @roles(*SUBJECT_ROLES)
        @blp.response(200, LegalHoldSchema(many=True))
        def get(self):
            """List legal holds

            Every record of this service under a legal hold, oldest first.
            """
            return db_session().scalars(select(LegalHold).order_by(LegalHold.placed_at)).all()

    @blp.route("/<string:record_type>/<string:record_id>")
    class Hold(MethodView):
        @roles(*SUBJECT_ROLES)
        @blp.response(200, LegalHoldSchema)
        def get(self, record_type, record_id):
            """Read a record's legal hold

            404 when the record is not held.
            """
            hold = hold_of(db_session(), record_type, record_id)
            if hold is None:
                abort(404)
            return hold

        @roles(*SUBJECT_ROLES)
        @blp.arguments(LegalHoldBody)
        @blp.response(200, LegalHoldSchema)
        def put(self, body, record_type, record_id):
            """Place a legal hold on a record

            The retention sweep keeps a held record whatever its period says. Placing it again
            restates the reason. Audited on the record.
            """
            session = db_session()
            _existing(session, record_type, record_id)
            hold = hold_of(session, record_type, record_id)
            before = None if hold is None else {"legal_hold": hold.reason}
            if hold is None:
                hold = LegalHold(record_type=record_type, record_id=record_id)
                session.add(hold)
            hold.reason, hold.placed_by, hold.placed_at = body["reason"], current().sub, utcnow()
            session.flush()
            audit.changed(session, "legal_hold_placed", record_type, record_id, before, {"legal_hold": hold.reason})
            return hold

        @roles(*SUBJECT_ROLES)
        @blp.response(204)
        def delete(self, record_type, record_id):
            """Lift a record's legal hold

            The record's retention period applies again from the next sweep. Audited on the record.
            """
            session = db_session()
            hold = hold_of(session, record_type, record_id)
            if hold is None:
                abort(404)
            audit.changed(session, "legal_hold_lifted", record_type, record_id, {"legal_hold": hold.reason}, None)
            session.delete(hold)

    return blp
