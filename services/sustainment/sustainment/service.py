"""The sustainment service as the kernel sees it: app, handlers, timers, migrations."""

from pathlib import Path

from casework.service import Service
from sustainment.api import blueprints
from sustainment.handlers import HANDLERS, consumed
from sustainment.models import Base
from sustainment.timers import TIMERS

SERVICE = Service(
    name="sustainment",
    port=8002,
    title="Casework sustainment",
    description="Tenancy-sustainment cases: plans, home visits and welfare checks, agency referrals, move-in support for high-risk new tenants.",
    version="1.0.0",
    blueprints=blueprints,
    metadata=Base.metadata,
    migrations=Path(__file__).resolve().parent.parent / "migrations",
    handlers=consumed(HANDLERS),
    timers=TIMERS,
)
