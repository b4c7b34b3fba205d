"""Officers' e-mails, logged for the worker to send (``deliveries.deliver``, through SMTP or GOV.UK
Notify: ``notifications.senders``) with retries, and the daily digest. They carry references and
links only.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from casework import timers
from casework.db import utcnow
from casework.timers import Timer
from casework.workdays import LONDON
from notifications.models import Delivery, Notification, Officer
from notifications.rules import Policy

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
    """Log an e-mail for the worker to send (now, and again with backoff while it fails).

    Should it prove undeliverable, the officer's (first) team is told: their address needs mending.
    """
    delivery = Delivery(id=uuid.uuid4(), channel="email", target=officer.id, address=officer.email,
                        event_id=event_id, title=title, body=body, status="pending", attempts=0,
                        created_at=utcnow(), team=(officer.teams or [None])[0])
    session.add(delivery)
    timers.schedule_new(session, SEND, key=f"email:{delivery.id}:0", due_at=utcnow(),
                        payload={"delivery_id": str(delivery.id)})
    return delivery


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
