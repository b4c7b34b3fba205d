"""Subject-access requests: everything held about one person, in one export."""

from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint
from sqlalchemy import func, select

from casework import audit
from casework.auth import roles
from casework.db import utcnow
from casework.web import db_session
from sustainment.models import Case
from sustainment.schemas import SubjectAccessArgs, SubjectAccessExport

blp = Blueprint("subject_access", __name__, url_prefix="/subject-access",
                description="Subject-access exports (data protection).")


@blp.route("")
class SubjectAccess(MethodView):
    @roles("team_leader")
    @blp.arguments(SubjectAccessArgs, location="query")
    @blp.response(200, SubjectAccessExport)
    def get(self, args):
        """Export everything held about a person

        Every case whose tenant has this name (any case of letters), narrowed by date of birth
        when given, with all that was recorded on it. Each case exported is audited.
        """
        session = db_session()
        stmt = select(Case).where(func.lower(Case.tenant_name) == args["tenant_name"].strip().lower())
        if "date_of_birth" in args:
            stmt = stmt.where(Case.tenant_date_of_birth == args["date_of_birth"])
        cases = session.scalars(stmt.order_by(Case.number)).all()
        for case in cases:
            audit.record(session, "subject_access_export", "case", case.id)
        return {"exported_at": utcnow(), "cases": cases}
