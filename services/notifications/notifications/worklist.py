"""An officer's work: the tasks they may see and what they may do with them.

The tasks API and the web inbox both call these, so each rule is written once. A refusal is
a ``Refused`` carrying the HTTP status it answers with and a sentence for the officer.
"""

from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy import Select, or_, select
from sqlalchemy.orm import Session

from casework import audit
from casework.context import Principal
from notifications import directory, rules, workflow
from notifications.models import LIVE_TASK_STATUSES, Task
from notifications.schemas import Task as TaskSchema


class Refused(Exception):
    """The officer may not do this to the task now."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def visible(session: Session, me: Principal, stmt: Select) -> Select:
    """Only the tasks the officer may see: their own and their teams' (admins: all)."""
    if "admin" in me.roles:
        return stmt
    teams = directory.teams_of(session, me.sub)
    return stmt.where(or_(Task.assignee == me.sub, Task.team.in_(teams)))


def find(session: Session, me: Principal, task_id: uuid.UUID, *, for_update: bool = False) -> Task | None:
    stmt = visible(session, me, select(Task).where(Task.id == task_id))
    return session.scalar(stmt.with_for_update() if for_update else stmt)


def assigned_to(session: Session, officer_id: str) -> list[Task]:
    """The officer's live tasks."""
    return list(session.scalars(select(Task).where(Task.assignee == officer_id,
                                                   Task.status.in_(LIVE_TASK_STATUSES))))


def unassigned_in(session: Session, teams: list[str]) -> list[Task]:
    """The live tasks waiting in the teams' shared queues, for any member to take."""
    if not teams:
        return []
    return list(session.scalars(select(Task).where(Task.assignee.is_(None), Task.team.in_(teams),
                                                   Task.status.in_(LIVE_TASK_STATUSES))))


def created_since(session: Session, officer_id: str, teams: list[str], since: dt.datetime,
                  limit: int | None = None) -> list[Task]:
    """Live tasks made after ``since`` that are the officer's or wait in their teams' queues (the first ``limit``)."""
    mine_or_queue = or_(Task.assignee == officer_id, Task.assignee.is_(None) & Task.team.in_(teams or [""]))
    return list(session.scalars(select(Task).where(Task.created_at > since, Task.status.in_(LIVE_TASK_STATUSES),
                                                   mine_or_queue).order_by(Task.created_at, Task.id).limit(limit)))


def must_be_live(task: Task) -> None:
    if task.status not in LIVE_TASK_STATUSES:
        raise Refused(409, f"The task is already {task.status}.")


def acknowledge(session: Session, me: Principal, task: Task) -> Task:
    """Say someone has picked the task up; only an open task can be acknowledged."""
    if task.status != "open":
        raise Refused(409, f"Only an open task can be acknowledged; this one is {task.status}.")
    return _change(session, me, task, "acknowledge", "acknowledged")


def complete(session: Session, me: Principal, task: Task) -> Task:
    """Mark the task done and stop its escalation."""
    must_be_live(task)
    return _change(session, me, task, "complete", "done")


def cancel(session: Session, me: Principal, task: Task) -> Task:
    """The work is no longer needed (team leaders)."""
    must_be_live(task)
    return _change(session, me, task, "cancel", "cancelled")


def reassign(session: Session, me: Principal, policy: rules.Policy, task: Task, *, assignee: str | None,
             team: str | None) -> Task:
    """Give the task to ``assignee`` (and ``team``), if ``rules.assignment_refusal`` lets ``me``."""
    must_be_live(task)
    refusal = rules.assignment_refusal(by=me.sub, roles=me.roles, holder=task.assignee, team=task.team,
                                       to=assignee, to_team=team)
    if refusal is not None:
        raise Refused(refusal.status, refusal.message)
    before = TaskSchema().dump(task)
    workflow.reassign(session, policy, task, assignee=assignee, team=team or task.team)
    audit.changed(session, "reassign", "task", task.id, before, TaskSchema().dump(task))
    return task


def claim(session: Session, me: Principal, policy: rules.Policy, task: Task) -> Task:
    """Take a task from a team's shared queue (the same rule as any reassignment)."""
    return reassign(session, me, policy, task, assignee=me.sub, team=task.team)


def _change(session: Session, me: Principal, task: Task, action: str, status: str) -> Task:
    before = TaskSchema().dump(task)
    if status == "acknowledged":
        task.status = status
    else:
        workflow.finish(session, task, status=status, by=me.sub)
    audit.changed(session, action, "task", task.id, before, TaskSchema().dump(task))
    return task
