"""The sustainment service as the kernel sees it: app, handlers, timers, migrations."""

from casework.service import Service
from sustainment.api import blueprints
from sustainment.handlers import HANDLERS, consumed
from sustainment.models import Base
from sustainment.timers import TIMERS
from sustainment.web import install as install_pages

SERVICE = Service(
    name="sustainment",
    port=8002,
    title="Casework sustainment",
    description="Tenancy-sustainment cases: plans, home visits and welfare checks, agency referrals, move-in support for high-risk new tenants.",
    blueprints=blueprints,
    metadata=Base.metadata,
    handlers=consumed(HANDLERS),
    timers=TIMERS,
    configure_app=install_pages,
    pages={"case work": "/app/cases"},
)
