"""Data protection every service shares: subject-access exports, legal holds, the retention
sweep and the redaction of personal data in the audit log.

A service says what is personal to it; the kernel does the plumbing:

- ``subject_access_blueprint(find)``: ``GET /subjects/export?tenancy_ref=…`` (or ``name`` and
  ``date_of_birth``) for team leaders and admins. ``find(session, query)`` returns the service's
  records about the person as ``Found`` rows; the export adds each record's audit trail (who
  changed and who read it) and legal hold, and is itself audited.
- ``legal_hold_blueprint(exists)``: ``PUT``/``DELETE /legal-holds/{record_type}/{record_id}``;
  a held record is skipped by the retention sweep.
- ``retention_sweep(rules, service=…)``: the handler of the recurring ``retention_sweep`` timer
  (the worker schedules it). Each ``RetentionRule`` names the records past their retention
  period and how to anonymise one; the sweep skips held records, redacts the audit log's
  snapshots of what it anonymised, and emits ``<service>.records.anonymised.v1`` with a count.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import marshmallow as ma
from sqlalchemy import String, UniqueConstraint, Uuid, select, update
from sqlalchemy.orm import Mapped, Session, mapped_column

from casework import audit, outbox, policy, timers
from casework.db import Database, KernelBase, UTCDateTime, utcnow
from casework.web.fields import BirthDate

#: What replaces a removed name, contact detail or free text.
REMOVED = "[removed]"
#: The recurring timer of each service's retention sweep (one row, rescheduled after each run).
RETENTION_SWEEP = "retention_sweep"
SUBJECT_ROLES = ("team_leader",)  # admin always passes


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


# -- audit redaction ---------------------------------------------------------------------------


def _redacted(value: Any, keys: frozenset[str]) -> Any:
    if isinstance(value, dict):
        return {k: (REMOVED if k in keys and v not in (None, "", [], {}) else _redacted(v, keys))
                for k, v in value.items()}
    if isinstance(value, list):
        return [_redacted(v, keys) for v in value]
    return value


def redact_audit(session: Session, record_type: str, record_id: Any, keys: Iterable[str]) -> int:
    """Replace the values of ``keys`` (at any depth) in a record's audit snapshots, and any free-text
    reason, with ``REMOVED``; returns the rows changed. Who did what and when stays.

    The audit log stays append-only: its guard lets ``before``, ``after`` and ``reason`` change
    only inside ``audit.redacting``, for the moment of the update.
    """
    keys = frozenset(keys)
    changed = 0
    for entry in audit.trail(session, record_type, record_id):
        before, after = _redacted(entry.before, keys), _redacted(entry.after, keys)
        reason = None if entry.reason is None else REMOVED
        if (before, after, reason) == (entry.before, entry.after, entry.reason):
            continue
        with audit.redacting(session):
            session.execute(update(audit.AuditEntry).where(audit.AuditEntry.id == entry.id)
                            .values(before=before, after=after, reason=reason)
                            .execution_options(synchronize_session=False))
        session.expire(entry)
        changed += 1
    return changed


# -- retention ---------------------------------------------------------------------------------


@dataclass
class RetentionRule:
    """One record type's retention: which records are past their period, and what anonymising one means."""

    record_type: str
    #: ``due(session, now)``: the records past their retention period not yet anonymised.
    due: Callable[[Session, dt.datetime], Iterable[Any]]
    #: ``anonymise(session, record)``: names, contact details and free text replaced, statistics kept.
    anonymise: Callable[[Session, Any], None]
    #: Keys of the audit log's before/after snapshots that hold personal data for this record type.
    audit_keys: frozenset[str] = field(default_factory=frozenset)
    #: The record types whose audit trails also belong to the record (e.g. a household member's).
    related: Callable[[Any], Iterable[tuple[str, Any]]] = lambda record: ()


def sweep(session: Session, rules: Iterable[RetentionRule], *, service: str, now: dt.datetime | None = None,
          batch: int = 500) -> dict[str, int]:
    """Anonymise what has passed its retention period (held records skipped); emit a count per type."""
    now = now or utcnow()
    counts: dict[str, int] = {}
    for rule in rules:
        holds = held(session, rule.record_type)
        count = 0
        for record in rule.due(session, now):
            if str(record.id) in holds:
                continue
            rule.anonymise(session, record)
            for record_type, record_id in ((rule.record_type, record.id), *rule.related(record)):
                redact_audit(session, record_type, record_id, rule.audit_keys)
            audit.record(session, "anonymise", rule.record_type, record.id, after={"anonymised_at": now})
            count += 1
            if count >= batch:
                break
        session.flush()
        counts[rule.record_type] = count
        if count:
            outbox.emit(session, f"{service}.records.anonymised.v1", subject=rule.record_type,
                        data={"record_type": rule.record_type, "count": count, "swept_at": now})
    return counts


def retention_sweep(rules: Iterable[RetentionRule], *, service: str,
                    every: dt.timedelta = dt.timedelta(days=1)) -> Callable[[Session, timers.Timer], None]:
    """The handler of the ``retention_sweep`` timer: sweep, then run again after ``every``."""
    rules = list(rules)

    def handler(session: Session, timer: timers.Timer) -> None:
        sweep(session, rules, service=service)
        timers.schedule(session, RETENTION_SWEEP, key=RETENTION_SWEEP, due_at=utcnow() + every)

    return handler


def ensure_retention_sweep(db: Database, timer_handlers: dict[str, Any]) -> None:
    """Schedule the service's recurring retention sweep when it has one and none is pending."""
    if RETENTION_SWEEP not in timer_handlers:
        return
    with db.transaction() as session:
        timer = session.scalar(select(timers.Timer).where(timers.Timer.key == RETENTION_SWEEP))
        if timer is None or timer.fired_at is not None or timer.cancelled_at is not None or timer.attempts >= 5:
            timers.schedule(session, RETENTION_SWEEP, key=RETENTION_SWEEP, due_at=utcnow())


# -- subject access ----------------------------------------------------------------------------


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


# -- legal holds -------------------------------------------------------------------------------


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


def retention_policy(service: str) -> dict[str, Any]:
    """The ``retention`` section of the service's policy (the council's file merged over the defaults)."""
    return policy.current(service, _document).get("retention") or {}


def _document(document: dict[str, Any]) -> dict[str, Any]:
    return document


def years_before(now: dt.datetime, years: float) -> dt.datetime:
    """The moment ``years`` (of 365.25 days) before ``now``: records closed before it are due."""
    return now - dt.timedelta(days=365.25 * float(years))
