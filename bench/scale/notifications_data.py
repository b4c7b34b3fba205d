"""Notifications' share of the large council: five years of tasks, the inbox, the delivery log.

At full size (``scale`` 1.0): 2,000,000 tasks made by the policy's rules over five years, almost all
done (closed by the event recording their work, or by hand with a reason) or cancelled; the live
ones (about 21,000) spread over 300 officers in three teams and the teams' shared queues, and one
officer, ``INBOX_OFFICER``, with exactly 500 open tasks (the inbox the issue names). The officers'
inbox messages (one per task a rule tells its assignee about), their e-mails and the partners'
webhooks in the delivery log (with a few texts and letters to people), the overdue timers of the
live tasks, and the audit rows the use cases write: acknowledging, taking from a queue, closing by
hand, and the retention sweep's anonymising.

Retention as a council running the daily sweep would have it, except for one year: tasks closed
more than three years ago, messages read more than a year ago and deliveries made more than two
years ago are already anonymised (their audit snapshots redacted); the tasks closed two to three
years ago and the deliveries made one to two years ago are past their period and not yet swept,
for ``housekeeping`` to sweep (a year of closures).

Officers and teams are the same at every scale (300 rows); tasks and everything made with them
scale. Fixed random seed: the same council every time.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import random
import time
import uuid
from collections.abc import Iterator
from urllib.parse import urlencode

from sqlalchemy import text

from notifications.models import LIVE_TASK_STATUSES
from notifications.rules import SERVICE_PORTS
from scale import draw, summed
from scale.measure import Probe
from scale.store import Bulk, database_url, engine

SEED = 30
YEAR = dt.timedelta(days=365.25)
REMOVED = "[removed]"
NS = uuid.UUID("6a1c0f3e-2b9d-4e57-8c1a-30a5ca1e0030")

TASKS = 2_000_000
#: The measured officer: exactly 500 open tasks of their own.
INBOX_OFFICER = "o-sustainment-001"
INBOX_TASKS = 500
#: The team leader measured on the team page (sustainment's manager).
TEAM_LEADER = "o-sustainment-lead"
TEAMS = {"intake": ("Referrals and triage", 70), "sustainment": ("Tenancy sustainment", 150),
         "lettings": ("Lettings", 80)}
#: Live tasks at full size: assigned to officers (about 60 each), and waiting in each team's queue.
LIVE_ASSIGNED = 18_000
LIVE_QUEUED = {"intake": 1_500, "sustainment": 400, "lettings": 600}
#: The one person of the subject-access export: their referral and the case it became.
PERSON_REFERRAL = str(uuid.uuid5(NS, "referral of the subject-access request"))
PERSON_CASE = str(uuid.uuid5(NS, "case of the subject-access request"))
SUBSCRIPTIONS = [(uuid.uuid5(NS, "partner"), "sys-partner", False, ["intake.referral.*", "sustainment.case.*"]),
                 (uuid.uuid5(NS, "rent"), "sys-rent", False, ["*"]),
                 (uuid.uuid5(NS, "referrer"), "sys-referrer", True, ["intake.referral.*"])]

#: The rules' tasks: (rule, subject type, service, team, title, reference prefix, to an officer,
#: their inbox message or None, share of all tasks).
KINDS = [
    ("triage_referral", "referral", "intake", "intake", "Triage referral {r}", "R", False, None, 0.30),
    ("assign_case", "case", "sustainment", "sustainment", "Assign case {r}", "C", False, None, 0.08),
    ("first_contact", "case", "sustainment", "sustainment", "First contact for case {r}", "C", True,
     "Case {r} has been assigned to you: make first contact.", 0.08),
    ("visit", "case", "sustainment", "sustainment", "Record the outcome of the visit for case {r}", "C", True,
     None, 0.22),
    ("chase_agency", "case", "sustainment", "sustainment", "Chase the agency about its referral on case {r}", "C",
     True, "An agency has not answered its referral on case {r}: chase it.", 0.04),
    ("review_risk", "case", "sustainment", None, "Review case {r}: risk raised to high", "C", True,
     "Case {r} needs your review: its risk was raised to high.", 0.02),
    ("chase_offer", "offer", "lettings", "lettings", "Chase the response to offer {r}", "O", False, None, 0.14),
    ("offer_next_bidder", "advert", "lettings", "lettings", "Offer the next bidder (offer {r} was not taken up)",
     "O", False, None, 0.08),
    ("suspension_ended", "applicant", "lettings", "lettings",
     "Applicant {r}'s suspension has ended: tell them they may bid again", "AP", False, None, 0.04),
]
PATHS = {"referral": "/referrals/{id}", "case": "/cases/{id}", "offer": "/offers/{id}", "advert": "/adverts/{id}",
         "applicant": "/applicants/{id}"}
#: Rules whose task closes itself when its work is recorded (the others are closed by hand).
CLOSED_BY_HAND = {"review_risk", "suspension_ended"}
#: The draws' weights summed once (``scale.draw``).
PRIORITIES, PRIORITY_SUMS = ("normal", "high", "urgent"), summed((80, 17, 3))
STATUSES, STATUS_SUMS = ("sent", "failed"), summed((985, 15))
SUBJECT_ROLES = {"intake": ["intake_officer"], "sustainment": ["sustainment_officer"], "lettings": ["lettings_officer"]}


def _uuid(rng: random.Random) -> uuid.UUID:
    return uuid.UUID(int=rng.getrandbits(128), version=4)


def _link(subject_type: str, subject_id: str, service: str) -> str:
    return f"http://127.0.0.1:{SERVICE_PORTS[service]}" + PATHS[subject_type].format(id=subject_id)


def officers_and_teams(now: dt.datetime) -> tuple[list[dict], list[dict], dict[str, list[str]]]:
    officers, members = [], {}
    for slug, (name, size) in TEAMS.items():
        members[slug] = [f"o-{slug}-{n:03d}" for n in range(size)]
        for n, officer in enumerate(members[slug]):
            officers.append({"id": officer, "name": f"{name} officer {n}", "email": f"{officer}@council.example.gov.uk",
                             "teams": [slug], "roles": SUBJECT_ROLES[slug], "active": n % 50 != 49,
                             "email_preference": ("immediate", "daily_digest", "off")[n % 5 % 3],
                             "created_at": now - 5 * YEAR + dt.timedelta(days=n), "away_from": None,
                             "away_until": None, "cover_id": None})
        officers.append({"id": f"o-{slug}-lead", "name": f"{name} manager", "teams": [slug], "roles": ["team_leader"],
                         "email": f"o-{slug}-lead@council.example.gov.uk", "active": True,
                         "email_preference": "immediate", "created_at": now - 5 * YEAR, "away_from": None,
                         "away_until": None, "cover_id": None})
    officers.append({"id": "o-admin", "name": "Casework admin", "email": "casework@council.example.gov.uk", "teams": [],
                     "roles": ["admin"], "active": True, "email_preference": "off", "created_at": now - 5 * YEAR,
                     "away_from": None, "away_until": None, "cover_id": None})
    teams = [{"slug": slug, "name": name, "manager_id": f"o-{slug}-lead", "shared_queue": True}
             for slug, (name, _size) in TEAMS.items()]
    return officers, teams, members


class Council:
    """The tasks and what each leaves behind (inbox message, e-mail, webhooks, audit rows, timer),
    made in chunks so five years never sit in memory at once."""

    def __init__(self, scale: float, now: dt.datetime) -> None:
        self.rng = random.Random(SEED)
        self.now = now
        self.officers, self.teams, self.members = officers_and_teams(now)
        self.by_id = {o["id"]: o for o in self.officers}
        self.total = max(2_000, int(TASKS * scale))
        self.live_assigned = max(60, int(LIVE_ASSIGNED * scale))
        self.live_queued = {team: max(10, int(n * scale)) for team, n in LIVE_QUEUED.items()}
        self.weights = summed(k[-1] for k in KINDS)
        self.kinds = {k[0]: k for k in KINDS}
        self.number = 0
        self.counts = {"tasks": 0, "live": 0, "inbox_officer_open": 0, "queued": 0, "anonymised_tasks": 0,
                       "tasks_due_for_the_sweep": 0, "deliveries_due_for_the_sweep": 0}

    # -- one task ------------------------------------------------------------------------
    def task(self, kind: tuple, *, live: bool, assignee: str | None, created: dt.datetime,
             subject_id: str | None = None) -> dict:
        rule, subject_type, service, team, title, prefix, _assigned, _message, _share = kind
        rng = self.rng
        self.number += 1
        reference = f"{prefix}-{self.number:07d}"
        subject_id = subject_id or str(_uuid(rng))
        extra = f":{_uuid(rng)}" if rule in ("visit", "chase_agency") else ""
        due = created + dt.timedelta(days=rng.choice((1, 2, 3, 5, 10, 14, 28)), hours=rng.randrange(9))
        row = {"id": _uuid(rng), "rule": rule, "dedup_key": f"{rule}:{subject_type}:{subject_id}{extra}",
               "title": title.format(r=reference), "status": "open",
               "priority": draw(rng, PRIORITIES, PRIORITY_SUMS), "team": team,
               "assignee": assignee, "due": due, "subject_type": subject_type, "subject_id": subject_id,
               "subject_service": service, "subject_reference": reference, "link": _link(subject_type, subject_id, service),
               "created_by_event": str(_uuid(rng)), "closed_by_event": None, "created_at": created, "closed_at": None,
               "closed_by": None, "closed_reason": None, "escalated_at": None, "escalated_to": None,
               "anonymised_at": None}
        if live:
            if assignee and assignee != INBOX_OFFICER and rng.random() < 0.2:
                row["status"] = "acknowledged"
            if due < self.now:  # escalated once, to the team's manager
                row.update(escalated_at=due + dt.timedelta(minutes=1), escalated_to=f"o-{team or 'sustainment'}-lead")
            return row
        closed = min(created + dt.timedelta(hours=rng.expovariate(1 / 72)), self.now - dt.timedelta(minutes=5))
        by_hand = rule in CLOSED_BY_HAND or rng.random() < 0.12
        cancelled = rng.random() < 0.03
        row.update(status="cancelled" if cancelled else "done", closed_at=closed)
        if cancelled or by_hand:
            row.update(closed_by=f"o-{team or 'sustainment'}-lead" if cancelled or not assignee else assignee,
                       closed_reason="No longer needed: the tenant moved away." if cancelled
                       else "Done by phone; recorded on the case.")
        else:
            row.update(closed_by="event", closed_by_event=str(_uuid(rng)))
        if due < closed and rng.random() < 0.5:
            row.update(escalated_at=due + dt.timedelta(minutes=1), escalated_to=f"o-{team or 'sustainment'}-lead")
        if closed < self.now - 3 * YEAR:
            row.update(title=REMOVED, subject_reference=None, link=None, closed_reason=None,
                       anonymised_at=closed + 2 * YEAR + dt.timedelta(days=1))
            self.counts["anonymised_tasks"] += 1
        elif closed < self.now - 2 * YEAR:
            self.counts["tasks_due_for_the_sweep"] += 1
        return row

    def tasks(self) -> Iterator[dict]:
        """The live tasks (the inbox officer's 500, the others', the queues', the person's), then
        five years of closed ones, oldest first."""
        rng, now = self.rng, self.now
        sustainment = [k for k in KINDS if k[0] in ("first_contact", "visit", "chase_agency")]
        for _ in range(INBOX_TASKS):
            yield self.task(rng.choice(sustainment), live=True, assignee=INBOX_OFFICER,
                            created=now - dt.timedelta(minutes=rng.randrange(60 * 24 * 90)))
        others = [o for team in self.members.values() for o in team if o != INBOX_OFFICER]
        for _ in range(self.live_assigned):
            officer = rng.choice(others)
            team = self.by_id[officer]["teams"][0]
            kind = rng.choice([k for k in KINDS if k[3] == team] or KINDS)
            yield self.task(kind, live=True, assignee=officer, created=now - dt.timedelta(minutes=rng.randrange(60 * 24 * 60)))
        for team, count in self.live_queued.items():
            queued = [k for k in KINDS if k[3] == team and not k[6]]
            for _ in range(count):
                yield self.task(rng.choice(queued), live=True, assignee=None,
                                created=now - dt.timedelta(minutes=rng.randrange(60 * 24 * 30)))
        yield from self.person()
        start = now - 5 * YEAR
        closed = self.total - self.number
        for n in range(closed):
            kind = draw(rng, KINDS, self.weights)
            team = kind[3] or "sustainment"
            assignee = (f"o-{team}-lead" if kind[3] is None else rng.choice(self.members[team])) \
                if kind[6] or rng.random() < 0.8 else None
            yield self.task(kind, live=False, assignee=assignee, created=start + (now - start) * (n / closed))

    def person(self) -> Iterator[dict]:
        """The subject-access request's person: their referral triaged, their case assigned, first
        contact made, three visits (the last one still to record)."""
        days = dt.timedelta(days=1)
        opened = self.now - 200 * days
        yield self.task(KINDS[0], live=False, assignee="o-intake-003", created=opened, subject_id=PERSON_REFERRAL)
        yield self.task(KINDS[1], live=False, assignee="o-sustainment-lead", created=opened + 2 * days,
                        subject_id=PERSON_CASE)
        yield self.task(KINDS[2], live=False, assignee="o-sustainment-007", created=opened + 3 * days,
                        subject_id=PERSON_CASE)
        for n in range(3):
            yield self.task(KINDS[3], live=n == 2, assignee="o-sustainment-007", created=opened + (10 + 60 * n) * days,
                            subject_id=PERSON_CASE)

    # -- what a task leaves behind ---------------------------------------------------------
    def message(self, task: dict, kind: tuple) -> dict | None:
        template = kind[7]
        if template is None or task["assignee"] is None:
            return None
        created = task["created_at"]
        if task["status"] in LIVE_TASK_STATUSES:
            read = None if created > self.now - dt.timedelta(days=14) and self.rng.random() < 0.5 \
                else created + dt.timedelta(hours=2)
        else:
            read = created + dt.timedelta(hours=self.rng.randrange(1, 48))
        anonymised = read is not None and read < self.now - YEAR
        officer = self.by_id.get(task["assignee"])
        return {"id": _uuid(self.rng), "recipient": task["assignee"],
                "message": REMOVED if anonymised else template.format(r=task["subject_reference"]),
                "link": None if anonymised else task["link"], "subject_type": task["subject_type"],
                "subject_id": task["subject_id"], "subject_reference": None if anonymised else task["subject_reference"],
                "task_id": task["id"], "event_id": task["created_by_event"], "created_at": created, "read_at": read,
                "emailed_at": created if officer and officer["email_preference"] == "immediate" else None,
                "anonymised_at": read + YEAR + dt.timedelta(days=1) if anonymised else None}

    def delivery(self, *, channel: str, target: str, address: str, event_id: str | None, title: str, body: str,
                 created: dt.datetime, team: str | None = None, subject: tuple[str, str] | None = None) -> dict:
        rng = self.rng
        recent = created > self.now - dt.timedelta(minutes=10)
        status = "pending" if recent else draw(rng, STATUSES, STATUS_SUMS)
        notify = channel in ("sms", "letter")
        if notify and status == "sent":
            status = "delivered"
        row = {"id": _uuid(rng), "channel": channel, "target": target, "address": address, "event_id": event_id,
               "title": title, "body": body, "status": status, "attempts": 0 if recent else (5 if status == "failed" else 1),
               "last_error": "HTTP 503" if status == "failed" else None,
               "response_status": (503 if status == "failed" else 204) if channel == "webhook" and not recent else None,
               "created_at": created, "delivered_at": None if status in ("pending", "failed") else created
               + dt.timedelta(seconds=2), "anonymised_at": None, "provider": "govuk_notify" if notify else
               ("smtp" if channel == "email" else None), "provider_id": str(_uuid(rng)) if notify else None,
               "provider_status": "delivered" if notify and status == "delivered" else None,
               "provider_status_at": created + dt.timedelta(minutes=1) if notify and status == "delivered" else None,
               "team": team, "subject_type": subject[0] if subject else None, "subject_id": subject[1] if subject else None}
        if status != "pending" and created < self.now - 2 * YEAR:
            row.update(address=REMOVED, title=REMOVED, body=REMOVED, last_error=None,
                       anonymised_at=created + YEAR + dt.timedelta(days=1))
        elif status != "pending" and created < self.now - YEAR:
            self.counts["deliveries_due_for_the_sweep"] += 1
        return row

    def deliveries(self, task: dict, message: dict | None) -> list[dict]:
        rng, found = self.rng, []
        if message is not None and message["emailed_at"] is not None:
            officer = self.by_id[message["recipient"]]
            said = self.kinds[task["rule"]][7].format(r=task["subject_reference"])
            body = f"- {said}\n  {task['link']}\n\nOpen Casework to see the details. This e-mail carries references only."
            found.append(self.delivery(channel="email", target=officer["id"], address=officer["email"],
                                       event_id=task["created_by_event"], title=f"Casework: {said}"[:300], body=body, created=task["created_at"], team=officer["teams"][0]))
        if task["subject_type"] in ("referral", "case"):
            event = "intake.referral.received.v2" if task["subject_type"] == "referral" else "sustainment.case.assigned.v1"
            for sub_id, _owner, referrer_only, _types in SUBSCRIPTIONS:
                if referrer_only and task["subject_type"] != "referral" or rng.random() < 0.6:
                    continue
                body = json.dumps({"id": task["created_by_event"], "type": f"casework.{event}",
                                   "time": task["created_at"].isoformat(),
                                   "subject": {"type": task["subject_type"], "id": task["subject_id"],
                                               "reference": task["subject_reference"], "link": task["link"]}},
                                  separators=(",", ":"))
                found.append(self.delivery(channel="webhook", target=str(sub_id), address="https://partner.example.org/hooks",
                                           event_id=task["created_by_event"], title=f"casework.{event}", body=body,
                                           created=task["created_at"] + dt.timedelta(seconds=1)))
        if task["rule"] == "visit" and rng.random() < 0.25:
            channel = "sms" if rng.random() < 0.8 else "letter"
            found.append(self.delivery(channel=channel, target="person",
                                       address="07700 900123" if channel == "sms" else "Flat 2\n1 High Street\nAB1 2CD",
                                       event_id=None, title="visit_reminder",
                                       body=json.dumps({"reference": task["subject_reference"], "visit_date": "3 March"}),
                                       created=task["created_at"], team="sustainment",
                                       subject=(task["subject_type"], task["subject_id"])))
        return found

    def audit(self, task: dict) -> list[dict]:
        """The audit rows the use cases wrote about the task: acknowledged, taken from the queue,
        closed by hand, anonymised by the sweep (snapshots then redacted)."""
        rows, at = [], task["created_at"]
        anonymised = task["anonymised_at"] is not None
        assignee = task["assignee"]
        if assignee and task["rule"] in ("triage_referral", "assign_case", "chase_offer", "offer_next_bidder",
                                         "suspension_ended"):
            rows.append(_audit(at + dt.timedelta(minutes=30), assignee, "reassign", task,
                               {"assignee": None}, {"assignee": assignee}))
        if assignee and (task["status"] == "acknowledged" or (task["closed_at"] and self.rng.random() < 0.2)):
            rows.append(_audit(at + dt.timedelta(hours=1), assignee, "acknowledge", task,
                               {"status": "open"}, {"status": "acknowledged"}))
        if task["closed_by"] not in (None, "event"):
            reason = REMOVED if anonymised else task["closed_reason"]
            rows.append(_audit(task["closed_at"], task["closed_by"], "complete" if task["status"] == "done" else "cancel",
                               task, {"status": "open", "closed_at": None, "closed_by": None, "closed_reason": None},
                               {"status": task["status"], "closed_at": task["closed_at"].isoformat(),
                                "closed_by": task["closed_by"], "closed_reason": reason}, reason=reason))
        if anonymised:
            rows.append(_audit(task["anonymised_at"], "system", "anonymise", task, None,
                               {"anonymised_at": task["anonymised_at"].isoformat()}))
        return rows

    def timer(self, task: dict) -> dict:
        """A live task's overdue timer: pending, or fired when it escalated."""
        return {"id": uuid.uuid5(NS, str(task["id"])), "kind": "task.overdue", "key": f"task_overdue:{task['id']}",
                "due_at": task["due"], "payload": {"task_id": str(task["id"])}, "correlation_id": None,
                "fired_at": task["escalated_at"], "cancelled_at": None, "attempts": 1 if task["escalated_at"] else 0,
                "last_error": None}


