"""The sustainment service as the kernel sees it: app, handlers, timers, migrations."""

from pathlib import Path

from casework.service import Service

from sustainment.models import Base


def _blueprints() -> list:
    return []


SERVICE = Service(
    name="sustainment",
    port=8002,
    title="Casework sustainment",
    description="Tenancy-sustainment cases: plans, home visits and welfare checks, agency referrals, move-in support for high-risk new tenants.",
    version="1.0.0",
    blueprints=_blueprints,
    metadata=Base.metadata,
    migrations=Path(__file__).resolve().parent.parent / "migrations",
    handlers={},
    timers={},
)
