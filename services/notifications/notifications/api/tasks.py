"""Tasks: every officer reads and works their own and their teams' tasks; admins all of them."""

from __future__ import annotations

import uuid

from flask.views import MethodView
from sqlalchemy import Select, select

from casework.auth import OFFICER_ROLES, current, roles
from casework.db import utcnow
from casework.literal import written_in
from casework.web import Blueprint, SelectPage, db_session, get_or_404
from notifications import policy, tasks, worklist
from notifications.api.common import refusals
from notifications.models import Task, is_live
from notifications.schemas import Task as TaskSchema
from notifications.schemas import TaskAssignment, TaskClosing, TaskQueryArgs

blp = Blueprint("tasks", __name__, url_prefix="/tasks", description="Officers' and teams' tasks.")


def visible(stmt: Select) -> Select:
    """Only the tasks the caller may see: their own and their teams'."""
    return worklist.visible(db_session(), current(), stmt)


def get_task(task_id: uuid.UUID, *, for_update: bool = False) -> Task:
    session = db_session()
    return get_or_404(session, Task, task_id, where=worklist.seen_by(session, current()), lock=for_update,
                      detail="There is no task with that id, or you may not see it.")


@blp.route("")
class Tasks(MethodView):
    @roles(*OFFICER_ROLES)
    @blp.arguments(TaskQueryArgs, location="query")
    @blp.response(200, TaskSchema(many=True))
    @blp.paginate(SelectPage)
    def get(self, args):
        """List tasks

        The caller's own and their teams' tasks (admins: all), soonest due first. Filter by
        `assignee`, `team`, `status`, `overdue`, `due_before` and `subject_id`. Five years of a
        council's tasks run to millions: `X-Pagination` counts up to 10,000 of them (a total of 10,001 means more).
        """
        stmt = visible(select(Task)).order_by(Task.due.asc().nulls_last(), Task.created_at, Task.id)
        for name in ("assignee", "team", "subject_id"):
            if name in args:
                stmt = stmt.where(getattr(Task, name) == args[name])
        if "status" in args:  # one of TASK_STATUSES (the schema's OneOf): written in, as ix_tasks_live_due has it
            stmt = stmt.where(written_in(Task.status, (args["status"],)))
        if "due_before" in args:
            stmt = stmt.where(Task.due < args["due_before"])
        if "overdue" in args:
            late = is_live(Task.status) & (Task.due < utcnow())
            stmt = stmt.where(late if args["overdue"] else ~late | Task.due.is_(None))
        return stmt


@blp.route("/<uuid:task_id>")
class TaskById(MethodView):
    @roles(*OFFICER_ROLES)
    @blp.response(200, TaskSchema)
    def get(self, task_id):
        """Read a task"""
        return get_task(task_id)


@blp.route("/<uuid:task_id>/acknowledge", methods=["POST"])
class TaskAcknowledgement(MethodView):
    @roles(*OFFICER_ROLES)
    @blp.response(200, TaskSchema)
    def post(self, task_id):
        """Acknowledge a task

        Says someone has picked it up. Only an open task can be acknowledged (else 409).
        """
        with refusals():
            return tasks.acknowledge(db_session(), get_task(task_id, for_update=True), by=current(), now=utcnow())


@blp.route("/<uuid:task_id>/complete", methods=["POST"])
class TaskCompletion(MethodView):
    @roles(*OFFICER_ROLES)
    @blp.arguments(TaskClosing, example={"reason": "Rang the tenant back; nothing more to do."})
    @blp.response(200, TaskSchema)
    def post(self, data, task_id):
        """Complete a task by hand

        Marks it done and stops its escalation, with the `reason` (required: 422 without it),
        kept on the task and in its audit trail. A task that closes itself when its work is
        recorded (`closes_itself`: triage the referral, record the visit…) is done by doing that
        work on its `page_url`: only a team leader may close one by hand (else 403). A task
        already done or cancelled is 409.
        """
        with refusals():
            return tasks.complete(db_session(), get_task(task_id, for_update=True), by=current(), now=utcnow(),
                                  reason=data["reason"], policy=policy.current())


@blp.route("/<uuid:task_id>/cancel", methods=["POST"])
class TaskCancellation(MethodView):
    @roles("team_leader")
    @blp.arguments(TaskClosing, example={"reason": "The tenant moved away before the visit."})
    @blp.response(200, TaskSchema)
    def post(self, data, task_id):
        """Cancel a task

        For team leaders: the work is no longer needed, for the `reason` given (required: 422
        without it), kept on the task and in its audit trail. A task already done or cancelled
        is 409.
        """
        with refusals():
            return tasks.cancel(db_session(), get_task(task_id, for_update=True), by=current(), now=utcnow(),
                                reason=data["reason"], policy=policy.current())


@blp.route("/<uuid:task_id>/assignment", methods=["POST"])
class TaskReassignment(MethodView):
    @roles(*OFFICER_ROLES)
    @blp.arguments(TaskAssignment)
    @blp.response(200, TaskSchema)
    def post(self, data, task_id):
        """Reassign a task

        Team leaders and admins give a task to any officer or team; other officers may only
        take a task for themselves (else 403), and only one nobody has yet: a teammate's task is
        409, for a team leader to hand over. The new assignee is told in their inbox.
        """
        task = get_task(task_id, for_update=True)
        with refusals():
            return tasks.hand_over(db_session(), task, to=data["assignee"], team=data["team"], by=current(),
                                   policy=policy.current(), now=utcnow())
