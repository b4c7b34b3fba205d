"""An officer's work: the tasks they may see, theirs and their teams' queues.

The tasks API and the web inbox both read tasks through these, so who sees what is written
once; what they do with a task is in ``notifications.tasks``.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

from sqlalchemy import ColumnElement, Select, case, func, or_, select
from sqlalchemy.orm import Session

from casework.context import Principal
from notifications import directory
from notifications.models import Task, Team, is_live
from notifications.refusals import NotAllowed


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


def assigned_to(session: Session, officer_id: str, *, limit: int | None = None) -> list[Task]:
    """The officer's live tasks (any ``limit`` of them: enough to know there are more)."""
    return list(session.scalars(select(Task).where(Task.assignee == officer_id,
                                                   is_live(Task.status)).limit(limit)))


def unassigned_in(session: Session, teams: list[str], *, limit: int | None = None) -> list[Task]:
    """The live tasks waiting in the teams' shared queues, for any member to take (any ``limit`` of them)."""
    if not teams:
        return []
    return list(session.scalars(select(Task).where(Task.assignee.is_(None), Task.team.in_(teams),
                                                   is_live(Task.status)).limit(limit)))


def created_since(session: Session, officer_id: str, teams: list[str], since: dt.datetime,
                  limit: int | None = None) -> list[Task]:
    """Live tasks made after ``since`` that are the officer's or wait in their teams' queues (the first ``limit``)."""
    mine_or_queue = or_(Task.assignee == officer_id, Task.assignee.is_(None) & Task.team.in_(teams or [""]))
    return list(session.scalars(select(Task).where(Task.created_at > since, is_live(Task.status),
                                                   mine_or_queue).order_by(Task.created_at, Task.id).limit(limit)))


# -- a team's workload ----------------------------------------------------------------------

#: Who sees a team's workload: its team leaders (members or its manager), and admins for every team.
SEES_WORKLOAD = frozenset({"team_leader", "admin"})


@dataclass(frozen=True)
class Load:
    """One officer's (or the shared queue's, ``officer_id`` None) live tasks in a team."""

    officer_id: str | None
    name: str | None
    open: int
    overdue: int


@dataclass(frozen=True)
class Workload:
    team: str
    officers: list[Load]
    unassigned: Load


def team_workload(session: Session, team: Team, *, by: Principal, now: dt.datetime) -> Workload:
    """The team's live (open or acknowledged) and overdue tasks by officer: every member, with
    none if they have none, and anyone else holding one of the team's tasks; then the team's
    shared queue. For the team's leaders (``NotAllowed`` for anyone else); admins see any team.

    Two statements after the team's: the directory's officers (three columns: whether the reader
    is in the team, the members, the other holders' names) and the tasks counted by assignee."""
    if not by.roles & SEES_WORKLOAD:
        raise NotAllowed("Only the team's leaders see its workload.")
    officers = directory.roster(session)
    if "admin" not in by.roles and by.sub != team.manager_id and team.slug not in officers.get(by.sub, ("", [], False))[1]:
        raise NotAllowed("Only the team's leaders see its workload.")
    late = case((Task.due < now, 1), else_=0)
    rows = session.execute(
        select(Task.assignee, func.count(), func.coalesce(func.sum(late), 0))
        .where(Task.team == team.slug, is_live(Task.status)).group_by(Task.assignee)).all()
    counts = {assignee: (int(live), int(overdue)) for assignee, live, overdue in rows}
    members = directory.members(officers, team)
    holders = sorted(a for a in counts if a is not None and a not in members)
    loads = [Load(officer_id, name, *counts.get(officer_id, (0, 0)))
             for officer_id, name in [*sorted(members.items(), key=lambda m: ((m[1] or m[0]).lower(), m[0])),
                                      *((h, officers.get(h, (None,))[0]) for h in holders)]]
    return Workload(team=team.slug, officers=loads, unassigned=Load(None, None, *counts.get(None, (0, 0))))


# -- an officer's tasks as a table ----------------------------------------------------------


@dataclass(frozen=True)
class TableFilters:
    """Which of an officer's tasks a table shows: ``whose`` "mine", "queue" (their teams' shared
    queues) or "all" of both; then any of status, priority, overdue only and subject type."""

    whose: str = "all"
    status: str | None = None
    priority: str | None = None
    overdue: bool = False
    subject_type: str | None = None
    #: Soonest due first (no due date last), or latest due first.
    latest_first: bool = False


def table(session: Session, officer_id: str, teams: list[str], filters: TableFilters, *, now: dt.datetime,
          offset: int = 0, limit: int = 25) -> tuple[list[Task], int]:
    """One page (``offset``, ``limit``) of the officer's live tasks and their teams' queued ones,
    filtered and ordered by due, with how many there are in all."""
    mine = Task.assignee == officer_id
    queue = Task.assignee.is_(None) & Task.team.in_(teams or [""])
    where = [is_live(Task.status),
             {"mine": mine, "queue": queue}.get(filters.whose, or_(mine, queue))]
    if filters.status:
        where.append(Task.status == filters.status)
    if filters.priority:
        where.append(Task.priority == filters.priority)
    if filters.overdue:
        where.append(Task.due < now)
    if filters.subject_type:
        where.append(Task.subject_type == filters.subject_type)
    due = Task.due.desc().nulls_last() if filters.latest_first else Task.due.asc().nulls_last()
    total = session.scalar(select(func.count()).select_from(Task).where(*where)) or 0
    found = session.scalars(select(Task).where(*where).order_by(due, Task.created_at, Task.id)
                            .offset(offset).limit(limit))
    return list(found), int(total)
