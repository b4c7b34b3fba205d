"""The in-app inbox: every message lands here, and goes by e-mail as the officer prefers; the officer reads it."""

from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy import select
from sqlalchemy.orm import Session

from casework.context import Principal
from casework.db import utcnow
from notifications import email
from notifications.models import Notification, Officer
from notifications.refusals import NotFound
from notifications.rules import Policy, Subject


def notify(session: Session, policy: Policy, recipient: str, message: str, *, subject: Subject | None = None,
           task_id: uuid.UUID | None = None, event_id: str | None = None,
           now: dt.datetime | None = None) -> Notification:
    """Put a message in the recipient's inbox; e-mail it now when they want e-mails immediately."""
    now = now or utcnow()
    notification = Notification(
        id=uuid.uuid4(), recipient=recipient, message=message, link=subject.link if subject else None,
        subject_type=subject.type if subject else None, subject_id=subject.id if subject else None,
        subject_reference=subject.reference if subject else None, task_id=task_id, event_id=event_id,
        created_at=now,
    )
    session.add(notification)
    officer = session.get(Officer, recipient)
    if officer is not None and officer.active and officer.email_preference == "immediate":
        email.send_later(session, policy, officer, title=f"Casework: {message}"[:300],
                         body=email.message_body([notification]), event_id=event_id)
        notification.emailed_at = now
    return notification


def unread(session: Session, recipient: str, *, limit: int = 50) -> list[Notification]:
    """The recipient's unread messages, newest first."""
    return list(session.scalars(
        select(Notification).where(Notification.recipient == recipient, Notification.read_at.is_(None))
        .order_by(Notification.created_at.desc(), Notification.id).limit(limit)))


def mark_read(session: Session, notification_id: uuid.UUID, *, by: Principal, now: dt.datetime) -> Notification:
    """Officer ``by`` has read one of their messages (reading it twice changes nothing); ``NotFound``
    when it is not theirs."""
    notification = session.get(Notification, notification_id)
    if notification is None or notification.recipient != by.sub:
        raise NotFound("There is no message with that id in your inbox.")
    if notification.read_at is None:
        notification.read_at = now
    return notification
