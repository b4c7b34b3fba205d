"""Contact with the tenant. The first contact makes an allocated case active."""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from casework import audit, outbox, timers
from sustainment import audited, deadlines, events, rules
from sustainment.audited import snapshot
from sustainment.cases import Invalid, performance
from sustainment.journal import on_timeline
from sustainment.models import Case, Contact


def record_first_contact(session: Session, case: Case, made_at: dt.datetime) -> None:
    """The first contact: the case becomes active and its first-contact deadline is met."""
    if case.first_contact_at is not None:
        return
    case.first_contact_at = made_at
    performance.count_first_contact(session, case)
    case.status = rules.status_after(case.status, "record_contact")
    timers.cancel(session, deadlines.first_contact_key(case))
    on_timeline(session, case, "first_contact", "First contact made")
    outbox.emit(session, events.CONTACT_RECORDED, subject=str(case.id), data=events.contact_recorded(case, made_at))


def record_contact(session: Session, case: Case, *, method: str, made_at: dt.datetime | None, notes: str | None,
                   by: str, now: dt.datetime) -> Contact:
    """Record contact made with the tenant (``made_at`` defaults to now, and cannot be later)."""
    rules.check_transition(case.status, "record_contact")
    made_at = made_at or now
    if made_at > now:
        raise Invalid("made_at", "Contact cannot be recorded before it is made.")
    before = snapshot(case)
    contact = Contact(case_id=case.id, method=method, made_at=made_at, notes=notes, recorded_by=by)
    session.add(contact)
    session.flush()
    on_timeline(session, case, "contact", f"Contact by {contact.method.replace('_', ' ')}", contact.id)
    record_first_contact(session, case, made_at)
    audit.changed(session, "record_contact", "case", case.id, before,
                  {**snapshot(case), "contact": audited.CONTACT.dump(contact)})
    return contact
