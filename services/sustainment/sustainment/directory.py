"""The agency directory: agencies imported from an Open Referral UK export, and the council's own
settings for each (chase period, how referrals are sent to it).

Importing is all or nothing: an export with any problem imports nothing and names each problem by
field. Importing the same export again changes nothing; a service already imported (by its ORUK
id) is updated, and the council's settings are never touched by an import.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Mapping
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from casework import audit, public_http
from sustainment import oruk, rules
from sustainment.cases import Invalid, NotFound
from sustainment.models import Agency


class ExportProblems(ValueError):
    """The export cannot be imported: ``errors`` maps each field (``content.2.name``) to its problems."""

    def __init__(self, errors: dict[str, list[str]]) -> None:
        super().__init__("The export has problems: nothing was imported.")
        self.errors = errors


def _audited(agency: Agency) -> dict[str, Any]:
    # Never the webhook secret.
    return {"name": agency.name, "oruk_service_id": agency.oruk_service_id, "email": agency.email,
            "chase_working_days": agency.chase_working_days, "delivery": agency.delivery,
            "webhook_url": agency.webhook_url, "restricted": agency.restricted, "active": agency.active}


def import_export(session: Session, export: Any, *, now: dt.datetime) -> dict[str, int]:
    """Add the export's services to the directory, or update those already in it: ``{created, updated, unchanged}``."""
    listings, problems = oruk.read_export(export)
    if problems:
        errors: dict[str, list[str]] = {}
        for problem in problems:
            errors.setdefault(problem.field, []).append(problem.message)
        raise ExportProblems(errors)
    known = {a.oruk_service_id: a for a in session.scalars(
        select(Agency).where(Agency.oruk_service_id.in_([listing.oruk_service_id for listing in listings])))}
    counts = {"created": 0, "updated": 0, "unchanged": 0}
    for listing in listings:
        fields = {"organisation_name": listing.organisation_name, "service_name": listing.service_name,
                  **listing.values}
        agency = known.get(listing.oruk_service_id)
        if agency is None:
            agency = Agency(id=uuid.uuid4(), oruk_service_id=listing.oruk_service_id, delivery="none",
                            restricted=False, updated_at=now, **fields)
            session.add(agency)
            session.flush()
            audit.changed(session, "import", "agency", agency.id, None, _audited(agency))
            counts["created"] += 1
            continue
        if all(getattr(agency, name) == value for name, value in fields.items()):
            counts["unchanged"] += 1
            continue
        before = _audited(agency)
        for name, value in fields.items():
            setattr(agency, name, value)
        agency.updated_at = now
        audit.changed(session, "import", "agency", agency.id, before, _audited(agency))
        counts["updated"] += 1
    return counts


def find(session: Session, agency_id: Any, *, for_update: bool = False) -> Agency:
    agency = session.get(Agency, agency_id, with_for_update=for_update)
    if agency is None:
        raise NotFound("There is no such agency in the directory.")
    return agency


def listed(session: Session, *, active_only: bool = True) -> list[Agency]:
    """The directory, by organisation and service name."""
    query = select(Agency).order_by(Agency.organisation_name, Agency.service_name)
    if active_only:
        query = query.where(Agency.active.is_(True))
    return list(session.scalars(query))


def set_up(session: Session, agency: Agency, changes: Mapping[str, Any], *, now: dt.datetime) -> Agency:
    """The council's settings for an agency: its chase period, whether its referrals' reasons are
    restricted, whether it is offered, and how referrals are sent to it (e-mail, or a webhook
    with the secret it checks signatures with)."""
    before = _audited(agency)
    merged = {name: changes.get(name, getattr(agency, name)) for name in
              ("chase_working_days", "delivery", "webhook_url", "webhook_secret", "email", "restricted", "active")}
    if merged["delivery"] not in rules.AGENCY_DELIVERIES:
        raise Invalid("delivery", f"Must be one of: {', '.join(rules.AGENCY_DELIVERIES)}.")
    if merged["delivery"] == "email" and not merged["email"]:
        raise Invalid("email", "The agency needs an e-mail address to be sent referrals by e-mail.")
    if merged["delivery"] == "webhook":
        if not merged["webhook_url"]:
            raise Invalid("webhook_url", "The agency needs a webhook URL to be sent referrals by webhook.")
        problem = public_http.url_problem(merged["webhook_url"], public_http.allowed_http_hosts())
        if problem:
            raise Invalid("webhook_url", problem)
        if not merged["webhook_secret"]:
            raise Invalid("webhook_secret", "Give the secret the agency checks the webhook's signature with.")
    for name, value in merged.items():
        setattr(agency, name, value)
    agency.updated_at = now
    audit.changed(session, "set_up", "agency", agency.id, before, _audited(agency))
    return agency
