"""The lettings service as the kernel sees it: app, handlers, timers, migrations."""

from casework.service import Service
from lettings.api import blueprints
from lettings.imports import IMPORTERS
from lettings.models import Base
from lettings.timers import TIMERS
from lettings.web import install as install_pages

SERVICE = Service(
    name="lettings",
    port=8003,
    title="Casework lettings",
    description="Voids, the housing register, choice-based lettings, shortlists, offers, pre-tenancy checks and sign-up.",
    blueprints=blueprints,
    metadata=Base.metadata,
    timers=TIMERS,
    configure_app=install_pages,
    importers=IMPORTERS,
)
