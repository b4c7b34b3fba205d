"""Live updates by short polling: the open inbox page asks every ``poll_seconds`` for new tasks.

``GET /app/inbox/updates?since=…`` answers the live tasks made since the page was drawn (the officer's
own, and those waiting in their teams' queues) as rendered rows, with an ETag over which tasks
they are; the page sends it back in ``If-None-Match`` and, while nothing is new, gets a bodiless
304. Each poll is one short query, so open inboxes never hold a request thread: a held stream
(server-sent events) took one thread per open page for minutes, and eight of them stopped
/healthz and the API answering (bench/inbox.py measures both). Polling works the same under
gunicorn's threads, the embedded server and any proxy, with no second process or worker class.

Each officer may poll as often as ``pages_per_officer`` open pages would; more is 429 problem
details with ``Retry-After``, and the page waits that long. The limit is kept in each api process
(``casework.web.ratelimit``), so it holds per gunicorn worker.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math

from flask import Response, current_app, jsonify, render_template, request

from casework.context import Principal
from casework.db import as_utc, utcnow
from casework.pages import officer_page
from casework.web import db_session
from casework.web.errors import abort, invalid
from casework.web.ratelimit import RateLimiter
from notifications import directory, worklist

from . import wording
from .blueprint import blueprint
from .common import inbox_settings, service_urls

#: The most rows one answer carries; the page shows the rest when it is next drawn.
MOST_TASKS = 50
POLLS = "notifications_inbox_polls"


def poll_limiter() -> RateLimiter:
    """Per officer: ``pages_per_officer`` polls at once, refilled as fast as that many pages poll."""
    settings = inbox_settings()
    wanted = (settings.pages_per_officer, settings.poll_seconds)
    made = current_app.extensions.get(POLLS)
    if made is None or made[0] != wanted:  # made on first use, and again if the settings change
        made = current_app.extensions[POLLS] = (wanted, RateLimiter(*wanted))
    return made[1]


def _since(value: str | None) -> dt.datetime:
    try:
        parsed = dt.datetime.fromisoformat(value or "")
    except ValueError:
        invalid("since", "Give the time the page was drawn, as an ISO 8601 date-time")
    return as_utc(parsed) if parsed.tzinfo else parsed.replace(tzinfo=dt.UTC)


@blueprint.get("/app/inbox/updates")
@officer_page()
def inbox_updates(me: Principal):
    wait = poll_limiter().take(me.sub)
    if wait > 0:
        abort(429, "This officer's inboxes are asking for updates too often; try again after Retry-After.",
              headers={"Retry-After": str(max(1, math.ceil(wait)))})
    since = _since(request.args.get("since"))
    session = db_session()
    teams = directory.teams_of(session, me.sub)
    found = worklist.created_since(session, me.sub, teams, since, limit=MOST_TASKS)
    sections = [(str(task.id), "mine" if task.assignee == me.sub else "queue") for task in found]
    etag = hashlib.sha256(repr(sections).encode()).hexdigest()[:32]
    if etag in request.if_none_match:
        answer = Response(status=304)
    else:
        now, urls = utcnow(), service_urls()
        answer = jsonify(tasks=[_row(task, section, now, urls) for task, (_, section) in zip(found, sections,
                                                                                          strict=True)])
    answer.set_etag(etag)
    answer.headers["Cache-Control"] = "no-cache, private"
    return answer


def _row(task, section: str, now: dt.datetime, urls: dict[str, str]) -> dict:
    card = wording.card(task, now, urls)
    return {"id": card.id, "title": card.title, "section": section,
            "html": render_template("notifications/_task.html", task=card, section=section)}
