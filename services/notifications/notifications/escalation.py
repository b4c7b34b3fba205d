"""Overdue tasks escalate once to the manager of the task's team, and ``task.overdue`` is published."""

from __future__ import annotations

import uuid

from sqlalchemy.orm import Session

from casework import outbox
from casework.db import utcnow
from casework.timers import Timer
from notifications import directory, events, inbox
from notifications.models import LIVE_TASK_STATUSES, Task
from notifications.rules import Policy
from notifications.workflow import subject_of


def escalate_overdue(session: Session, timer: Timer, *, policy: Policy) -> None:
    """Timer handler, fired at the task's due time: escalate it unless it was done meanwhile."""
    task = session.get(Task, uuid.UUID(timer.payload["task_id"]), with_for_update=True)
    if task is None or task.status not in LIVE_TASK_STATUSES or task.escalated_at is not None:
        return
    manager = directory.manager_of(session, task.team)
    task.escalated_at = utcnow()
    task.escalated_to = manager
    subject = subject_of(task)
    if manager:
        inbox.notify(session, policy, manager, f"Overdue: {task.title}", subject=subject, task_id=task.id)
    outbox.emit(session, events.TASK_OVERDUE, subject=str(task.id), data=events.task_overdue(task, subject, manager))
