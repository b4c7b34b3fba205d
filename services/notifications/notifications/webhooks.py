"""Webhook subscriptions: events POSTed from the worker, signed, retried, disabled when they keep failing.

Every delivery is a POST of a JSON body with ``Casework-Event-Id``, the event's id (a receiver
may use it to ignore repeats), and signed as ``casework.signing`` says (``Casework-Timestamp``,
``Casework-Signature``: HMAC-SHA256 keyed with the subscription's secret). URLs must be https (not to
private, loopback or link-local addresses) or http to a host in
``CASEWORK_WEBHOOK_ALLOWED_HTTP_HOSTS`` (default: none; a developer sets ``127.0.0.1,localhost``), which also allows those
hosts over https. Any other host is delivered to through ``public_http``: its name resolved
once at delivery, and only to a public address.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import time
import uuid
from collections.abc import Mapping, Sequence
from typing import Any
from urllib.parse import urlsplit

import requests
from sqlalchemy import Row, event, insert, select
from sqlalchemy.orm import ORMExecuteState, Session, SessionTransaction

from casework import public_http, timers
from casework.db import utcnow
from casework.events import Event
from casework.public_http import allowed_http_hosts, url_problem
from casework.signing import sign
from casework.timers import Timer
from notifications import directory, inbox
from notifications.metrics import counted
from notifications.models import Delivery, Subscription
from notifications.rules import Policy, Subject, subscription_wants, webhook_body

log = logging.getLogger(__name__)

SEND = "webhook.send"


def enqueue(session: Session, event: Event, data: Mapping[str, Any], subject: Subject | None) -> int:
    """Log a delivery for every active subscription that wants the event; returns how many."""
    body = json.dumps(webhook_body(event_id=event.id, event_type=event.type, time=event.time, subject=subject),
                      separators=(",", ":"))
    count = 0
    for sub in active_subscriptions(session):
        if not subscription_wants(event_types=sub.event_types, referrer_only=sub.referrer_only, owner=sub.owner,
                                  event_type=event.type, data=data):
            continue
        delivery_id = uuid.uuid4()
        session.execute(_LOG_DELIVERY, {
            "id": delivery_id, "channel": "webhook", "target": str(sub.id), "address": sub.url,
            "event_id": event.id, "title": event.type, "body": body, "status": "pending", "attempts": 0,
            "created_at": utcnow(),
        })
        timers.schedule_new(session, SEND, key=f"webhook:{delivery_id}:0", due_at=utcnow(),
                            payload={"delivery_id": str(delivery_id)})
        count += 1
    return count


# A plain INSERT rather than an ORM object and its flush: the new delivery is only written here.
_LOG_DELIVERY = insert(Delivery.__table__)


# -- the active subscriptions, read once per transaction ----------------------------------

_ACTIVE = "notifications.active_subscriptions"


def active_subscriptions(session: Session) -> Sequence[Row]:
    """The active subscriptions' id, url, event types, owner and ``referrer_only``.

    Read once per transaction and kept in ``session.info``: the consumer handles a batch of
    events in one transaction, and every event would read the same rows. Forgotten when a
    subscription is added, changed or removed in the session (pending, flushed or by a
    statement), when a savepoint rolls back and when the transaction ends (the listeners
    below), so a subscription made or changed in the transaction is never missed.
    """
    subs = session.info.get(_ACTIVE)
    if subs is None or _subscriptions_pending(session):
        subs = session.execute(_ACTIVE_SUBSCRIPTIONS).all()  # its autoflush writes what is pending first
        session.info[_ACTIVE] = subs
    return subs


_ACTIVE_SUBSCRIPTIONS = select(Subscription.id, Subscription.url, Subscription.event_types, Subscription.owner,
                               Subscription.referrer_only).where(Subscription.active.is_(True))


def _subscriptions_pending(session: Session) -> bool:
    return any(isinstance(obj, Subscription) for obj in (*session.new, *session.dirty, *session.deleted))


@event.listens_for(Session, "after_flush")
def _forget_flushed_subscriptions(session: Session, _flush_context: Any) -> None:
    # In ``after_flush`` new, dirty and deleted still hold what was just written.
    if _ACTIVE in session.info and _subscriptions_pending(session):
        del session.info[_ACTIVE]


@event.listens_for(Session, "do_orm_execute")
def _forget_subscriptions_written_by_statement(state: ORMExecuteState) -> None:
    if _ACTIVE in state.session.info and (state.is_insert or state.is_update or state.is_delete) \
            and state.statement.table.name == Subscription.__tablename__:
        del state.session.info[_ACTIVE]


@event.listens_for(Session, "after_soft_rollback")
def _forget_subscriptions_rolled_back(session: Session, _previous: SessionTransaction) -> None:
    session.info.pop(_ACTIVE, None)


@event.listens_for(Session, "after_transaction_end")
def _forget_subscriptions_at_the_end(session: Session, transaction: SessionTransaction) -> None:
    if transaction.parent is None:
        session.info.pop(_ACTIVE, None)


def deliver(session: Session, timer: Timer, *, policy: Policy) -> None:
    """Timer handler: POST one logged delivery; record the outcome and retry with backoff."""
    delivery = session.get(Delivery, uuid.UUID(timer.payload["delivery_id"]), with_for_update=True)
    if delivery is None or delivery.status != "pending":
        return
    sub = session.get(Subscription, uuid.UUID(delivery.target), with_for_update=True)
    if sub is None or not sub.active:
        delivery.status = "failed"
        delivery.last_error = "The subscription is disabled or gone."
        counted("webhook", "failed")
        return
    delivery.attempts += 1
    error = _post(sub, delivery)
    if error is None:
        delivery.status = "sent"
        delivery.delivered_at = utcnow()
        delivery.last_error = None
        sub.consecutive_failures = 0
        counted("webhook", "sent")
        return
    delivery.last_error = error[:500]
    sub.consecutive_failures += 1
    log.warning("webhook delivery failed", extra={"delivery_id": str(delivery.id), "attempt": delivery.attempts})
    if sub.consecutive_failures >= policy.webhooks.disable_after_failures:
        delivery.status = "failed"
        counted("webhook", "failed")
        _disable(session, policy, sub)
    elif delivery.attempts >= policy.webhooks.max_attempts:
        delivery.status = "failed"
        counted("webhook", "failed")
    else:
        counted("webhook", "retrying")
        delay = policy.webhooks.retry_seconds * 2 ** (delivery.attempts - 1)
        timers.schedule(session, SEND, key=f"webhook:{delivery.id}:{delivery.attempts}",
                        due_at=utcnow() + dt.timedelta(seconds=delay), payload={"delivery_id": str(delivery.id)})


#: For every host the council has not listed: connects only to public addresses.
_PUBLIC = public_http.session()


def _post(sub: Subscription, delivery: Delivery) -> str | None:
    host = (urlsplit(sub.url).hostname or "").lower()
    allowed = allowed_http_hosts()
    problem = url_problem(sub.url, allowed)
    if problem:
        return problem
    body = delivery.body.encode()
    timestamp = str(int(time.time()))
    headers = {
        "Content-Type": "application/json", "Casework-Event-Id": delivery.event_id or "",
        "Casework-Timestamp": timestamp, "Casework-Signature": sign(sub.secret, timestamp, body),
        "User-Agent": "casework-notifications",
    }
    post = requests.post if host in allowed else _PUBLIC.post
    try:
        response = post(sub.url, data=body, headers=headers, timeout=10, allow_redirects=False)
    except requests.RequestException as exc:
        return "The URL resolves to a private address." if public_http.refused_as_private(exc) \
            else type(exc).__name__
    delivery.response_status = response.status_code
    return None if 200 <= response.status_code < 300 else f"HTTP {response.status_code}"


def _disable(session: Session, policy: Policy, sub: Subscription) -> None:
    sub.active = False
    sub.disabled_at = utcnow()
    message = f"Webhook subscription {sub.id} was disabled after {sub.consecutive_failures} failed deliveries."
    for admin in directory.admins(session):
        inbox.notify(session, policy, admin.id, message)
