"""The intake service as the kernel sees it: app, handlers, timers, migrations."""

from pathlib import Path

from casework.privacy import RETENTION_SWEEP, retention_sweep
from casework.service import Service
from intake.models import Base
from intake.privacy import RETENTION


def _blueprints() -> list:
    # Imported here: the kernel builds the app, and the api imports Flask-side modules.
    from intake.api import blueprints

    return blueprints()


SERVICE = Service(
    name="intake",
    port=8001,
    title="Casework intake",
    description="Referrals from front-line systems and partner agencies, risk scoring and triage.",
    version="1.0.0",
    blueprints=_blueprints,
    metadata=Base.metadata,
    migrations=Path(__file__).resolve().parent.parent / "migrations",
    handlers={},
    timers={RETENTION_SWEEP: retention_sweep(RETENTION, service="intake")},
)
