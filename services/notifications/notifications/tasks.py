"""What an officer does with a task: acknowledge, complete, take, hand over, cancel.

The tasks API and the web inbox both call these, so each rule is written once. Each takes the
session, the task already loaded and locked (``worklist.find``), who acts (``by``) and the clock
(``now``), and the council's ``policy`` when someone is told; it writes the task, the audit
entry, the timers and the inbox message together in the caller's transaction and returns the
task. A task no longer live is a ``Conflict``; a task not the officer's to give is ``NotAllowed``.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from casework import audit
from casework.context import Principal
from notifications import rules, workflow
from notifications.models import LIVE_TASK_STATUSES, Task
from notifications.policy import current as current_policy
from notifications.refusals import Conflict, Invalid, NotAllowed
from notifications.schemas import Task as TaskSchema


def must_be_live(task: Task) -> None:
    if task.status not in LIVE_TASK_STATUSES:
        raise Conflict(f"The task is already {task.status}.")


def acknowledge(session: Session, task: Task, *, by: Principal, now: dt.datetime) -> Task:
    """Say someone has picked the task up; only an open task can be acknowledged."""
    if task.status != "open":
        raise Conflict(f"Only an open task can be acknowledged; this one is {task.status}.")
    return _change(session, task, "acknowledge", "acknowledged", by=by, now=now)


def complete(session: Session, task: Task, *, by: Principal, now: dt.datetime, reason: str | None = None,
             policy: rules.Policy | None = None) -> Task:
    """Mark the task done by hand, with the ``reason``, and stop its escalation (see
    ``rules.hand_closing_refusal``: a task that closes itself is closed by hand only by a team leader)."""
    must_be_live(task)
    _may_close_by_hand(task, by=by, reason=reason, policy=policy)
    return _change(session, task, "complete", "done", by=by, now=now, reason=reason)


def cancel(session: Session, task: Task, *, by: Principal, now: dt.datetime, reason: str | None = None,
           policy: rules.Policy | None = None) -> Task:
    """The work is no longer needed (team leaders), for the ``reason`` given."""
    must_be_live(task)
    _may_close_by_hand(task, by=by, reason=reason, policy=policy)
    return _change(session, task, "cancel", "cancelled", by=by, now=now, reason=reason)


def closes_itself(task: Task, policy: rules.Policy | None = None) -> bool:
    """Whether the task closes itself when its work is recorded (its rule in the council's policy)."""
    return rules.closes_itself(policy or current_policy(), task.rule)


def _may_close_by_hand(task: Task, *, by: Principal, reason: str | None, policy: rules.Policy | None) -> None:
    refusal = rules.hand_closing_refusal(roles=by.roles, self_closing=closes_itself(task, policy), reason=reason)
    if refusal is None:
        return
    if refusal.status == 422:
        raise Invalid("reason", refusal.message)
    raise NotAllowed(refusal.message)


def hand_over(session: Session, task: Task, *, to: str | None, team: str | None, by: Principal,
              policy: rules.Policy, now: dt.datetime) -> Task:
    """Give the task to officer ``to`` (and ``team``), if ``rules.assignment_refusal`` lets ``by``;
    the new assignee is told in their inbox."""
    must_be_live(task)
    refusal = rules.assignment_refusal(by=by.sub, roles=by.roles, holder=task.assignee, team=task.team,
                                       to=to, to_team=team)
    if refusal is not None:
        refused = NotAllowed if refusal.status == 403 else Conflict
        raise refused(refusal.message)
    before = TaskSchema().dump(task)
    workflow.reassign(session, policy, task, assignee=to, team=team or task.team, now=now)
    audit.changed(session, "reassign", "task", task.id, before, TaskSchema().dump(task))
    return task


def take(session: Session, task: Task, *, by: Principal, policy: rules.Policy, now: dt.datetime) -> Task:
    """Take a task from a team's shared queue (the same rule as any hand-over)."""
    return hand_over(session, task, to=by.sub, team=task.team, by=by, policy=policy, now=now)


def _change(session: Session, task: Task, action: str, status: str, *, by: Principal, now: dt.datetime,
            reason: str | None = None) -> Task:
    before = TaskSchema().dump(task)
    if status == "acknowledged":
        task.status = status
    else:
        workflow.finish(session, task, status=status, by=by.sub, now=now)
        task.closed_reason = reason.strip() if reason else None
    audit.changed(session, action, "task", task.id, before, TaskSchema().dump(task), reason=task.closed_reason)
    return task
