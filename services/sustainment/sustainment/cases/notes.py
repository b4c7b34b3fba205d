"""Case notes: what officers write down about the case."""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from casework import audit
from sustainment import audited, rules
from sustainment.journal import on_timeline
from sustainment.models import Case, CaseNote


def add_note(session: Session, case: Case, *, text: str, category: str, by: str, now: dt.datetime) -> CaseNote:
    """Add a note. Its text stays in this service; the timeline shows that a note was added."""
    rules.check_transition(case.status, "work")
    note = CaseNote(case_id=case.id, text=text, category=category, author=by, written_at=now)
    session.add(note)
    session.flush()
    on_timeline(session, case, "note", "Note added", note.id)
    audit.changed(session, "add_note", "case", case.id, None, {"note": audited.NOTE.dump(note)})
    return note
