"""The case work pages (``/app/cases``, ``/app/cases/{id or S-reference}``) on the kernel's pages
(``casework.pages``): a sustainment officer's caseload and a team leader's team, and one page with
everything case work needs; and the agency's page at the secure link it was sent
(``/agency-links/{token}``, no sign-in). Each view calls the same use case as the API (``sustainment.cases``),
so a page writes the same audit entries, timers and events as the API does.
"""

from __future__ import annotations

from flask import Flask

from casework.pages import configure as configure_pages
from casework.pages import page_for_browsers


def install(app: Flask) -> None:
    """Add the case work pages to the sustainment app (``Service.configure_app``)."""
    from . import (  # noqa: F401  (they add their routes to the blueprint)
        agency_link,
        case,
        caseload,
        changes,
        closing,
        performance,
        plan,
        work_pages,
    )
    from .blueprint import blueprint

    configure_pages(app, home="case_pages.caseload")
    app.register_blueprint(blueprint)
    # The agency's secure link, clicked in its e-mail, opens as a page; API clients get JSON there.
    page_for_browsers(app, "agency_links.AgencyLink", agency_link.referral)