def _audit(at: dt.datetime, actor: str, action: str, task: dict, before: dict | None, after: dict,
           reason: str | None = None) -> dict:
    roles = ["service"] if actor == "system" else (["team_leader"] if actor.endswith("-lead") else
                                                             SUBJECT_ROLES.get(actor.split("-")[1], ["admin"]))
    return {"at": at, "actor": actor, "actor_roles": roles, "action": action, "record_type": "task",
            "record_id": str(task["id"]), "before": before, "after": after, "reason": reason, "correlation_id": None}


def seed(bulk: Bulk, scale: float, now: dt.datetime) -> dict:
    council = Council(scale, now)
    bulk.write("officers", council.officers)
    bulk.write("teams", council.teams)
    bulk.write("subscriptions", [
        {"id": sub_id, "owner": owner, "referrer_only": referrer_only, "url": "https://partner.example.org/hooks",
         "event_types": types, "secret": "s3cret-s3cret-s3cret", "active": True, "consecutive_failures": 0,
         "disabled_at": None, "created_at": now - 5 * YEAR} for sub_id, owner, referrer_only, types in SUBSCRIPTIONS])
    bulk.write("audit_log", [
        _audit(o["created_at"], "o-admin", "create", {"id": o["id"]}, None,
               {k: o[k] for k in ("id", "name", "email", "teams", "roles", "active", "email_preference")})
        | {"record_type": "officer"} for o in council.officers])
    tasks = council.tasks()
    counts = {"tasks": 0, "notifications": 0, "deliveries": 0, "audit_rows": len(council.officers), "timers": 0}
    while True:
        chunk = [t for _, t in zip(range(100_000), tasks, strict=False)]
        if not chunk:
            break
        messages, deliveries, audit, timers = [], [], [], []
        for task in chunk:
            message = council.message(task, council.kinds[task["rule"]])
            if message is not None:
                messages.append(message)
            deliveries.extend(council.deliveries(task, message))
            audit.extend(council.audit(task))
            if task["status"] in LIVE_TASK_STATUSES:
                timers.append(council.timer(task))
        for table, rows in (("tasks", chunk), ("notifications", messages), ("deliveries", deliveries),
                            ("audit_log", audit), ("timers", timers)):
            if rows:
                bulk.write(table, rows)
        counts["tasks"] += len(chunk)
        counts["notifications"] += len(messages)
        counts["deliveries"] += len(deliveries)
        counts["audit_rows"] += len(audit)
        counts["timers"] += len(timers)
    live = bulk.sql("SELECT count(*) FROM tasks WHERE status IN ('open', 'acknowledged')")[0][0]
    mine = bulk.sql("SELECT count(*) FROM tasks WHERE assignee = :me AND status = 'open'", me=INBOX_OFFICER)[0][0]
    return {**counts, "officers": len(council.officers), "teams": len(council.teams), "live_tasks": live,
            "inbox_officer_open_tasks": mine, **{k: v for k, v in council.counts.items() if "sweep" in k or "anon" in k}}


