"""The delivery log at work: e-mails, texts and letters sent by the worker through the council's
chosen provider (``senders``), retried with a doubling delay, parked as ``failed`` when they keep
failing (or cannot go), and replayed by an admin once the cause is mended. Every outcome is
counted in ``casework_deliveries_total`` (``notifications.metrics``; webhooks too).
"""

from __future__ import annotations

import datetime as dt
import logging
import uuid

from sqlalchemy.orm import Session

from casework import audit, timers
from casework.db import utcnow
from casework.timers import Timer
from notifications import email, senders, webhooks
from notifications.metrics import counted
from notifications.models import Delivery
from notifications.refusals import Conflict
from notifications.rules import Policy

log = logging.getLogger(__name__)

#: Texts and letters (e-mails keep ``email.SEND``).
MESSAGE_SEND = "message.send"
#: Which timer sends a delivery of each channel.
SENDS = {"email": email.SEND, "sms": MESSAGE_SEND, "letter": MESSAGE_SEND, "webhook": webhooks.SEND}

def schedule(session: Session, delivery: Delivery, *, due_at: dt.datetime) -> None:
    """Have the worker (try to) send the delivery at ``due_at``."""
    prefix = "webhook" if delivery.channel == "webhook" else "email"
    timers.schedule(session, SENDS[delivery.channel], key=f"{prefix}:{delivery.id}:{delivery.attempts}",
                    due_at=due_at, payload={"delivery_id": str(delivery.id)})


def deliver(session: Session, timer: Timer, *, policy: Policy) -> None:
    """Timer handler: send one logged e-mail, text or letter; on failure record it and try again later."""
    delivery = session.get(Delivery, uuid.UUID(timer.payload["delivery_id"]), with_for_update=True)
    if delivery is None or delivery.status != "pending":
        return
    sender = senders.current()
    delivery.attempts += 1
    delivery.provider = sender.name
    try:
        delivery.provider_id = sender.send(delivery, policy)
    except senders.SendFailed as exc:
        delivery.last_error = exc.error[:500]
        log.warning("delivery failed", extra={"delivery_id": str(delivery.id), "channel": delivery.channel,
                                              "attempt": delivery.attempts})
        retry_or_give_up(session, delivery, policy, final=exc.final)
        return
    delivery.status = "sent"
    delivery.delivered_at = utcnow()
    delivery.last_error = None
    counted(delivery.channel, "sent")


def retry_or_give_up(session: Session, delivery: Delivery, policy: Policy, *, final: bool = False) -> None:
    """Try again after ``email.retry_seconds`` (doubling each time), or park it as failed."""
    if final or delivery.attempts >= policy.email.max_attempts:
        delivery.status = "failed"
        counted(delivery.channel, "failed")
        return
    counted(delivery.channel, "retrying")
    delay = policy.email.retry_seconds * 2 ** (delivery.attempts - 1)
    schedule(session, delivery, due_at=utcnow() + dt.timedelta(seconds=delay))


def replay(session: Session, delivery: Delivery, *, now: dt.datetime) -> Delivery:
    """Send a failed delivery again, with a fresh round of attempts (its last error kept until it goes)."""
    if delivery.status != "failed":
        raise Conflict(f"Only a failed delivery can be replayed: this one is {delivery.status}.")
    before = {"status": delivery.status, "attempts": delivery.attempts}
    delivery.status = "pending"
    delivery.attempts = 0
    delivery.provider_id = delivery.provider_status = delivery.provider_status_at = None
    schedule(session, delivery, due_at=now)
    audit.record(session, "delivery.replayed", "delivery", delivery.id, before=before,
                 after={"status": "pending", "attempts": 0})
    return delivery
