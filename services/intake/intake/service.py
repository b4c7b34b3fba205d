"""The intake service as the kernel sees it: app, handlers, timers, migrations."""

from casework.service import Service
from intake.api import blueprints
from intake.models import Base
from intake.timers import TIMERS

SERVICE = Service(
    name="intake",
    port=8001,
    title="Casework intake",
    description="Referrals from front-line systems and partner agencies, risk scoring and triage.",
    blueprints=blueprints,
    metadata=Base.metadata,
    timers=TIMERS,
)
