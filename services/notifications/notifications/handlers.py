"""What notifications does with every Casework event: the routing rules turned into tasks,
inbox messages, e-mails and webhook deliveries, all in the consumer's transaction."""

from __future__ import annotations

import os
from typing import Any

from sqlalchemy.orm import Session

from casework.contracts import catalogue
from casework.db import utcnow
from casework.events import Catalogue, Event
from casework.service import kernel_handlers
from notifications import directory, inbox, rules, webhooks, workflow
from notifications.policy import current as policy


def on_event(session: Session, event: Event, data: dict[str, Any]) -> None:
    """Close the tasks the event resolves, open the ones it asks for, tell who must know."""
    current = policy()
    routing = rules.route(current, event.type, data, now=utcnow(), links=rules.public_urls(os.environ))
    for closing in routing.close:
        workflow.close_tasks(session, closing, event_id=event.id)
    for task in routing.open:
        workflow.open_task(session, current, task, event_id=event.id)
    for notice in routing.notices:
        recipient = notice.recipient or directory.manager_of(session, notice.manager_of)
        if recipient:
            inbox.notify(session, current, recipient, notice.message, subject=notice.subject, event_id=event.id)
    webhooks.enqueue(session, event, data, routing.subject)


def handlers(known: Catalogue = catalogue) -> dict[str, Any]:
    """A handler for every type the catalogue names notifications a consumer of: every other
    service's events, and its own (for the webhook subscriptions that ask for them); the kernel's
    own events (a sign-out) have the kernel's handlers, which ``Service`` adds."""
    kernel = kernel_handlers("notifications", known)
    return {c.type: on_event for c in known.consumed_by("notifications") if c.type not in kernel}