# -- probes ----------------------------------------------------------------------------------

LIVE = "status IN ('open', 'acknowledged')"
TASK_ORDER = "ORDER BY due ASC NULLS LAST, created_at, id"
#: SQLite sorts NULLs first unless told (3.30+ knows NULLS LAST).
PAGE = "LIMIT 10"


def _one(backend: str, sql: str, **params):
    plain = engine(database_url("notifications", backend))
    try:
        with plain.connect() as conn:
            return conn.execute(text(sql), params).scalar()
    finally:
        plain.dispose()


def probes(backend: str) -> list[Probe]:
    """Every list endpoint with the filters officers, managers and partner systems use, the team
    workload report, and the pages: the inbox of the officer with 500 open tasks (cards give way to
    the table at that size), its filters, its JSON, the team page and the directory."""
    case_id = _one(backend, "SELECT subject_id FROM tasks WHERE subject_type = 'case' AND status = 'open' "
                            "ORDER BY created_at DESC LIMIT 1")
    webhook = str(SUBSCRIPTIONS[1][0])
    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    soon = now + dt.timedelta(days=3)
    # SQLite holds times as naive UTC text (``UTCDateTime``): compare with the same.
    at = (lambda t: t.replace(tzinfo=None)) if backend == "sqlite" else (lambda t: t)
    me = INBOX_OFFICER
    officer = ("sustainment_officer",)
    leader = ("team_leader",)
    mine_or_queue = "(assignee = :me OR (assignee IS NULL AND team IN ('sustainment')))"
    visible = "(assignee = :me OR team IN ('sustainment'))"
    tasks_sql = "SELECT * FROM tasks WHERE {where} " + TASK_ORDER + " LIMIT :n"

    def tasks(name: str, query: dict, where: str, *, sub: str = "o-admin", roles=("admin",), **params) -> Probe:
        return Probe(name, "/tasks?" + urlencode({**query, "page_size": 25}), tasks_sql.format(where=where),
                     {"n": 25, "now": at(now), **params}, sub=sub, roles=roles)

    return [
        # First, and cheap: it also warms the api's workers (a cold one takes seconds to answer).
        Probe("teams", "/teams", "SELECT * FROM teams ORDER BY slug LIMIT 10", sub=me, roles=officer),
        tasks("tasks, all (admin)", {}, "true"),
        tasks("tasks, open (admin)", {"status": "open"}, "status = 'open'"),
        tasks("tasks, done (admin)", {"status": "done"}, "status = 'done'"),
        tasks("tasks, overdue (admin)", {"overdue": "true"}, f"{LIVE} AND due < :now"),
        tasks("tasks, due within 3 days, open", {"status": "open", "due_before": soon.isoformat()},
              "status = 'open' AND due < :soon", soon=at(soon)),
        tasks("tasks, a team's open (team queue and officers)", {"team": "intake", "status": "open"},
              "team = 'intake' AND status = 'open'"),
        tasks("tasks, an officer's open (admin)", {"assignee": me, "status": "open"}, "assignee = :me AND status = 'open'",
              me=me),
        tasks("tasks, about a case", {"subject_id": case_id}, "subject_id = :case", case=case_id),
        tasks("tasks, the inbox's JSON (officer's own and teams')", {"status": "open"},
              f"{visible} AND status = 'open'", sub=me, roles=officer, me=me),
        tasks("tasks, officer's own open", {"assignee": me, "status": "open"},
              f"{visible} AND assignee = :me AND status = 'open'", sub=me, roles=officer, me=me),
        tasks("tasks, officer's overdue", {"overdue": "true"}, f"{visible} AND {LIVE} AND due < :now",
              sub=me, roles=officer, me=me),
        tasks("tasks, team leader's done (history)", {"status": "done", "team": "sustainment"},
              f"{visible} AND team = 'sustainment' AND status = 'done'", sub=TEAM_LEADER, roles=leader, me=TEAM_LEADER),
        Probe("officers", "/officers?page_size=50", "SELECT * FROM officers ORDER BY id LIMIT 50", sub=me, roles=officer),
        Probe("officers, a team", "/officers?team=lettings&page_size=50",
              "SELECT * FROM officers WHERE teams::text LIKE '%\"lettings\"%' ORDER BY id LIMIT 50",
              sqlite_sql="SELECT * FROM officers WHERE teams LIKE '%\"lettings\"%' ORDER BY id LIMIT 50",
              sub=me, roles=officer),
        Probe("officers, team leaders", "/officers?role=team_leader",
              "SELECT * FROM officers WHERE roles::text LIKE '%\"team_leader\"%' ORDER BY id LIMIT 10",
              sqlite_sql="SELECT * FROM officers WHERE roles LIKE '%\"team_leader\"%' ORDER BY id LIMIT 10",
              sub=me, roles=officer),
        Probe("team workload (report)", "/teams/sustainment/workload",
              f"SELECT assignee, count(*), sum(CASE WHEN due < :now THEN 1 ELSE 0 END) FROM tasks "
              f"WHERE team = 'sustainment' AND {LIVE} GROUP BY assignee",
              params={"now": at(now)},
              sub=TEAM_LEADER, roles=leader),
        Probe("inbox messages", "/notifications?page_size=25",
              "SELECT * FROM notifications WHERE recipient = :me ORDER BY created_at DESC, id LIMIT 25", {"me": me},
              sub=me, roles=officer),
        Probe("inbox messages, unread", "/notifications?unread=true&page_size=25",
              "SELECT * FROM notifications WHERE recipient = :me AND read_at IS NULL ORDER BY created_at DESC, id LIMIT 25",
              {"me": me}, sub=me, roles=officer),
        Probe("deliveries", "/deliveries?page_size=25",
              "SELECT * FROM deliveries ORDER BY created_at DESC, id LIMIT 25", sub="o-admin"),
        Probe("deliveries, failed", "/deliveries?status=failed&page_size=25",
              "SELECT * FROM deliveries WHERE status = 'failed' ORDER BY created_at DESC, id LIMIT 25", sub="o-admin"),
        Probe("deliveries, e-mails to an officer", f"/deliveries?channel=email&target={me}&page_size=25",
              "SELECT * FROM deliveries WHERE channel = 'email' AND target = :me ORDER BY created_at DESC, id LIMIT 25",
              {"me": me}, sub="o-admin"),
        Probe("deliveries, texts", "/deliveries?channel=sms&page_size=25",
              "SELECT * FROM deliveries WHERE channel = 'sms' ORDER BY created_at DESC, id LIMIT 25", sub="o-admin"),
        Probe("subscriptions", "/subscriptions", "SELECT * FROM subscriptions ORDER BY created_at, id LIMIT 10",
              sub="o-admin"),
        Probe("a subscription's deliveries", f"/subscriptions/{webhook}/deliveries?page_size=25",
              "SELECT * FROM deliveries WHERE channel = 'webhook' AND target = :sub ORDER BY created_at DESC, id LIMIT 25",
              {"sub": webhook}, sub="o-admin"),
        Probe("legal holds", "/legal-holds", "SELECT * FROM legal_holds ORDER BY placed_at LIMIT 10", sub="o-admin"),
        Probe("inbox page (500 open tasks)", "/app/inbox",
              f"SELECT * FROM tasks WHERE {LIVE} AND {mine_or_queue} {TASK_ORDER} LIMIT 25", {"me": me},
              sub=me, roles=officer, page=True),
        Probe("inbox page, theirs only, overdue", "/app/inbox?view=table&whose=mine&overdue=yes",
              f"SELECT * FROM tasks WHERE {LIVE} AND assignee = :me AND due < :now {TASK_ORDER} LIMIT 25",
              {"me": me, "now": at(now)},
              sub=me, roles=officer, page=True),
        Probe("inbox page, the team queue", "/app/inbox?view=table&whose=queue",
              f"SELECT * FROM tasks WHERE {LIVE} AND assignee IS NULL AND team IN ('sustainment') {TASK_ORDER} LIMIT 25",
              sub=me, roles=officer, page=True),
        Probe("inbox page, page 10, latest due first", "/app/inbox?view=table&sort=-due&page=10",
              f"SELECT * FROM tasks WHERE {LIVE} AND {mine_or_queue} ORDER BY due DESC NULLS LAST, created_at, id "
              "LIMIT 25 OFFSET 225", {"me": me}, sub=me, roles=officer, page=True),
        Probe("team page (team leader)", "/app/inbox/team",
              f"SELECT assignee, count(*) FROM tasks WHERE team = 'sustainment' AND {LIVE} GROUP BY assignee",
              sub=TEAM_LEADER, roles=leader, page=True),
        Probe("officer directory page (admins)", "/app/admin/officers",
              "SELECT * FROM officers ORDER BY name, id", sub="o-admin", page=True),
    ]


