"""The intake service as the kernel sees it: app, handlers, timers, migrations."""

from pathlib import Path

from casework.service import Service
from intake.api import blueprints
from intake.models import Base
from intake.timers import TIMERS

SERVICE = Service(
    name="intake",
    port=8001,
    title="Casework intake",
    description="Referrals from front-line systems and partner agencies, risk scoring and triage.",
    version="1.0.0",
    blueprints=blueprints,
    metadata=Base.metadata,
    migrations=Path(__file__).resolve().parent.parent / "migrations",
    handlers={},
    timers=TIMERS,
)
