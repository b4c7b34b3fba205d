"""An officer's work: the tasks they may see, theirs and their teams' queues.

The tasks API and the web inbox both read tasks through these, so who sees what is written
once; what they do with a task is in ``notifications.tasks``.
"""

from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy import ColumnElement, Select, or_, select
from sqlalchemy.orm import Session

from casework.context import Principal
from notifications import directory
from notifications.models import LIVE_TASK_STATUSES, Task


def seen_by(session: Session, me: Principal) -> tuple[ColumnElement[bool], ...]:
    """The condition on tasks the officer may see: their own and their teams' (admins: all)."""
    if "admin" in me.roles:
        return ()
    teams = directory.teams_of(session, me.sub)
    return (or_(Task.assignee == me.sub, Task.team.in_(teams)),)


def visible(session: Session, me: Principal, stmt: Select) -> Select:
    """Only the tasks the officer may see."""
    return stmt.where(*seen_by(session, me))


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