# -- housekeeping ----------------------------------------------------------------------------


#: Seconds the sweep may run in one measurement (``CASEWORK_SCALE_SWEEP_SECONDS``; none: until
#: nothing is due). A year of closures is 700,000 records at full size: on a machine loaded by
#: others that is most of an hour, so a run may stop early and say what is left and at what rate.
SWEEP_SECONDS = float(os.environ.get("CASEWORK_SCALE_SWEEP_SECONDS") or 0) or None


def _sweep(backend: str) -> dict:
    """The retention sweep run as its timer would (a batch a transaction, again at once while a
    batch was full), until nothing is due or ``SWEEP_SECONDS`` have passed."""
    from casework.db import Database
    from casework.privacy import sweep
    from casework.privacy.retention import RUNS
    from notifications.privacy import RETENTION

    batch, pause = RUNS[backend]  # as the timer runs it: a run's batch, then its pause
    db = Database(database_url("notifications", backend))
    totals: dict[str, int] = {}
    batches, slowest = 0, 0.0
    started = time.perf_counter()
    try:  # as the worker: the principal is the system's
        while True:
            began = time.perf_counter()
            with db.transaction() as session:
                counts = sweep(session, RETENTION, service="notifications", batch=batch)
            slowest = max(slowest, time.perf_counter() - began)
            batches += 1
            for kind, count in counts.items():
                totals[kind] = totals.get(kind, 0) + count
            if not any(counts.values()) or (SWEEP_SECONDS and time.perf_counter() - started > SWEEP_SECONDS):
                break
            if any(n >= batch for n in counts.values()):
                time.sleep(pause.total_seconds())
        left = {} if not any(counts.values()) else _still_due(db)
    finally:
        db.dispose()
    took = time.perf_counter() - started
    return {"anonymised": totals, "batches": batches, "slowest_batch_s": round(slowest, 2),
            "records_per_s": round(sum(totals.values()) / took, 1), "still_due": left}


