"""What every change to a case does besides itself: a line on the case's timeline."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from casework import context
from sustainment.models import Case, TimelineEntry


def actor() -> str:
    """Who is acting: the officer's token ``sub``, or ``system`` for events and timers."""
    return context.principal.get().sub


def on_timeline(session: Session, case: Case, kind: str, summary: str, related_id: Any = None) -> TimelineEntry:
    """Add a line to the case's timeline. Summaries are short and hold no narrative."""
    entry = TimelineEntry(case_id=case.id, kind=kind, summary=summary[:300], actor=actor(),
                          related_id=str(related_id) if related_id is not None else None)
    session.add(entry)
    return entry

