"""Data protection in notifications: it holds no names, only references to other services' records.

A subject-access export finds the tasks, inbox messages and deliveries about the records the other
services found (``related=type:id``). The retention sweep removes the references, links and text of
done or cancelled tasks, read messages and finished deliveries after their period; what happened
and when stays for the statistics.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session

from casework.db import utcnow
from casework.literal import written_in
from casework.privacy import (
    REMOVED,
    SWEEP_BATCH,
    Found,
    LegalHold,
    RetentionRule,
    all_written,
    retention_policy,
    years_before,
)
from notifications.models import Delivery, Notification, Task
from notifications.schemas import Delivery as DeliverySchema
from notifications.schemas import Notification as NotificationSchema
from notifications.schemas import Task as TaskSchema

#: Keys of the audit snapshots of a task that name what it was about.
AUDIT_KEYS = frozenset({"title", "reference", "link", "page_url", "closed_reason"})


def _related(query: dict[str, Any]) -> list[tuple[str, str]]:
    return [tuple(r.split(":", 1)) for r in query.get("related", []) if ":" in r]


def find_subject(session: Session, query: dict[str, Any]) -> list[Found]:
    """The tasks, messages and deliveries about the records other services found for the person."""
    subjects = _related(query)
    if not subjects:
        return []
    about = or_(*(and_(Task.subject_type == kind, Task.subject_id == value) for kind, value in subjects))
    tasks = session.scalars(select(Task).where(about).order_by(Task.created_at, Task.id)).all()
    task_ids = [t.id for t in tasks]
    messages_about = or_(*(and_(Notification.subject_type == kind, Notification.subject_id == value)
                           for kind, value in subjects))
    if task_ids:
        messages_about = or_(messages_about, Notification.task_id.in_(task_ids))
    messages = session.scalars(select(Notification).where(messages_about)
                               .order_by(Notification.created_at, Notification.id)).all()
    # A delivery went out for an event that made or closed a task or a message, or (a webhook)
    # carries the record's id as its subject.
    events = {e for t in tasks for e in (t.created_by_event, t.closed_by_event) if e}
    events |= {m.event_id for m in messages if m.event_id}
    delivered = [Delivery.body.contains(f'"id":"{value}"', autoescape=True) for _kind, value in subjects]
    if events:
        delivered.append(Delivery.event_id.in_(sorted(events)))
    deliveries = session.scalars(select(Delivery).where(or_(*delivered))
                                 .order_by(Delivery.created_at, Delivery.id)).all()
    return ([Found("task", t.id, TaskSchema().dump(t)) for t in tasks]
            + [Found("notification", m.id, NotificationSchema().dump(m)) for m in messages]
            + [Found("delivery", d.id, DeliverySchema().dump(d) | {"address": d.address, "body": d.body})
               for d in deliveries])


def _cutoff(now: dt.datetime, key: str, default: float) -> dt.datetime:
    return years_before(now, retention_policy("notifications").get(key, default))


def _one_batch(session: Session, record_type: str) -> int:
    """How many due records one sweep needs: its batch, and as many more as it skips (held ones).
    Not every record past its period: each sweep would read and lock a year's backlog to anonymise
    a batch of it."""
    held = select(func.count()).select_from(LegalHold).where(LegalHold.record_type == record_type)
    return SWEEP_BATCH + (session.scalar(held) or 0)


def due_tasks(session: Session, now: dt.datetime) -> list[Task]:
    """Done or cancelled tasks closed before the period, not yet anonymised (a sweep's batch of them)."""
    return list(session.scalars(
        select(Task).where(written_in(Task.status, ("done", "cancelled")), Task.anonymised_at.is_(None),
                           Task.closed_at < _cutoff(now, "closed_task_years", 2))
        .order_by(Task.closed_at).limit(_one_batch(session, "task")).with_for_update(skip_locked=True)))


def due_notifications(session: Session, now: dt.datetime) -> list[Notification]:
    """Inbox messages read before the period, not yet anonymised (a sweep's batch of them)."""
    return list(session.scalars(
        select(Notification).where(Notification.read_at.is_not(None), Notification.anonymised_at.is_(None),
                                   Notification.read_at < _cutoff(now, "read_notification_years", 1))
        .order_by(Notification.read_at).limit(_one_batch(session, "notification"))
        .with_for_update(skip_locked=True)))


def due_deliveries(session: Session, now: dt.datetime) -> list[Delivery]:
    """Sent, delivered or failed deliveries made before the period, not yet anonymised (a sweep's batch of them)."""
    return list(session.scalars(
        select(Delivery).where(written_in(Delivery.status, ("sent", "delivered", "failed")), Delivery.anonymised_at.is_(None),
                               Delivery.created_at < _cutoff(now, "delivery_log_years", 1))
        .order_by(Delivery.created_at).limit(_one_batch(session, "delivery")).with_for_update(skip_locked=True)))


def anonymise_task(session: Session, task: Task) -> None:
    """What it was about goes; its rule, team, assignee, status and times stay."""
    task.title = REMOVED
    task.subject_reference = task.link = task.closed_reason = None
    task.anonymised_at = utcnow()
    all_written(task, "title", "subject_reference", "link", "closed_reason", "anonymised_at")


def anonymise_notification(session: Session, notification: Notification) -> None:
    notification.message = REMOVED
    notification.subject_reference = notification.link = None
    notification.anonymised_at = utcnow()
    all_written(notification, "message", "subject_reference", "link", "anonymised_at")


def anonymise_delivery(session: Session, delivery: Delivery) -> None:
    """The address, title and body go; channel, status, attempts and times stay."""
    delivery.address = delivery.title = delivery.body = REMOVED
    delivery.last_error = None
    delivery.anonymised_at = utcnow()
    all_written(delivery, "address", "title", "body", "last_error", "anonymised_at")


RETENTION = [
    RetentionRule("task", due=due_tasks, anonymise=anonymise_task, audit_keys=AUDIT_KEYS),
    RetentionRule("notification", due=due_notifications, anonymise=anonymise_notification),
    RetentionRule("delivery", due=due_deliveries, anonymise=anonymise_delivery),
]


#: What a legal hold may be placed on.
HOLDABLE = {"task": Task, "notification": Notification, "delivery": Delivery}