def _still_due(db) -> dict[str, int]:
    from notifications.privacy import RETENTION

    with db.transaction() as session:
        now = dt.datetime.now(dt.UTC)
        found = {}
        for rule in RETENTION:
            # ``due`` gives a batch at most: count the rest the way the sweep finds them.
            found[rule.record_type] = _count_due(session, rule.record_type, now)
        session.rollback()
    return found


def _count_due(session, record_type: str, now: dt.datetime) -> int:
    from casework.privacy import retention_policy, years_before

    period = retention_policy("notifications")
    table, column, key, done = {
        "task": ("tasks", "closed_at", "closed_task_years", "status IN ('done', 'cancelled')"),
        "notification": ("notifications", "read_at", "read_notification_years", "read_at IS NOT NULL"),
        "delivery": ("deliveries", "created_at", "delivery_log_years", "status IN ('sent', 'delivered', 'failed')"),
    }[record_type]
    cutoff = years_before(now, period.get(key, 1))
    if session.bind.dialect.name == "sqlite":
        cutoff = cutoff.replace(tzinfo=None)
    return session.execute(text(f"SELECT count(*) FROM {table} WHERE anonymised_at IS NULL AND {done} "
                                f"AND {column} < :cutoff"), {"cutoff": cutoff}).scalar()


