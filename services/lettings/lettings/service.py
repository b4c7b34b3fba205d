"""The lettings service as the kernel sees it: app, handlers, timers, migrations."""

from pathlib import Path

from casework.service import Service
from lettings.models import Base


def _blueprints() -> list:
    from lettings.api import blueprints

    return blueprints()


def _timers() -> dict:
    from casework.privacy import RETENTION_SWEEP, retention_sweep
    from lettings.privacy import RETENTION
    from lettings.timers import TIMERS

    return {**TIMERS, RETENTION_SWEEP: retention_sweep(RETENTION, service="lettings")}


SERVICE = Service(
    name="lettings",
    port=8003,
    title="Casework lettings",
    description="Voids, the housing register, choice-based lettings, shortlists, offers, pre-tenancy checks and sign-up.",
    version="1.0.0",
    blueprints=_blueprints,
    metadata=Base.metadata,
    migrations=Path(__file__).resolve().parent.parent / "migrations",
    handlers={},
    timers=_timers(),
)
