"""An applicant's circumstances change: household, needs, income, support needs, contact, and the
band and effective date the council decides (only with the decision's reason and date, kept as
a dated history).

Every change is audited with the changed fields before and after (the audit log may hold the
household's details), and ``lettings.applicant.changed.v1`` tells other services which fields
changed, by name only. A change that changes nothing writes nothing.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from casework import audit, outbox
from lettings import events, households
from lettings.domain.household import HouseholdInvalid
from lettings.letting import Invalid, NotAllowed, lets
from lettings.models import Applicant, BandChange

#: What a change may name, as the API names it, and the columns each one sets.
NESTED = {
    "needs": {"wheelchair": "needs_wheelchair", "ground_floor": "needs_ground_floor"},
    "income": {"monthly_net": "monthly_net_income", "monthly_outgoings": "monthly_outgoings"},
    "contact": {"phone": "phone", "email": "email"},
}
PLAIN = ("support_needs", "reasonable_preference", "move_on_from", "existing_tenant", "band", "effective_date")
BAND_FIELDS = ("band", "effective_date")


def _snapshot(applicant: Applicant) -> dict[str, Any]:
    """The applicant as a change compares them: by column, money to the penny."""
    def money(value):
        return None if value is None else f"{value:.2f}"

    return {
        "household": [{"name": m.name, "date_of_birth": m.date_of_birth, "sex": m.sex, "relationship": m.relationship}
                      for m in applicant.household],
        "bedroom_need": applicant.bedroom_need,
        "needs_wheelchair": applicant.needs_wheelchair, "needs_ground_floor": applicant.needs_ground_floor,
        "monthly_net_income": money(applicant.monthly_net_income),
        "monthly_outgoings": money(applicant.monthly_outgoings),
        "support_needs": list(applicant.support_needs), "reasonable_preference": list(applicant.reasonable_preference),
        "move_on_from": applicant.move_on_from, "existing_tenant": applicant.existing_tenant,
        "phone": applicant.phone, "email": applicant.email,
        "band": applicant.band, "effective_date": applicant.effective_date,
    }


def _check_band_change(changes: dict[str, Any]) -> dict[str, Any] | None:
    """The band and effective date move only by a recorded decision, and a decision moves one of them."""
    decision = changes.get("band_change")
    naming = [name for name in BAND_FIELDS if name in changes]
    if naming and decision is None:
        raise Invalid("band_change", [f"A new {' and '.join(naming).replace('_', ' ')} needs the decision's reason "
                                      "and date (band_change: {reason, decision_date})."])
    if decision is not None and not naming:
        raise Invalid("band_change", ["Give it only with a new band or effective date."])
    return decision


def change_applicant(session: Session, applicant: Applicant, *, changes: dict[str, Any], by: str,
                     now: dt.datetime) -> Applicant:
    """Change what ``changes`` names (as ``PATCH /applicants/{id}`` does), all or nothing."""
    if applicant.anonymised_at is not None:
        raise NotAllowed("This application's personal details have been removed; it cannot be changed.")
    decision = _check_band_change(changes)
    before = _snapshot(applicant)
    if "household" in changes:
        try:
            households.set_household(session, applicant, changes["household"], now=now)
        except HouseholdInvalid as exc:
            raise Invalid("household", [str(exc)]) from exc
    for name, columns in NESTED.items():
        for key, value in changes.get(name, {}).items():
            setattr(applicant, columns[key], value)
    for name in PLAIN:
        if name in changes:
            setattr(applicant, name, list(changes[name]) if isinstance(changes[name], list) else changes[name])
    after = _snapshot(applicant)
    changed = sorted(name for name in after if after[name] != before[name])
    if not changed:
        return applicant
    band_moved = any(name in changed for name in BAND_FIELDS)
    if band_moved:
        lets.count_rebanding(session, applicant.id, before["band"], applicant.band)  # lets count by the band now
        session.add(BandChange(applicant=applicant, band=applicant.band, effective_date=applicant.effective_date,
                               reason=decision["reason"], decision_date=decision["decision_date"], changed_by=by,
                               changed_at=now))
    session.flush()
    audit.changed(session, "change", "applicant", applicant.id, {name: before[name] for name in changed},
                  {name: after[name] for name in changed}, reason=decision["reason"] if band_moved else None)
    outbox.emit(session, events.APPLICANT_CHANGED, subject=str(applicant.id),
                data=events.applicant_changed(applicant, changed))
    return applicant


def record_initial_band(applicant: Applicant, *, by: str, now: dt.datetime) -> None:
    """The first entry of the band's history: the band and effective date given at registration."""
    applicant.band_history.append(BandChange(band=applicant.band, effective_date=applicant.effective_date,
                                             reason="Band given at registration.", decision_date=None,
                                             changed_by=by, changed_at=now))


def band_history(session: Session, applicant: Applicant) -> list[BandChange]:
    """The band's dated history, oldest first (the read is audited: the reasons may be medical)."""
    audit.read(session, "applicant", applicant.id)
    return list(session.scalars(select(BandChange).where(BandChange.applicant_id == applicant.id)
                                .order_by(BandChange.changed_at, BandChange.id)))
