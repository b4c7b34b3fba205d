"""Notifications' durable timers, each kind with its handler: overdue tasks escalated, e-mails and
digests sent, texts and letters sent, webhooks delivered, and the retention sweep."""

from __future__ import annotations

import functools

from sqlalchemy.orm import Session

from casework.privacy import RETENTION_SWEEP, retention_sweep
from casework.timers import Timer
from notifications import deliveries, email, escalation, privacy, webhooks, workflow
from notifications.policy import current as policy


def _with_policy(handler):
    @functools.wraps(handler)
    def timer_handler(session: Session, timer: Timer) -> None:
        handler(session, timer, policy=policy())

    return timer_handler


TIMERS = {
    workflow.OVERDUE: _with_policy(escalation.escalate_overdue),
    email.SEND: _with_policy(deliveries.deliver),
    deliveries.MESSAGE_SEND: _with_policy(deliveries.deliver),
    email.DIGEST: _with_policy(email.send_digest),
    webhooks.SEND: _with_policy(webhooks.deliver),
    RETENTION_SWEEP: retention_sweep(privacy.RETENTION, service="notifications"),
}
