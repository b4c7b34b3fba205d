"""What happens to tasks: opened by events (once), closed by events or officers, reassigned."""

from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from casework import outbox, timers
from casework.db import insert_ignoring_conflict, utcnow
from notifications import directory, events, inbox
from notifications.models import Task, is_live
from notifications.rules import Policy, Subject, TasksToClose, TaskToOpen

OVERDUE = "task.overdue"
_TASKS = Task.__table__


def overdue_timer_key(task_id: uuid.UUID) -> str:
    return f"task_overdue:{task_id}"


def subject_of(task: Task) -> Subject:
    return Subject(type=task.subject_type, id=task.subject_id, service=task.subject_service,
                   reference=task.subject_reference, link=task.link or "")


def live_task(session: Session, dedup_key: str) -> Task | None:
    # The id alone, by a Core query made once (the ORM's compilation of an entity query cost
    # more than running it); the task loaded only when there is one.
    task_id = session.scalar(_LIVE_TASK, {"dedup_key": dedup_key})
    return session.get(Task, task_id) if task_id is not None else None


_LIVE_TASK = select(_TASKS.c.id).where(_TASKS.c.dedup_key == bindparam("dedup_key"),
                                       is_live(_TASKS.c.status))


def open_task(session: Session, policy: Policy, spec: TaskToOpen, *, event_id: str | None) -> uuid.UUID | None:
    """Open the task a rule asks for, unless the same rule already has one live for the subject.

    Returns the new task's id. A repeated event (e.g. a case reassigned) moves the live task
    to the new assignee instead.
    """
    # An officer away has their new tasks go to their cover (or their team's queue).
    assignee = directory.assignee_for(session, spec.assignee or directory.manager_of(session, spec.manager_of),
                                      utcnow())
    task_id = uuid.uuid4()
    # A plain INSERT rather than an ORM object and its flush: the new task is only written here.
    # The unique index on live tasks' dedup keys makes it do nothing when the rule already has a
    # task live for the subject (opened by an earlier event, or by a concurrent delivery of
    # another): only then is that task looked up. Most events open a task that is new.
    opened = insert_ignoring_conflict(session, _TASKS, {
        "id": task_id, "rule": spec.rule, "dedup_key": spec.dedup_key, "title": spec.title, "status": "open",
        "priority": spec.priority, "team": spec.team, "assignee": assignee, "due": spec.due,
        "subject_type": spec.subject.type, "subject_id": spec.subject.id, "subject_service": spec.subject.service,
        "subject_reference": spec.subject.reference, "link": spec.subject.link, "created_by_event": event_id,
        "created_at": utcnow(),
    }, returning=_TASKS.c.id)
    if opened is None:
        existing = live_task(session, spec.dedup_key)
        if existing is not None and spec.assignee and existing.assignee != assignee:
            reassign(session, policy, existing, assignee=assignee, team=existing.team, message=spec.notify,
                     event_id=event_id)
        return None
    outbox.emit(session, events.TASK_CREATED, subject=str(task_id), data=events.task_created(task_id, spec, assignee))
    if spec.due is not None and policy.escalation_enabled:
        timers.schedule_new(session, OVERDUE, key=overdue_timer_key(task_id), due_at=spec.due,
                            payload={"task_id": str(task_id)})
    if spec.notify and assignee:
        inbox.notify(session, policy, assignee, spec.notify, subject=spec.subject, task_id=task_id,
                     event_id=event_id)
    return task_id


def close_tasks(session: Session, closing: TasksToClose, *, event_id: str) -> list[Task]:
    """Close the live tasks an event resolves; returns them."""
    stmt = select(Task).where(Task.rule == closing.rule, Task.subject_type == closing.subject_type,
                              Task.subject_id == closing.subject_id, is_live(Task.status))
    if closing.dedup_key is not None:
        stmt = stmt.where(Task.dedup_key == closing.dedup_key)
    tasks = list(session.scalars(stmt.with_for_update()))
    for task in tasks:
        finish(session, task, status="done", by="event", now=utcnow(), event_id=event_id)
    return tasks


def finish(session: Session, task: Task, *, status: str, by: str, now: dt.datetime,
           event_id: str | None = None) -> None:
    """Mark a task done or cancelled and stop its overdue timer."""
    task.status = status
    task.closed_at = now
    task.closed_by = by
    task.closed_by_event = event_id
    timers.cancel(session, overdue_timer_key(task.id))


def reassign(session: Session, policy: Policy, task: Task, *, assignee: str | None, team: str | None,
             message: str | None = None, event_id: str | None = None, now: dt.datetime | None = None) -> None:
    """Give the task to another officer or team; the new assignee is told."""
    task.assignee = assignee
    task.team = team
    if assignee:
        text = message or f"A task has been assigned to you: {task.title}"
        inbox.notify(session, policy, assignee, text, subject=subject_of(task), task_id=task.id, event_id=event_id,
                     now=now)
