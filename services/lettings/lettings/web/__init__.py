"""The lettings officers' pages, on the kernel's pages (``casework.pages``; see "How to add a page"
in its docstring). One module per area, each adding its routes to ``blueprint``:

``voids``       ``/app/voids`` (the homes standing empty now);
``homes``       ``/app/properties/new`` and ``/app/properties/{id or P-reference}`` (its whole life);
``register``    ``/app/applicants`` and ``/app/applicants/{id or A-reference}``;
``adverts``     ``/app/adverts/{id}``: bids, the shortlist, offers, checks, sign-up and letters.

Each view calls the use case the API calls (``lettings.letting``): no rule of its own.
"""

from __future__ import annotations

from flask import Flask

from casework.pages import configure as configure_pages


def install(app: Flask) -> None:
    """Add the lettings pages to the lettings api (``Service.configure_app``)."""
    # Each page module adds its routes to the blueprint when imported (one line per area).
    from . import adverts, homes, performance, register, sign_up_packs, voids  # noqa: F401
    from .blueprint import blueprint

    configure_pages(app, home="lettings_pages.voids")
    app.register_blueprint(blueprint)
