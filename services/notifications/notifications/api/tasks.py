"""Tasks: every officer reads and works their own and their teams' tasks; admins all of them."""

from __future__ import annotations

import uuid

from flask.views import MethodView
from flask_smorest import Blueprint
from sqlalchemy import Select, or_, select

from casework import audit
from casework.auth import OFFICER_ROLES, current, roles
from casework.db import utcnow
from casework.web import SelectPage, abort, db_session
from notifications import directory, handlers, workflow
from notifications.models import LIVE_TASK_STATUSES, Task
from notifications.schemas import Task as TaskSchema
from notifications.schemas import TaskAssignment, TaskQueryArgs

blp = Blueprint("tasks", __name__, url_prefix="/tasks", description="Officers' and teams' tasks.")


def visible(stmt: Select) -> Select:
    """Only the tasks the caller may see: their own and their teams'."""
    me = current()
    if "admin" in me.roles:
        return stmt
    teams = directory.teams_of(db_session(), me.sub)
    return stmt.where(or_(Task.assignee == me.sub, Task.team.in_(teams)))


def get_task(task_id: uuid.UUID, *, for_update: bool = False) -> Task:
    stmt = visible(select(Task).where(Task.id == task_id))
    task = db_session().scalar(stmt.with_for_update() if for_update else stmt)
    if task is None:
        abort(404, "There is no task with that id, or you may not see it.")
    return task


def must_be_live(task: Task) -> None:
    if task.status not in LIVE_TASK_STATUSES:
        abort(409, f"The task is already {task.status}.")


@blp.route("")
class Tasks(MethodView):
    @roles(*OFFICER_ROLES)
    @blp.arguments(TaskQueryArgs, location="query")
    @blp.response(200, TaskSchema(many=True))
    @blp.paginate(SelectPage)
    def get(self, args):
        """List tasks

        The caller's own and their teams' tasks (admins: all), soonest due first. Filter by
        `assignee`, `team`, `status`, `overdue`, `due_before` and `subject_id`.
        """
        stmt = visible(select(Task)).order_by(Task.due.asc().nulls_last(), Task.created_at, Task.id)
        for name in ("assignee", "team", "status", "subject_id"):
            if name in args:
                stmt = stmt.where(getattr(Task, name) == args[name])
        if "due_before" in args:
            stmt = stmt.where(Task.due < args["due_before"])
        if "overdue" in args:
            late = Task.status.in_(LIVE_TASK_STATUSES) & (Task.due < utcnow())
            stmt = stmt.where(late if args["overdue"] else ~late | Task.due.is_(None))
        return stmt


@blp.route("/<uuid:task_id>")
class TaskById(MethodView):
    @roles(*OFFICER_ROLES)
    @blp.response(200, TaskSchema)
    def get(self, task_id):
        """Read a task"""
        return get_task(task_id)


def _change(task: Task, action: str, status: str) -> Task:
    session = db_session()
    before = TaskSchema().dump(task)
    if status == "acknowledged":
        task.status = status
    else:
        workflow.finish(session, task, status=status, by=current().sub)
    audit.changed(session, action, "task", task.id, before, TaskSchema().dump(task))
    return task


@blp.route("/<uuid:task_id>/acknowledge", methods=["POST"])
class TaskAcknowledgement(MethodView):
    @roles(*OFFICER_ROLES)
    @blp.response(200, TaskSchema)
    def post(self, task_id):
        """Acknowledge a task

        Says someone has picked it up. Only an open task can be acknowledged (else 409).
        """
        task = get_task(task_id, for_update=True)
        if task.status != "open":
            abort(409, f"Only an open task can be acknowledged; this one is {task.status}.")
        return _change(task, "acknowledge", "acknowledged")


@blp.route("/<uuid:task_id>/complete", methods=["POST"])
class TaskCompletion(MethodView):
    @roles(*OFFICER_ROLES)
    @blp.response(200, TaskSchema)
    def post(self, task_id):
        """Complete a task

        Marks it done and stops its escalation. A task already done or cancelled is 409.
        """
        task = get_task(task_id, for_update=True)
        must_be_live(task)
        return _change(task, "complete", "done")


@blp.route("/<uuid:task_id>/cancel", methods=["POST"])
class TaskCancellation(MethodView):
    @roles("team_leader")
    @blp.response(200, TaskSchema)
    def post(self, task_id):
        """Cancel a task

        For team leaders: the work is no longer needed. A task already done or cancelled is 409.
        """
        task = get_task(task_id, for_update=True)
        must_be_live(task)
        return _change(task, "cancel", "cancelled")


@blp.route("/<uuid:task_id>/assignment", methods=["POST"])
class TaskReassignment(MethodView):
    @roles(*OFFICER_ROLES)
    @blp.arguments(TaskAssignment)
    @blp.response(200, TaskSchema)
    def post(self, data, task_id):
        """Reassign a task

        Team leaders and admins give a task to any officer or team; other officers may only
        take a task for themselves. The new assignee is told in their inbox.
        """
        session = db_session()
        task = get_task(task_id, for_update=True)
        must_be_live(task)
        me = current()
        if not me.has_any("team_leader") and (data["assignee"] != me.sub or data["team"] not in (None, task.team)):
            abort(403, "Only a team leader may give a task to someone else or another team.")
        before = TaskSchema().dump(task)
        workflow.reassign(session, handlers.policy(), task, assignee=data["assignee"],
                          team=data["team"] or task.team)
        audit.changed(session, "reassign", "task", task.id, before, TaskSchema().dump(task))
        return task
