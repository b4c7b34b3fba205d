"""Council homes and their voids."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from sqlalchemy.orm import Session

from casework import audit, outbox
from lettings import events
from lettings.letting import NotAllowed, void_stages
from lettings.models import Property, Void
from lettings.references import next_reference
from lettings.schemas.properties import Property as PropertySchema
from lettings.schemas.properties import Void as VoidSchema

#: Made once: a schema is costly to make, and an import records tens of thousands of homes.
_AS_AUDITED = PropertySchema()


def add_property(session: Session, *, reference: str | None = None, **details: Any) -> Property:
    """Record a council home with its size, access and rent; it is not void until a void is recorded.
    ``reference``: one taken already (an import numbers its homes a batch at a time)."""
    # Its id and its (lack of) voids given here, so nothing asks the database before the session's
    # next flush: an import's homes go in together, many to a statement.
    prop = Property(id=uuid.uuid4(), reference=reference or next_reference(session, "P"), voids=[], **details)
    session.add(prop)
    audit.changed(session, "create", "property", prop.id, None, _AS_AUDITED.dump(prop))
    return prop


def record_void(session: Session, prop: Property, *, void_date: dt.date, reason: str,
                ready_to_let_date: dt.date | None) -> Void:
    """The home went void: the void clock starts (void days and rent loss run from its void date
    to the next tenancy start), and the others are told."""
    if prop.current_void is not None:
        raise NotAllowed("This home is already void.")
    void = Void(property=prop, void_date=void_date, reason=reason, ready_to_let_date=ready_to_let_date)
    session.add(void)
    void_stages.restage(session, prop.id)
    audit.changed(session, "void", "property", prop.id, None, VoidSchema().dump(void))
    outbox.emit(session, events.PROPERTY_VOID_STARTED, subject=str(prop.id),
                data=events.property_void_started(prop, void))
    return void
