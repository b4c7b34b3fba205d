"""``POST /imports/{kind}``: a service's bulk imports (``casework.imports``) over HTTP, for a
scheduled job of the system the records come from. Registered for every service that has
``importers``. The body is the CSV file (``text/csv``, UTF-8); the answer is the import's report:
200 when the whole file went in (or was in already), 422 with a problem for each row and column
when it did not – and then nothing of it was kept (the request's transaction rolls back).
"""

from __future__ import annotations

import io

import marshmallow as ma
from flask import current_app, request
from flask.views import MethodView

from casework import imports
from casework.auth import roles
from casework.problems import abort

from .blueprint import Blueprint
from .session import db_session

#: Who may import: the other system's client (its token has the ``importer`` role) and admins.
IMPORTERS = ("importer",)


class ImportProblem(ma.Schema):
    row = ma.fields.Integer(metadata={"example": 7, "description": "1 is the header; the first record is row 2."})
    field = ma.fields.String(metadata={"example": "bedrooms"})
    message = ma.fields.String(metadata={"example": "Must be greater than or equal to 0 and less than or equal to 10."})


class ImportReport(ma.Schema):
    kind = ma.fields.String(metadata={"example": "properties"})
    ok = ma.fields.Boolean()
    rows = ma.fields.Integer(metadata={"description": "Rows read after the header."})
    records = ma.fields.Integer(metadata={"description": "Records read (a household may take several rows)."})
    imported = ma.fields.Integer()
    already_imported = ma.fields.Integer(metadata={
        "description": "Records whose key (the other system's own reference: housing_ref, source_ref) was "
                       "imported before: left as they are."})
    problem_count = ma.fields.Integer()
    problems = ma.fields.List(ma.fields.Nested(ImportProblem))


def blueprint(importers: dict) -> Blueprint:
    blp = Blueprint("imports", __name__, url_prefix="/imports",
                    description="Bulk imports from the council's other systems: one CSV file, all or nothing.")

    @blp.route("/<string:kind>")
    class Imports(MethodView):
        @roles(*IMPORTERS)
        @blp.doc(requestBody={"required": True, "content": {"text/csv": {"schema": {"type": "string"}}}},
                 parameters=[{"in": "path", "name": "kind", "required": True,
                              "schema": {"type": "string", "enum": sorted(importers)}}])
        @blp.response(200, ImportReport)
        @blp.alt_response(415, description="The body is not text/csv.")
        @blp.alt_response(422, description="Problems by row and column; nothing was imported.")
        def post(self, kind):
            """Import a CSV file

            Every row validated as the API validates a record; the file is imported whole or not at
            all, and a record whose key (`housing_ref`, `source_ref`) is in already is left as it
            is (so the same extract may be sent again). Layouts: services/<name>/docs/imports.md. At most the
            service's body limit (`CASEWORK_MAX_BODY_BYTES`); larger files go through
            `casework import`."""
            if kind not in importers:
                abort(404, f"Nothing is imported as {kind!r}: {', '.join(sorted(importers))}.")
            if request.mimetype != "text/csv":
                abort(415, "Send the file as text/csv.")
            try:
                text = request.get_data().decode("utf-8-sig")
            except UnicodeDecodeError:
                abort(422, "The file is not UTF-8 text.", errors={"body": ["Save the file as UTF-8 CSV."]})
            report = imports.run(db_session(), importers[kind](), io.StringIO(text, newline=""))
            current_app.logger.info("import", extra={"kind": kind, "rows": report.rows, "imported": report.imported,
                                                     "problems": report.problem_count})
            if not report.ok:
                abort(422, f"{report.problem_count} problem(s) in {report.rows} row(s): nothing was imported.",
                      errors={f"rows.{p.row}.{p.field}": [p.message] for p in report.problems})
            return report.as_dict()

    return blp
