"""The sample service: the kernel's features on one small record type, the note."""

from __future__ import annotations

import datetime as dt
import os
import uuid
from pathlib import Path

import marshmallow as ma
from flask.views import MethodView
from flask_smorest import Blueprint
from sqlalchemy import DateTime, Integer, String, Uuid, select
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column

from casework import audit, outbox, timers
from casework.auth import roles
from casework.contracts import catalogue
from casework.db import naming_metadata, utcnow
from casework.events import Event
from casework.service import Service
from casework.web import SelectPage, abort, db_session, load_for_update


class Base(DeclarativeBase):
    metadata = naming_metadata()


class Note(Base):
    __tablename__ = "notes"
    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    text: Mapped[str] = mapped_column(String(500))
    owner: Mapped[str] = mapped_column(String(100))
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Effect(Base):
    """One row per handled event: the visible effect whose count proves exactly-once."""

    __tablename__ = "effects"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    event_id: Mapped[str] = mapped_column(String(36))
    kind: Mapped[str] = mapped_column(String(50))


class NoteCreated(ma.Schema):
    note_id = ma.fields.UUID(required=True)


class NoteFlaky(ma.Schema):
    note_id = ma.fields.UUID(required=True)


class NoteSlow(ma.Schema):
    note_id = ma.fields.UUID(required=True)


for _type, _schema in (("note.created", NoteCreated), ("note.flaky", NoteFlaky), ("note.slow", NoteSlow)):
    if f"casework.sample.{_type}.v1" not in catalogue.contracts:
        catalogue.register(f"casework.sample.{_type}.v1", _schema, producer="sample", consumers=("sample",))


class NoteCreate(ma.Schema):
    text = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=500))


class NoteSchema(ma.Schema):
    id = ma.fields.UUID(dump_only=True)
    text = ma.fields.String()
    owner = ma.fields.String()
    version = ma.fields.Integer()


class NoteQuery(ma.Schema):
    owner = ma.fields.String()


blp = Blueprint("notes", __name__, url_prefix="/notes", description="Notes")


@blp.route("")
class Notes(MethodView):
    @roles("intake_officer")
    @blp.arguments(NoteQuery, location="query")
    @blp.response(200, NoteSchema(many=True))
    @blp.paginate(SelectPage)
    def get(self, args):
        stmt = select(Note).order_by(Note.created_at, Note.id)
        if "owner" in args:
            stmt = stmt.where(Note.owner == args["owner"])
        return stmt

    @roles("intake_officer")
    @blp.arguments(NoteCreate)
    @blp.response(201, NoteSchema)
    def post(self, data):
        session = db_session()
        from casework.auth import current

        note = Note(text=data["text"], owner=current().sub)
        session.add(note)
        session.flush()
        audit.changed(session, "create", "note", note.id, None, NoteSchema().dump(note))
        outbox.emit(session, "sample.note.created.v1", subject=str(note.id), data={"note_id": note.id})
        timers.schedule(session, "note.review", key=f"review:{note.id}", due_at=utcnow() + dt.timedelta(seconds=1),
                        payload={"note_id": str(note.id)})
        return note


def _note_or_404(session: Session, note_id: uuid.UUID) -> Note:
    note = session.get(Note, note_id)
    if note is None:
        abort(404, "No such note.")
    return note


@blp.route("/<uuid:note_id>")
class NoteById(MethodView):
    @roles("intake_officer")
    @blp.response(200, NoteSchema)
    def get(self, note_id):
        session = db_session()
        note = _note_or_404(session, note_id)
        audit.read(session, "note", note.id)
        return note

    @roles("intake_officer")
    @blp.arguments(NoteCreate)
    @blp.response(200, NoteSchema)
    def put(self, data, note_id):
        session = db_session()
        note = load_for_update(session, Note, note_id, shown_as=NoteSchema, not_found="No such note.")
        before = NoteSchema().dump(note)
        note.text = data["text"]
        note.version += 1
        audit.changed(session, "update", "note", note.id, before, NoteSchema().dump(note))
        return note

    @roles("intake_officer")
    @blp.arguments(NoteCreate)
    @blp.response(200, NoteSchema)
    def patch(self, data, note_id):
        """As PUT, but If-Match is required (428 without it)."""
        session = db_session()
        note = load_for_update(session, Note, note_id, shown_as=NoteSchema, not_found="No such note.", required=True)
        note.text = data["text"]
        note.version += 1
        return note


@blp.route("/<uuid:note_id>/opened")
class NoteOpened(MethodView):
    @roles("intake_officer")
    @blp.response(200, NoteSchema)
    def get(self, note_id):
        """A GET that writes (a note's count of openings is its version): begun again as a writer on SQLite."""
        note = _note_or_404(db_session(), note_id)
        note.version += 1
        return note


@blp.route("/conflict", methods=["POST"])
@roles("intake_officer")
def conflict():
    abort(409, "Always in conflict.")
    return None


#: Flipped by tests: while True the flaky handler fails.
FLAKY = {"failing": True}


def on_note_created(session: Session, event: Event, data: dict) -> None:
    session.add(Effect(event_id=event.id, kind="created"))
    if os.environ.get("SAMPLE_DIE_AFTER_COMMIT"):
        # The reliability test's crash: the effect is committed, the message not yet acknowledged.
        session.info["die_after_commit"] = True
    # An event caused by an event: carries the cause's correlation id.
    outbox.emit(session, "sample.note.slow.v1", subject=event.subject, data={"note_id": data["note_id"]})


def on_note_flaky(session: Session, event: Event, data: dict) -> None:
    if FLAKY["failing"]:
        raise RuntimeError("this handler fails until a test mends it")
    session.add(Effect(event_id=event.id, kind="flaky"))


def on_note_slow(session: Session, event: Event, data: dict) -> None:
    session.add(Effect(event_id=event.id, kind="slow"))


def on_review(session: Session, timer) -> None:
    session.add(Effect(event_id=str(timer.id), kind="timer"))


SERVICE = Service(
    name="sample",
    port=8099,
    title="Sample",
    description="The kernel's test service.",
    version="0.0.1",
    blueprints=lambda: [blp],
    metadata=Base.metadata,
    migrations=Path(__file__).resolve().parent / "migrations",
    handlers={
        "casework.sample.note.created.v1": on_note_created,
        "casework.sample.note.flaky.v1": on_note_flaky,
        "casework.sample.note.slow.v1": on_note_slow,
    },
    timers={"note.review": on_review},
)


def create_tables(url: str) -> None:
    """The sample keeps no migration history: create its tables and the kernel's directly."""
    from casework.db import Database, KernelBase
    from casework.migrations import target_metadata

    target_metadata(Base.metadata)
    db = Database(url)
    KernelBase.metadata.create_all(db.engine)
    Base.metadata.create_all(db.engine)
    db.dispose()
