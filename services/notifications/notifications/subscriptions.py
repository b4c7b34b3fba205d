"""Webhook subscriptions: subscribing a URL to events, and unsubscribing it.

Each use case writes the subscription and its audit entry together in the caller's transaction
and returns it; a URL or event type that cannot be delivered to is ``Invalid`` naming the field.
How deliveries are signed and retried is in ``notifications.webhooks``.
"""

from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy.orm import Session

from casework import audit
from casework.auth import OFFICER_ROLES
from casework.context import Principal
from casework.contracts import catalogue
from casework.service import kernel_handlers
from notifications import webhooks
from notifications.models import Subscription
from notifications.refusals import Invalid
from notifications.rules import short_type
from notifications.schemas import Subscription as SubscriptionSchema


def known_types() -> set[str]:
    """What a subscription may ask for: every event notifications consumes, but the kernel's own
    (a sign-out is recorded by the kernel, never delivered)."""
    kernel = kernel_handlers("notifications")
    return {short_type(c.type) for c in catalogue.consumed_by("notifications") if c.type not in kernel}


def subscribe(session: Session, *, url: str, event_types: list[str], secret: str, by: Principal,
              now: dt.datetime) -> Subscription:
    """Deliver the events of ``event_types`` (or ``*``) to ``url``, signed with ``secret``. A referrer's
    subscription receives only its own referrals' events."""
    problem = webhooks.url_problem(url, webhooks.allowed_http_hosts())
    if problem:
        raise Invalid("url", problem)
    known = known_types()
    for i, name in enumerate(event_types):
        if name != "*" and short_type(name) not in known:
            raise Invalid(f"event_types.{i}", f"{name!r} is not an event type Casework publishes.")
    sub = Subscription(id=uuid.uuid4(), owner=by.sub, url=url, event_types=event_types,
                       secret=secret, active=True, consecutive_failures=0, created_at=now,
                       referrer_only="referrer" in by.roles and not by.has_any(*OFFICER_ROLES))
    session.add(sub)
    session.flush()
    audit.changed(session, "create", "subscription", sub.id, None, SubscriptionSchema().dump(sub))
    return sub


def unsubscribe(session: Session, sub: Subscription, *, now: dt.datetime) -> Subscription:
    """Stop deliveries to the subscription; its delivery log is kept."""
    before = SubscriptionSchema().dump(sub)
    sub.active = False
    sub.disabled_at = sub.disabled_at or now
    audit.changed(session, "delete", "subscription", sub.id, before, SubscriptionSchema().dump(sub))
    return sub
