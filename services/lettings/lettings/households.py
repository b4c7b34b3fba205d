"""An applicant's household and its bedroom need, kept true as the children grow up.

The need is stored with the applicant (a shortlist reads one row per bidder), so it must move
when a child turns 10 or 16 and may no longer share a room as before. Recording the household
schedules a durable timer for the first such birthday; when it fires the need is reckoned
again (the change audited) and the timer set for the next one.
"""

from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy.orm import Session

from casework import audit, timers
from casework.timers import Timer
from casework.workdays import LONDON, london_time, london_today
from lettings.domain.bedrooms import Member, bedroom_need, next_change
from lettings.domain.household import check_household
from lettings.models import Applicant, HouseholdMember

BIRTHDAY = "applicant.birthday"
#: Reckoned a few minutes into the birthday, London time.
RECKONED_AT = dt.time(0, 5)


def timer_key(applicant_id: uuid.UUID) -> str:
    return f"bedroom_need:{applicant_id}"


def set_household(session: Session, applicant: Applicant, household: list[dict], *,
                  now: dt.datetime | None = None) -> None:
    """Replace the household and reckon the bedroom need on the ages of ``now`` (the clock's, by
    default); ``HouseholdInvalid`` when it breaks the household rules (two applicants, say),
    before anything is changed."""
    check_household(m["relationship"] for m in household)
    applicant.household = [HouseholdMember(position=i, **member) for i, member in enumerate(household)]
    lead = next(m for m in household if m["relationship"] == "applicant")
    applicant.lead_name = lead["name"]
    applicant.lead_date_of_birth = lead["date_of_birth"]
    _reckon(session, applicant, [Member(m["date_of_birth"], m["sex"], m["relationship"]) for m in household],
            london_today(now))


def on_birthday(session: Session, timer: Timer) -> None:
    """Someone in the household turned 10 or 16: reckon the need again, audited if it moved."""
    applicant = session.get(Applicant, uuid.UUID(timer.payload["applicant_id"]))
    if applicant is None or applicant.anonymised_at is not None:  # the birth dates are gone
        return
    before = applicant.bedroom_need
    # As of the birthday itself, or today when the worker was away past it.
    on = max(london_today(), timer.due_at.astimezone(LONDON).date())
    _reckon(session, applicant, [Member(m.date_of_birth, m.sex, m.relationship) for m in applicant.household], on)
    if applicant.bedroom_need != before:
        audit.changed(session, "reckon_bedroom_need", "applicant", applicant.id, {"bedroom_need": before},
                      {"bedroom_need": applicant.bedroom_need}, reason="A child of the household had a birthday.")


def _reckon(session: Session, applicant: Applicant, members: list[Member], on: dt.date) -> None:
    applicant.bedroom_need = bedroom_need(members, on)
    new = applicant.id is None
    if new:  # its id names the timer
        applicant.id = uuid.uuid4()
    changes_on = next_change(members, on)
    if changes_on is None:
        if not new:
            timers.cancel(session, timer_key(applicant.id))
    else:  # a new applicant's timer is new too: no look-up for one to move
        schedule = timers.schedule_new if new else timers.schedule
        schedule(session, BIRTHDAY, key=timer_key(applicant.id), due_at=london_time(changes_on, RECKONED_AT),
                 payload={"applicant_id": str(applicant.id)})
