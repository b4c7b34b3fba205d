"""Reading an Open Referral UK export into the agency directory: pure, no database.

An export is what an ORUK API's ``GET /services`` pages give (``{"content": [service, …]}``, or
HSDS 3's ``{"contents": […]}``), or a plain list of services. Each service is read with its
``organization``, its first ``contacts`` entry (name, title, first of ``phones``) and its
eligibility: ORUK 1's ``eligibilitys`` [{eligibility, minimum_age, maximum_age}] or HSDS 3's
``eligibility_description``, ``minimum_age`` and ``maximum_age`` on the service. Services whose
``status`` is not ``active`` are read as inactive. Everything else is left out.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Problem:
    """What is wrong with one service of the export: ``field`` is its path (``content.2.organization.name``)."""

    field: str
    message: str


@dataclass
class Listing:
    """One ORUK service with its organisation, contact and eligibility: a directory entry's fields."""

    oruk_service_id: str
    organisation_name: str
    service_name: str
    values: dict[str, Any] = field(default_factory=dict)


def services_of(export: Any) -> tuple[str, list[Any]] | None:
    """The services of an export and the path they are at, or None when it is not an ORUK export."""
    if isinstance(export, list):
        return "", export
    if isinstance(export, dict):
        for key in ("content", "contents"):
            if isinstance(export.get(key), list):
                return f"{key}.", export[key]
    return None


def _text(value: Any, limit: int) -> str | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    return str(value).strip()[:limit]


def _age(where: str, value: Any, problems: list[Problem]) -> int | None:
    if value in (None, ""):
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value <= 130:
        problems.append(Problem(where, "Must be an age in years (0 to 130)."))
        return None
    return int(value)


def _first(items: Any) -> dict[str, Any]:
    return items[0] if isinstance(items, list) and items and isinstance(items[0], dict) else {}


def read_service(where: str, service: Any, problems: list[Problem]) -> Listing | None:
    """One service of the export, or None with its problems added to ``problems``."""
    if not isinstance(service, dict):
        problems.append(Problem(where.rstrip("."), "Must be an ORUK service object."))
        return None
    found = len(problems)
    organisation = service.get("organization") if isinstance(service.get("organization"), dict) else {}
    service_id = _text(service.get("id"), 100)
    service_name = _text(service.get("name"), 200)
    organisation_name = _text(organisation.get("name"), 200)
    for name, value in (("id", service_id), ("name", service_name), ("organization.name", organisation_name)):
        if value is None:
            problems.append(Problem(f"{where}{name}", "Missing: every service needs it."))
    contact = _first(service.get("contacts"))
    eligibility = _first(service.get("eligibilitys"))
    values = {
        "oruk_organisation_id": _text(organisation.get("id"), 100),
        "organisation_description": _text(organisation.get("description"), 5000),
        "organisation_url": _text(organisation.get("url") or organisation.get("website"), 500),
        "service_description": _text(service.get("description"), 5000),
        "service_url": _text(service.get("url"), 500),
        "email": _text(service.get("email") or contact.get("email") or organisation.get("email"), 200),
        "contact_name": _text(contact.get("name"), 200),
        "contact_title": _text(contact.get("title"), 200),
        "contact_phone": _text(_first(contact.get("phones")).get("number")
                               or _first(service.get("phones")).get("number"), 40),
        "eligibility": _text(eligibility.get("eligibility") or service.get("eligibility_description"), 5000),
        "minimum_age": _age(f"{where}eligibilitys.0.minimum_age" if eligibility else f"{where}minimum_age",
                            eligibility.get("minimum_age", service.get("minimum_age")), problems),
        "maximum_age": _age(f"{where}eligibilitys.0.maximum_age" if eligibility else f"{where}maximum_age",
                            eligibility.get("maximum_age", service.get("maximum_age")), problems),
        "active": str(service.get("status") or "active").lower() == "active",
    }
    if len(problems) > found:
        return None
    assert service_id and service_name and organisation_name
    return Listing(oruk_service_id=service_id, organisation_name=organisation_name, service_name=service_name,
                   values=values)


def read_export(export: Any) -> tuple[list[Listing], list[Problem]]:
    """Every service of the export, and every problem found (by field): an import with any problem
    imports nothing."""
    found = services_of(export)
    if found is None:
        return [], [Problem("content", "Not an Open Referral UK export: expected a list of services or "
                                       "an object with a 'content' list.")]
    prefix, services = found
    problems: list[Problem] = []
    listings: list[Listing] = []
    seen: dict[str, int] = {}
    for i, service in enumerate(services):
        listing = read_service(f"{prefix}{i}.", service, problems)
        if listing is None:
            continue
        if listing.oruk_service_id in seen:
            problems.append(Problem(f"{prefix}{i}.id", f"The same service id as entry {seen[listing.oruk_service_id]}."))
            continue
        seen[listing.oruk_service_id] = i
        listings.append(listing)
    return listings, problems
