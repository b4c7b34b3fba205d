"""The notifications service as the kernel sees it: app, handlers, timers, migrations."""

from casework.service import Service
from notifications.api import blueprints
from notifications.handlers import handlers
from notifications.models import Base
from notifications.timers import TIMERS
from notifications.web import install as install_inbox

SERVICE = Service(
    name="notifications",
    port=8004,
    title="Casework notifications",
    description="Officers and teams, tasks, in-app inbox, e-mail and webhook delivery, reminders and escalation.",
    blueprints=blueprints,
    metadata=Base.metadata,
    handlers=handlers(),
    timers=TIMERS,
    configure_app=install_inbox,
    pages={"officers' inbox": "/app/inbox", "officer directory (admins)": "/app/admin/officers"},
)
