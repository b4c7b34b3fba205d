"""E-mail over SMTP, sent by the worker from the delivery log with retries, and the daily digest.

Settings come from the environment: ``CASEWORK_SMTP_HOST`` (default ``localhost``),
``CASEWORK_SMTP_PORT`` (25), ``CASEWORK_SMTP_USER`` and ``CASEWORK_SMTP_PASSWORD`` (none),
``CASEWORK_SMTP_FROM`` (``casework@localhost``), ``CASEWORK_SMTP_STARTTLS`` (``false``) and
``CASEWORK_SMTP_TIMEOUT`` seconds (10). Messages carry references and links only.
"""

from __future__ import annotations

import datetime as dt
import logging
import smtplib
import uuid
from collections.abc import Iterable
from email.message import EmailMessage

from sqlalchemy import select
from sqlalchemy.orm import Session

from casework import mail, timers
from casework.db import utcnow
from casework.mail import SmtpSettings
from casework.timers import Timer
from casework.workdays import LONDON
from notifications.models import Delivery, Notification, Officer
from notifications.rules import Policy

log = logging.getLogger(__name__)

SEND = "email.send"
DIGEST = "email.digest"


def message_body(notifications: Iterable[Notification]) -> str:
    """The text of an e-mail: one line per message with its link."""
    lines = []
    for n in notifications:
        lines.append(f"- {n.message}" + (f"\n  {n.link}" if n.link else ""))
    lines.append("\nOpen Casework to see the details. This e-mail carries references only.")
    return "\n".join(lines)


def send_later(session: Session, policy: Policy, officer: Officer, *, title: str, body: str,
               event_id: str | None = None) -> Delivery:
    """Log an e-mail for the worker to send (now, and again with backoff while it fails)."""
    delivery = Delivery(id=uuid.uuid4(), channel="email", target=officer.id, address=officer.email,
                        event_id=event_id, title=title, body=body, status="pending", attempts=0,
                        created_at=utcnow())
    session.add(delivery)
    timers.schedule_new(session, SEND, key=f"email:{delivery.id}:0", due_at=utcnow(),
                        payload={"delivery_id": str(delivery.id)})
    return delivery


def deliver(session: Session, timer: Timer, *, policy: Policy) -> None:
    """Timer handler: send one logged e-mail; on failure record it and try again later."""
    delivery = session.get(Delivery, uuid.UUID(timer.payload["delivery_id"]), with_for_update=True)
    if delivery is None or delivery.status != "pending":
        return
    settings = SmtpSettings.from_env()
    message = EmailMessage()
    message["From"] = settings.sender
    message["To"] = delivery.address
    message["Subject"] = delivery.title
    message["Message-ID"] = f"<{delivery.id}@casework>"
    message.set_content(delivery.body)
    delivery.attempts += 1
    try:
        mail.send(message, settings)
    except (OSError, smtplib.SMTPException) as exc:
        delivery.last_error = f"{type(exc).__name__}: {exc}"[:500]
        log.warning("e-mail delivery failed", extra={"delivery_id": str(delivery.id), "attempt": delivery.attempts})
        _retry_or_give_up(session, delivery, policy)
        return
    delivery.status = "sent"
    delivery.delivered_at = utcnow()
    delivery.last_error = None


def _retry_or_give_up(session: Session, delivery: Delivery, policy: Policy) -> None:
    if delivery.attempts >= policy.email.max_attempts:
        delivery.status = "failed"
        return
    delay = policy.email.retry_seconds * 2 ** (delivery.attempts - 1)
    timers.schedule(session, SEND, key=f"email:{delivery.id}:{delivery.attempts}",
                    due_at=utcnow() + dt.timedelta(seconds=delay), payload={"delivery_id": str(delivery.id)})


# -- the daily digest ---------------------------------------------------------------------


def next_digest_time(policy: Policy, now: dt.datetime) -> dt.datetime:
    """The next time the digest goes out (``email.digest_at``, London time)."""
    hour, minute = (int(part) for part in policy.email.digest_at.split(":"))
    local = now.astimezone(LONDON)
    at = local.replace(hour=hour, minute=minute, second=0, microsecond=0)
    if at <= local:
        at = (local + dt.timedelta(days=1)).replace(hour=hour, minute=minute, second=0, microsecond=0)
    return at.astimezone(dt.UTC)


def schedule_digest(session: Session, policy: Policy, officer: Officer, *, at: dt.datetime | None = None) -> None:
    """Book the officer's next digest (one timer per officer and day)."""
    due = at or next_digest_time(policy, utcnow())
    timers.schedule(session, DIGEST, key=f"digest:{officer.id}:{due.date().isoformat()}", due_at=due,
                    payload={"officer_id": officer.id})


def send_digest(session: Session, timer: Timer, *, policy: Policy) -> None:
    """Timer handler: e-mail the officer what arrived in their inbox since the last digest."""
    officer = session.get(Officer, timer.payload["officer_id"])
    if officer is None or not officer.active or officer.email_preference != "daily_digest":
        return
    waiting = session.scalars(
        select(Notification).where(Notification.recipient == officer.id, Notification.emailed_at.is_(None))
        .order_by(Notification.created_at)
    ).all()
    if waiting:
        send_later(session, policy, officer, title=f"Casework: {len(waiting)} new message(s)",
                   body=message_body(waiting))
        now = utcnow()
        for notification in waiting:
            notification.emailed_at = now
    schedule_digest(session, policy, officer, at=next_digest_time(policy, utcnow() + dt.timedelta(minutes=1)))
