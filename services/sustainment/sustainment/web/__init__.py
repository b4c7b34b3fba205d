"""The case work pages (``/app/cases``, ``/app/cases/{id or S-reference}``) on the kernel's pages
(``casework.pages``): a sustainment officer's caseload and a team leader's team, and one page with
everything case work needs. Each view calls the same use case as the API (``sustainment.cases``),
so a page writes the same audit entries, timers and events as the API does.
"""

from __future__ import annotations

from flask import Flask

from casework.pages import configure as configure_pages


def install(app: Flask) -> None:
    """Add the case work pages to the sustainment app (``Service.configure_app``)."""
    from . import case, caseload, changes, closing, performance, plan  # noqa: F401  (they add their routes to the blueprint)
    from .blueprint import blueprint

    configure_pages(app, home="case_pages.caseload")
    app.register_blueprint(blueprint)
