"""The inbox page and its form posts: each works without JavaScript (post, then redirect back)."""

from __future__ import annotations

import datetime as dt
import functools
import math
import uuid

from flask import flash, redirect, request, url_for
from sqlalchemy import select

from casework.context import Principal
from casework.db import as_utc, utcnow
from casework.pages import officer_page, render
from casework.web import db_session
from notifications import directory, inbox, policy, tasks, worklist
from notifications.models import Officer, Team
from notifications.refusals import Conflict, Invalid, NotAllowed, NotFound, Refused

from . import wording
from .blueprint import blueprint
from .common import inbox_settings, service_urls
from .forms import CloseTaskForm

#: Live updates look this far behind the page's own query, for tasks committed a little late;
#: the page's script ignores a task it already shows.
UPDATES_SLACK = dt.timedelta(seconds=30)
#: More live tasks than this (the officer's and their teams' queues together) show as a table.
TABLE_OVER = 20
#: Rows on one page of the table.
PAGE_SIZE = 25
TABLE_CHOICES = {"whose": ("all", "mine", "queue"), "status": ("open", "acknowledged"),
                 "priority": tuple(wording.PRIORITY_RANK), "subject_type": tuple(wording.SUBJECT_NAMES)}


@blueprint.get("/inbox")
def old_inbox():
    """The inbox's old address."""
    return redirect(url_for("inbox_page.inbox"), 301)


@blueprint.get("/app/inbox", endpoint="inbox")
@officer_page()
def inbox_page(me: Principal):
    """The officer's tasks and their teams' queues as cards; a long list (or ``?view=table``) as a
    table with filters, sorted by due and paginated (all plain links and a GET form: no script needed)."""
    session = db_session()
    now = utcnow()
    teams = directory.teams_of(session, me.sub)
    urls = service_urls()
    officer = session.get(Officer, me.sub)
    common = dict(officer_name=(officer.name if officer else "") or me.name or me.sub, teams=teams,
                  notifications=inbox.unread(session, me.sub), when=wording.when, as_utc=as_utc,
                  updates_since=(now - UPDATES_SLACK).isoformat(), poll_seconds=inbox_settings().poll_seconds,
                  leads=bool(me.roles & worklist.SEES_WORKLOAD))
    view = request.args.get("view")
    if view != "table":
        # Whether the list is short enough for cards needs no more than TABLE_OVER + 1 of each:
        # a long queue is not read (nor worded) twice, once to count it and once for the table.
        enough = None if view == "cards" else TABLE_OVER + 1
        mine = worklist.assigned_to(session, me.sub, limit=enough)
        queue = worklist.unassigned_in(session, teams, limit=enough)
        if view == "cards" or len(mine) + len(queue) <= TABLE_OVER:
            return render("notifications/inbox.html", view="cards", mine=wording.cards(mine, now, urls),
                          queue=wording.cards(queue, now, urls), **common)
    chosen = {name: (request.args.get(name) if request.args.get(name) in allowed else None)
              for name, allowed in TABLE_CHOICES.items()}
    filters = worklist.TableFilters(whose=chosen["whose"] or "all", status=chosen["status"],
                                    priority=chosen["priority"], overdue=request.args.get("overdue") == "yes",
                                    subject_type=chosen["subject_type"], latest_first=request.args.get("sort") == "-due")
    page = max(1, request.args.get("page", 1, type=int) or 1)
    rows, total = worklist.table(session, me.sub, teams, filters, now=now, offset=(page - 1) * PAGE_SIZE,
                                 limit=PAGE_SIZE)
    # The table shows one filtered page: a task older than the page is no news, so no slack here
    # (a task committed late only goes unannounced; it is in the list when next drawn).
    common["updates_since"] = now.isoformat()
    return render("notifications/inbox.html", view="table", rows=[wording.card(t, now, urls) for t in rows],
                  mine_ids={str(t.id) for t in rows if t.assignee == me.sub}, select_items=_select_items(chosen),
                  total=total, page=page, pages=max(1, math.ceil(total / PAGE_SIZE)), filters=filters,
                  choices=TABLE_CHOICES, subject_names=wording.SUBJECT_NAMES, args=request.args.to_dict(), **common)


#: What each filter's choices say (beyond the value capitalised).
CHOICE_WORDS = {"whose": {"all": "Yours and your teams’", "mine": "Yours", "queue": "Your teams’ unassigned"},
                "subject_type": wording.SUBJECT_NAMES}
ANY = {"status": "Any status", "priority": "Any priority", "subject_type": "Anything"}


def _select_items(chosen: dict[str, str | None]) -> dict[str, list[dict]]:
    """The GOV.UK select items of each filter, the chosen one selected."""
    return {name: ([{"value": "", "text": ANY[name]}] if name in ANY else [])
            + [{"value": value, "text": CHOICE_WORDS.get(name, {}).get(value, value.capitalize()),
                "selected": chosen[name] == value} for value in allowed]
            for name, allowed in TABLE_CHOICES.items()}


@blueprint.get("/app/inbox/tasks/<uuid:task_id>")
@officer_page()
def task_page(me: Principal, task_id: uuid.UUID):
    """One task: what it is about, where its work is done, and what the officer may do with it."""
    return _task_page(me, task_id, CloseTaskForm())


def _task_page(me: Principal, task_id: uuid.UUID, form: CloseTaskForm, status: int = 200):
    session = db_session()
    task = worklist.find(session, me, task_id)
    if task is None:
        flash("There is no such task, or it is not yours or your team's.", "error")
        return redirect(url_for("inbox_page.inbox"), 303)
    return render("notifications/task.html", status, task=wording.card(task, utcnow(), service_urls()),
                  mine=task.assignee == me.sub, form=form, leads=bool(me.roles & worklist.SEES_WORKLOAD))


@blueprint.get("/app/inbox/team")
@officer_page(*worklist.SEES_WORKLOAD)
def team_page(me: Principal):
    """Team leaders: each of their teams' officers' open and overdue tasks, and the shared queue."""
    session = db_session()
    slugs = directory.teams_of(session, me.sub)
    if "admin" in me.roles:
        slugs = sorted(session.scalars(select(Team.slug)))
    now = utcnow()
    loads = []
    for slug in slugs:
        team = session.get(Team, slug)
        try:
            loads.append((team, worklist.team_workload(session, team, by=me, now=now)))
        except NotAllowed:
            continue
    return render("notifications/team.html", loads=loads)


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
    """Close a task by hand, with the reason (the use case says whether it may be and audits it);
    a refusal shows on the task's page beside the reason."""
    form = CloseTaskForm()
    if not form.validate():
        return _task_page(me, task_id, form, 422)
    session = db_session()
    task = worklist.find(session, me, task_id, for_update=True)
    if task is None:
        flash("There is no such task, or it is not yours or your team's.", "error")
        return redirect(url_for("inbox_page.inbox"), 303)
    try:
        tasks.complete(session, task, by=me, now=utcnow(), reason=form.reason.data, policy=policy.current())
    except Invalid as refused:
        form.reason.errors = [refused.message]
        return _task_page(me, task_id, form, 422)
    except NotAllowed as refused:
        form.reason.errors = [refused.message]
        return _task_page(me, task_id, form, 403)
    except Conflict as refused:
        flash(f"{task.title}: {refused.message}", "error")
        return redirect(url_for("inbox_page.inbox"), 303)
    flash(f"Task done: {task.title}", "success")
    return redirect(url_for("inbox_page.inbox"), 303)


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
