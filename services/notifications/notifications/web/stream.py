"""Live updates: server-sent events telling the open inbox page of new tasks.

Each connection polls the database about once a second for live tasks made since the page was
drawn (the officer's own, and those waiting in their teams' queues), sends each once as a rendered
row, says something every ``heartbeat_seconds`` so proxies keep it open, and ends after
``stream_seconds``; the browser's EventSource then reconnects, carrying the last event id.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import time

from flask import Response, current_app, render_template, request, stream_with_context
from sqlalchemy.exc import SQLAlchemyError

from casework.context import Principal
from casework.db import as_utc, utcnow
from notifications import directory, worklist

from . import wording
from .blueprint import blueprint
from .pages import STREAM_SLACK, service_urls
from .signin import inbox_settings, signed_in

log = logging.getLogger(__name__)


def _since(value: str | None) -> dt.datetime | None:
    if not value:
        return None
    try:
        parsed = dt.datetime.fromisoformat(value)
    except ValueError:
        return None
    return as_utc(parsed) if parsed.tzinfo else parsed.replace(tzinfo=dt.UTC)


@blueprint.get("/inbox/events")
@signed_in
def inbox_events(me: Principal):
    settings = inbox_settings()
    db = current_app.extensions["casework"].db
    reconnected = _since(request.headers.get("Last-Event-ID"))
    since = (reconnected - STREAM_SLACK) if reconnected else (_since(request.args.get("since")) or utcnow())
    with db.transaction() as session:
        teams = directory.teams_of(session, me.sub)

    def events():
        cursor = since
        sent: set[str] = set()
        ends = time.monotonic() + settings.stream_seconds
        quiet_since = time.monotonic()
        yield "retry: 2000\n\n"
        while time.monotonic() < ends:
            try:
                with db.transaction() as session:
                    found = worklist.created_since(session, me.sub, teams, since)
            except SQLAlchemyError:
                log.warning("inbox stream ended: the database did not answer", exc_info=True)
                return  # the browser reconnects after ``retry``
            now = utcnow()
            fresh = [t for t in found if str(t.id) not in sent]
            for task in fresh:
                sent.add(str(task.id))
                cursor = max(cursor, as_utc(task.created_at))
                yield _task_event(task, me, now, cursor)
            if fresh:
                quiet_since = time.monotonic()
            elif time.monotonic() - quiet_since >= settings.heartbeat_seconds:
                quiet_since = time.monotonic()
                yield ": still here\n\n"
            time.sleep(settings.poll_seconds)

    return Response(stream_with_context(events()), mimetype="text/event-stream",
                    headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"})


def _task_event(task, me: Principal, now: dt.datetime, cursor: dt.datetime) -> str:
    card = wording.card(task, now, service_urls())
    section = "mine" if task.assignee == me.sub else "queue"
    body = {"id": card.id, "title": card.title, "section": section,
            "html": render_template("_task.html", task=card, section=section)}
    return f"id: {cursor.isoformat()}\nevent: task\ndata: {json.dumps(body)}\n\n"
