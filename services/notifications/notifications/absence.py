"""Officers away (leave, sickness): their open tasks move to a colleague in one action, and the
tasks rules would give them meanwhile go to that colleague instead.

The directory page and the officers API call these (admins only). Each writes the officer, the
tasks, an audit entry per change and the colleague's inbox messages together in the caller's
transaction. Moving tasks twice moves nothing the second time: only live tasks still held by the
officer move.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from casework import audit
from casework.context import Principal
from casework.workdays import london_today
from notifications import workflow
from notifications.directory import is_away
from notifications.models import Officer, Task, is_live
from notifications.refusals import Invalid, NotAllowed
from notifications.rules import Policy
from notifications.schemas import Officer as OfficerSchema
from notifications.schemas import Task as TaskSchema

#: Who marks officers away and moves their work.
MANAGES_DIRECTORY = frozenset({"admin"})


def move_open_tasks(session: Session, *, from_officer: Officer, to: str, by: Principal, reason: str | None,
                    policy: Policy, now: dt.datetime) -> list[Task]:
    """Give every live (open or acknowledged) task ``from_officer`` holds to officer ``to``, each
    audited and the colleague told in their inbox as for any hand-over; returns the tasks moved.
    ``to`` must be another active officer who is not away (``Invalid`` on ``tasks_to``)."""
    _must_manage(by)
    _must_be_able_to_cover(session, from_officer, to, now)
    held = session.scalars(select(Task).where(Task.assignee == from_officer.id, is_live(Task.status))
                           .order_by(Task.due.asc().nulls_last(), Task.created_at, Task.id).with_for_update())
    moved = list(held)
    why = reason or f"{from_officer.name or from_officer.id} is away"
    for task in moved:
        before = TaskSchema().dump(task)
        workflow.reassign(session, policy, task, assignee=to, team=task.team, now=now)
        audit.changed(session, "reassign", "task", task.id, before, TaskSchema().dump(task), reason=why[:500])
    return moved


def mark_away(session: Session, officer: Officer, *, starts: dt.date | None, until: dt.date | None, tasks_to: str,
              by: Principal, reason: str | None, policy: Policy, now: dt.datetime) -> list[Task]:
    """Mark ``officer`` away from ``starts`` (default today) to ``until`` (the last day away; none:
    until marked back), covered by ``tasks_to``, and move their open tasks to them now. Returns
    the tasks moved."""
    _must_manage(by)
    starts = starts or london_today(now)
    if until is not None and until < starts:
        raise Invalid("until", "The last day away must be on or after the first")
    _must_be_able_to_cover(session, officer, tasks_to, now)
    before = OfficerSchema().dump(officer)
    officer.away_from, officer.away_until, officer.cover_id = starts, until, tasks_to
    audit.changed(session, "away", "officer", officer.id, before, OfficerSchema().dump(officer),
                  reason=(reason or None) and reason[:500])
    return move_open_tasks(session, from_officer=officer, to=tasks_to, by=by, reason=reason, policy=policy, now=now)


def mark_back(session: Session, officer: Officer, *, by: Principal) -> Officer:
    """The officer is back: new tasks come to them again (the tasks moved stay with their cover)."""
    _must_manage(by)
    if officer.away_from is None:
        return officer
    before = OfficerSchema().dump(officer)
    officer.away_from = officer.away_until = officer.cover_id = None
    audit.changed(session, "back", "officer", officer.id, before, OfficerSchema().dump(officer))
    return officer


def _must_manage(by: Principal) -> None:
    if not by.roles & MANAGES_DIRECTORY:
        raise NotAllowed("Only an administrator may mark officers away or move their tasks.")


def _must_be_able_to_cover(session: Session, officer: Officer, colleague_id: str, now: dt.datetime) -> None:
    colleague = session.get(Officer, colleague_id) if colleague_id else None
    if colleague is None or not colleague.active:
        raise Invalid("tasks_to", "Choose a colleague who is in the directory")
    if colleague.id == officer.id:
        raise Invalid("tasks_to", "Choose a colleague other than the officer who is away")
    if is_away(colleague, now):
        raise Invalid("tasks_to", f"{colleague.name or colleague.id} is away too: choose a colleague who is in")


def open_tasks_of(session: Session, officer_id: str) -> list[Task]:
    """The live tasks the officer holds (what marking them away would move)."""
    return list(session.scalars(select(Task).where(Task.assignee == officer_id, is_live(Task.status))))
