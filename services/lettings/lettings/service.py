"""The lettings service as the kernel sees it: app, handlers, timers, migrations."""

from casework.service import Service
from lettings import register_counts  # noqa: F401 (keeps the register's counts as applicants are written)
from lettings.api import blueprints
from lettings.imports import IMPORTERS
from lettings.models import Base
from lettings.timers import TIMERS
from lettings.web import install as install_pages


def configure_app(app) -> None:
    """The officers' pages, and the e-signature provider's callback (a plain route: no bearer token)."""
    from lettings.api.sign_up_packs import callbacks

    install_pages(app)
    app.register_blueprint(callbacks)


SERVICE = Service(
    name="lettings",
    port=8003,
    title="Casework lettings",
    description="Voids, the housing register, choice-based lettings, shortlists, offers, pre-tenancy checks and sign-up.",
    blueprints=blueprints,
    metadata=Base.metadata,
    timers=TIMERS,
    configure_app=configure_app,
    importers=IMPORTERS,
)
