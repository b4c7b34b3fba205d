"""Subject-access exports: ``GET /subjects/export``, a service's part of a request for everything
held about a person, each record with its audit trail and legal hold."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import marshmallow as ma
from sqlalchemy.orm import Session

from casework import audit
from casework.db import utcnow
from casework.web.fields import BirthDate

from .holds import SUBJECT_ROLES, hold_of


@dataclass
class Found:
    """One record a service holds about the person, dumped as its API shows it."""

    record_type: str
    record_id: Any
    data: dict[str, Any]


class SubjectQuery(ma.Schema):
    """Who the request is about: a tenancy reference, or a name with a date of birth."""

    tenancy_ref = ma.fields.String(validate=ma.validate.Length(1, 60), metadata={"example": "T-000123"})
    name = ma.fields.String(validate=ma.validate.Length(1, 200), metadata={"example": "Jane Doe"})
    date_of_birth = BirthDate(metadata={"example": "1980-04-01"})
    related = ma.fields.List(
        ma.fields.String(validate=ma.validate.Regexp(r"^[a-z_]+:[\w-]{1,64}$")), load_default=list,
        metadata={"description": "Records other services found (``type:id``), for services that hold "
                                 "only references, e.g. notifications."})

    @ma.validates_schema
    def _one_way_to_name_the_person(self, data: dict, **kwargs: Any) -> None:
        if data.get("tenancy_ref") or data.get("related"):
            return
        if data.get("name") and not data.get("date_of_birth"):
            raise ma.ValidationError("Give the date of birth with the name.", field_name="date_of_birth")
        if not data.get("name"):
            raise ma.ValidationError("Give a tenancy reference, or a name and a date of birth.",
                                     field_name="tenancy_ref")


def same_name(column: Any, name: str) -> Any:
    """A SQL condition: the column holds this name, ignoring case and surrounding spaces."""
    from sqlalchemy import func

    return func.lower(func.trim(column)) == " ".join(name.split()).lower()


class SubjectRecord(ma.Schema):
    record_type = ma.fields.String()
    record_id = ma.fields.String()
    data = ma.fields.Dict()
    legal_hold = ma.fields.Dict(allow_none=True)
    audit = ma.fields.List(ma.fields.Nested(audit.AuditEntrySchema))


class SubjectExport(ma.Schema):
    """Everything one service holds about a person, for a subject-access request."""

    service = ma.fields.String()
    exported_at = ma.fields.AwareDateTime(default_timezone=dt.UTC)
    exported_by = ma.fields.String()
    records = ma.fields.List(ma.fields.Nested(SubjectRecord))


def subject_access_blueprint(find: Callable[[Session, dict], list[Found]], *, service: str) -> Any:
    """``GET /subjects/export``: a service's part of a subject-access request."""
    from flask.views import MethodView
    from flask_smorest import Blueprint

    from casework.auth import current, roles
    from casework.web import db_session

    blp = Blueprint("subjects", __name__, url_prefix="/subjects", description="Subject-access exports (data protection).")

    @blp.route("/export")
    class SubjectAccess(MethodView):
        @roles(*SUBJECT_ROLES)
        @blp.arguments(SubjectQuery, location="query")
        @blp.response(200, SubjectExport)
        def get(self, query):
            """Export everything held about a person

            By tenancy reference, or by name (any case of letters) and date of birth. Each record
            comes with its audit trail, including who read it; the export is itself audited on
            every record it found.
            """
            session = db_session()
            found = find(session, query)
            records = []
            for item in found:
                hold = hold_of(session, item.record_type, item.record_id)
                records.append({
                    "record_type": item.record_type, "record_id": str(item.record_id), "data": item.data,
                    "audit": audit.trail(session, item.record_type, item.record_id),
                    "legal_hold": None if hold is None else {
                        "reason": hold.reason, "placed_by": hold.placed_by, "placed_at": hold.placed_at.isoformat()},
                })
            for item in found:
                audit.record(session, "subject_access_export", item.record_type, item.record_id)
            return {"service": service, "exported_at": utcnow(), "exported_by": current().sub, "records": records}

    return blp
