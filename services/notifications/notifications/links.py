"""Where a task's work is done: the page an officer opens from the task, never the API docs.

Each kind of subject has its page in the service that owns it: a referral's under intake's
``/app/referrals/``, a case's under sustainment's ``/app/cases/``, an advert's, an offer's, a home's
and an applicant's under lettings' ``/app/adverts/``, ``/app/offers/``, ``/app/properties/`` and
``/app/applicants/`` (part 2 of the officers' workspace). The services' public base URLs are ``CASEWORK_<SERVICE>_PUBLIC_URL``
(``rules.public_urls``). Pure: no Flask, no database.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

#: Subject type → the service that owns it and the path of its page.
PAGES: dict[str, tuple[str, str]] = {
    "referral": ("intake", "/app/referrals/{id}"),
    "case": ("sustainment", "/app/cases/{id}"),
    "advert": ("lettings", "/app/adverts/{id}"),
    "offer": ("lettings", "/app/offers/{id}"),
    "property": ("lettings", "/app/properties/{id}"),
    "applicant": ("lettings", "/app/applicants/{id}"),
}


def page_url(subject_type: str | None, subject_id: Any, service_urls: Mapping[str, str]) -> str | None:
    """The page where the work on this subject is done; None for a subject with no page (or no id)."""
    if not subject_type or not subject_id or subject_type not in PAGES:
        return None
    service, path = PAGES[subject_type]
    base = service_urls.get(service)
    if not base:
        return None
    return base.rstrip("/") + path.format(id=subject_id)


def task_page(task: Any, service_urls: Mapping[str, str]) -> str | None:
    """The page a task (anything with the Task model's ``subject_type`` and ``subject_id``) leads to."""
    return page_url(task.subject_type, task.subject_id, service_urls)