def housekeeping(port: int, backend: str) -> dict:
    """The retention sweep over the year of closures the seed left due (tasks closed two to three
    years ago, deliveries made one to two years ago), timed with the api's p99 beside it; then a
    subject-access export for the one person (their referral and case), timed.

    It changes the seeded database: the year is anonymised, and a second run finds nothing due
    (it says so; reseed to sweep it again)."""
    from scale.measure import latency_while

    inbox = Probe("inbox JSON", "/tasks?status=open&page_size=25", None, sub=INBOX_OFFICER,
                  roles=("sustainment_officer",))
    swept = latency_while(port, inbox, lambda: _sweep(backend))
    started = time.perf_counter()
    export = _export(port)
    return {"retention_sweep": swept,
            "subject_access_export": {"took_s": round(time.perf_counter() - started, 2), **export}}


def _export(port: int) -> dict:
    import http.client

    probe = Probe("export", "/subjects/export?" + urlencode(
        [("related", f"referral:{PERSON_REFERRAL}"), ("related", f"case:{PERSON_CASE}")]), None,
        sub="o-sustainment-lead", roles=("team_leader",))
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
    try:
        conn.request("GET", probe.path, headers=probe.headers())
        answer = conn.getresponse()
        body = json.loads(answer.read() or b"{}")
    finally:
        conn.close()
    if answer.status != 200:
        raise RuntimeError(f"the subject-access export answered {answer.status}: {body}")
    kinds: dict[str, int] = {}
    for record in body["records"]:
        kinds[record["record_type"]] = kinds.get(record["record_type"], 0) + 1
    return {"status": answer.status, "records": kinds}
