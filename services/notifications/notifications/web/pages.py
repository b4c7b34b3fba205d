"""The inbox page and its form posts: each works without JavaScript (post, then redirect back)."""

from __future__ import annotations

import datetime as dt
import functools
import uuid

from flask import flash, redirect, url_for

from casework.context import Principal
from casework.db import as_utc, utcnow
from casework.pages import officer_page, render
from casework.web import db_session
from notifications import directory, inbox, policy, tasks, worklist
from notifications.models import Officer
from notifications.refusals import NotFound, Refused

from . import wording
from .blueprint import blueprint
from .common import inbox_settings, service_urls

#: Live updates look this far behind the page's own query, for tasks committed a little late;
#: the page's script ignores a task it already shows.
UPDATES_SLACK = dt.timedelta(seconds=30)


@blueprint.get("/inbox")
def old_inbox():
    """The inbox's old address."""
    return redirect(url_for("inbox_page.inbox"), 301)


@blueprint.get("/app/inbox", endpoint="inbox")
@officer_page()
def inbox_page(me: Principal):
    session = db_session()
    now = utcnow()
    teams = directory.teams_of(session, me.sub)
    urls = service_urls()
    officer = session.get(Officer, me.sub)
    return render(
        "notifications/inbox.html", officer_name=(officer.name if officer else "") or me.name or me.sub, teams=teams,
        mine=wording.cards(worklist.assigned_to(session, me.sub), now, urls),
        queue=wording.cards(worklist.unassigned_in(session, teams), now, urls),
        notifications=inbox.unread(session, me.sub),
        when=wording.when, as_utc=as_utc,
        updates_since=(now - UPDATES_SLACK).isoformat(), poll_seconds=inbox_settings().poll_seconds,
    )


def _task_action(me: Principal, task_id: uuid.UUID, change, done: str):
    session = db_session()
    task = worklist.find(session, me, task_id, for_update=True)
    if task is None:
        flash("There is no such task, or it is not yours or your team's.", "error")
        return redirect(url_for("inbox_page.inbox"), 303)
    try:
        change(session, task, by=me, now=utcnow())
    except Refused as refused:
        flash(f"{task.title}: {refused.message}", "error")
        return redirect(url_for("inbox_page.inbox"), 303)
    flash(f"{done}: {task.title}", "success")
    return redirect(url_for("inbox_page.inbox"), 303)


@blueprint.post("/app/inbox/tasks/<uuid:task_id>/acknowledge")
@officer_page()
def acknowledge_task(me: Principal, task_id: uuid.UUID):
    return _task_action(me, task_id, tasks.acknowledge, "Task acknowledged")


@blueprint.post("/app/inbox/tasks/<uuid:task_id>/done")
@officer_page()
def complete_task(me: Principal, task_id: uuid.UUID):
    return _task_action(me, task_id, tasks.complete, "Task done")


@blueprint.post("/app/inbox/tasks/<uuid:task_id>/claim")
@officer_page()
def claim_task(me: Principal, task_id: uuid.UUID):
    return _task_action(me, task_id, functools.partial(tasks.take, policy=policy.current()), "Task taken")


@blueprint.post("/app/inbox/notifications/<uuid:notification_id>/read")
@officer_page()
def read_notification(me: Principal, notification_id: uuid.UUID):
    try:
        inbox.mark_read(db_session(), notification_id, by=me, now=utcnow())
    except NotFound:
        flash("There is no such message in your inbox.", "error")
    else:
        flash("Message marked as read.", "success")
    return redirect(url_for("inbox_page.inbox"), 303)
