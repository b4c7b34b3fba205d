"""What the audit log keeps of a case and of what is recorded on it.

The audit log is append-only and outlives anonymisation, so it records the facts of a
change and leaves out who the tenant is and what officers wrote (that stays on the record).
"""

from __future__ import annotations

from typing import Any

from sustainment import schemas
from sustainment.models import Case

#: A visit without its narrative.
VISIT = schemas.Visit(exclude=("notes",))
#: An agency referral without its narrative.
AGENCY_REFERRAL = schemas.AgencyReferral(exclude=("reason", "safeguarding_reason", "response_note", "outcome",
                                                  "deliveries"))
#: A contact without its notes.
CONTACT = schemas.Contact(exclude=("notes",))
#: A note without its text.
NOTE = schemas.Note(exclude=("text",))


def snapshot(case: Case) -> dict[str, Any]:
    """The case as the audit log records it before and after a change."""
    return schemas.Case(exclude=("tenant_name",)).dump(case)
