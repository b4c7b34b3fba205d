"""The intake service as the kernel sees it: app, handlers, timers, migrations."""

from casework.service import Service
from intake.api import blueprints
from intake.imports import IMPORTERS
from intake.models import Base
from intake.timers import TIMERS
from intake.web import install as install_pages

SERVICE = Service(
    name="intake",
    port=8001,
    title="Casework intake",
    description="Referrals from front-line systems and partner agencies, risk scoring and triage.",
    blueprints=blueprints,
    metadata=Base.metadata,
    timers=TIMERS,
    importers=IMPORTERS,
    configure_app=install_pages,
    pages={"triage queue": "/app/referrals", "raise a referral": "/app/referrals/new"},
)
