"""The housing register: applicants and their households (their applications' status: ``statuses``)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy.orm import Session

from casework import audit
from lettings import households
from lettings.domain.household import HouseholdInvalid
from lettings.letting import Invalid, applicant_changes
from lettings.models import Applicant
from lettings.references import next_reference


def _set_household(session: Session, applicant: Applicant, household: list[dict], now: dt.datetime) -> None:
    try:
        households.set_household(session, applicant, household, now=now)
    except HouseholdInvalid as exc:
        raise Invalid("household", [str(exc)]) from exc


def register_applicant(session: Session, *, application: dict[str, Any], by: str, now: dt.datetime,
                       housing_ref: str | None = None, status: str = "active", reference: str | None = None,
                       ) -> Applicant:
    """Put a household on the register; its ``bedroom_need`` is reckoned by the bedroom standard,
    and its band begins its dated history. An import from the housing management system gives
    that system's reference, and may bring a household already ``housed`` (a tenant), numbered
    a batch at a time (``reference``). Nothing is asked of the database before the session's next
    flush, so an import's households go in together."""
    data = application
    applicant = Applicant(
        reference=reference or next_reference(session, "A"), band=data["band"], effective_date=data["effective_date"],
        application_date=data["application_date"], needs_wheelchair=data["needs"]["wheelchair"],
        needs_ground_floor=data["needs"]["ground_floor"], monthly_net_income=data["income"]["monthly_net"],
        monthly_outgoings=data["income"]["monthly_outgoings"], support_needs=data["support_needs"],
        reasonable_preference=data["reasonable_preference"], move_on_from=data["move_on_from"],
        existing_tenant=data["existing_tenant"], phone=data["contact"]["phone"],
        email=data["contact"]["email"], status=status, housing_ref=housing_ref,
        status_reason="Housed before Casework (imported)" if status == "housed" else None)
    _set_household(session, applicant, data["household"], now)
    applicant_changes.record_initial_band(applicant, by=by, now=now)
    session.add(applicant)
    audit.changed(session, "create", "applicant", applicant.id, None, {
        "reference": applicant.reference, "band": applicant.band, "bedroom_need": applicant.bedroom_need,
        **({"housing_ref": housing_ref, "status": status} if housing_ref else {})})
    return applicant


def read_applicant(session: Session, applicant: Applicant) -> Applicant:
    """An officer reads the application: the read is audited (it holds the household's personal data)."""
    audit.read(session, "applicant", applicant.id)
    return applicant


def change_household(session: Session, applicant: Applicant, *, household: list[dict], by: str,
                     now: dt.datetime) -> Applicant:
    """Someone joined or left: the household replaced and the bedroom need reckoned again, as
    any other change of the applicant (``applicant_changes``)."""
    return applicant_changes.change_applicant(session, applicant, changes={"household": household}, by=by, now=now)

