"""The intake officers' pages, on the kernel's pages (``casework.pages``):

``/app/referrals``          the triage queue (received referrals by triage due time, then risk), filtered and paged;
``/app/referrals/new``      an officer raises a referral (the roles in ``intake.access.CREATORS``);
``/app/referrals/batches``  batches from data feeds (``POST /referrals/batch``) with their counts, each
                            linking to ``/app/referrals?batch_id=…``: its referrals, the highest risk first;
``/app/referrals/{id}``     a referral by id or reference: who and why (an audited read), consent,
                            risk factors, possible duplicates, the audit trail (team leaders),
                            restricted details behind break-glass, and the triage form.

Each view calls the use case the API calls (``intake.referrals``); the forms check what the officer
typed and the API's own schema checks the rest, so a page refuses what the API refuses.
"""

from __future__ import annotations

from flask import Flask

from casework.pages import configure as configure_pages


def install(app: Flask) -> None:
    """Add the referral pages to the intake api (``Service.configure_app``)."""
    from . import pages, performance  # noqa: F401  (they add their routes to the blueprint)
    from .blueprint import blueprint

    configure_pages(app, home="referral_pages.queue")
    app.register_blueprint(blueprint)
