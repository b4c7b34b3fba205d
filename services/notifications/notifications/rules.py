"""The routing rules: which event makes which task, which closes it, and who is told; and who
may give a task to whom.

Pure functions over the council's policy (``policy.yaml``, read by ``notifications.policy`` and
passed in): no Flask, no database, no environment. The handler applies what ``route`` decides.
"""

from __future__ import annotations

import datetime as dt
import re
import string
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from casework import workdays

PRIORITIES = ("low", "normal", "high", "urgent")
SERVICE_PORTS = {"intake": 8001, "sustainment": 8002, "lettings": 8003, "notifications": 8004}
_VERSION = re.compile(r"\.v\d+$")


class PolicyError(ValueError):
    """The policy file says something the rules cannot follow."""


@dataclass(frozen=True)
class SubjectKind:
    type: str
    id_field: str
    service: str
    path: str


@dataclass(frozen=True)
class Subject:
    """What a task or message is about: a referral, case, offer… in its owning service."""

    type: str
    id: str
    service: str
    reference: str | None
    link: str


@dataclass(frozen=True)
class Closer:
    on: str
    when: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class TaskRule:
    name: str
    on: tuple[str, ...]
    title: str
    when: Mapping[str, Any] = field(default_factory=dict)
    subject: str | None = None
    key: str | None = None
    team: str | None = None
    assignee_field: str | None = None
    manager_of: str | None = None
    due_field: str | None = None
    due_working_days: int | None = None
    priority: str = "normal"
    notify: str | None = None
    closed_by: tuple[Closer, ...] = ()
    #: Closed by the event that records its work (triaging the referral, recording the visit…),
    #: so an officer does the work rather than closing the task. By default a rule with closers
    #: closes itself; a rule whose only closers end the whole case says ``closes_itself: false``.
    closes_itself: bool = False


@dataclass(frozen=True)
class NoticeRule:
    name: str
    on: tuple[str, ...]
    message: str
    when: Mapping[str, Any] = field(default_factory=dict)
    to_field: str | None = None
    manager_of: str | None = None


@dataclass(frozen=True)
class EmailPolicy:
    """Attempts before an e-mail is marked failed, the first retry delay (doubling), the digest's time."""

    max_attempts: int = 5
    retry_seconds: float = 30.0
    digest_at: str = "08:00"


@dataclass(frozen=True)
class WebhookPolicy:
    """Attempts and the first retry delay, and how many failures in a row disable a subscription."""

    max_attempts: int = 5
    retry_seconds: float = 30.0
    disable_after_failures: int = 5


@dataclass(frozen=True)
class MessageTemplate:
    """A template in the council's GOV.UK Notify service: its channel and Notify's id for it."""

    name: str
    channel: str
    id: str


MESSAGE_CHANNELS = ("email", "sms", "letter")


@dataclass(frozen=True)
class Policy:
    subjects: tuple[SubjectKind, ...]
    tasks: tuple[TaskRule, ...]
    notices: tuple[NoticeRule, ...]
    message_fields: frozenset[str]
    priority_by_risk: Mapping[str, str]
    escalation_enabled: bool = True
    email: EmailPolicy = field(default_factory=EmailPolicy)
    webhooks: WebhookPolicy = field(default_factory=WebhookPolicy)
    #: GOV.UK Notify's templates by the name Casework gives them (``govuk_notify.templates``).
    templates: Mapping[str, MessageTemplate] = field(default_factory=dict)


@dataclass(frozen=True)
class TaskToOpen:
    rule: str
    dedup_key: str
    title: str
    subject: Subject
    team: str | None
    assignee: str | None
    manager_of: str | None
    due: dt.datetime | None
    priority: str
    notify: str | None


@dataclass(frozen=True)
class TasksToClose:
    """Close the live tasks of ``rule`` about ``subject``; only the one with ``dedup_key`` if given."""

    rule: str
    subject_type: str
    subject_id: str
    dedup_key: str | None


@dataclass(frozen=True)
class NoticeToSend:
    message: str
    subject: Subject
    recipient: str | None
    manager_of: str | None


@dataclass(frozen=True)
class Routing:
    subject: Subject | None
    open: tuple[TaskToOpen, ...] = ()
    close: tuple[TasksToClose, ...] = ()
    notices: tuple[NoticeToSend, ...] = ()


# -- reading the policy -------------------------------------------------------------------


def parse_policy(raw: Mapping[str, Any]) -> Policy:
    """Check and read a policy document; raises ``PolicyError`` naming what is wrong."""
    fields_allowed = frozenset(raw.get("message_fields") or ())
    subjects = tuple(SubjectKind(**s) for s in raw.get("subjects") or ())
    kinds = {s.type for s in subjects}
    tasks = tuple(_task_rule(name, spec, fields_allowed, kinds) for name, spec in (raw.get("tasks") or {}).items()
                  if spec)
    notices = tuple(_notice_rule(name, spec, fields_allowed) for name, spec in (raw.get("notices") or {}).items()
                    if spec)
    by_risk = dict(raw.get("priority_by_risk") or {})
    for level, priority in by_risk.items():
        if priority not in PRIORITIES:
            raise PolicyError(f"priority_by_risk.{level}: {priority!r} is not one of {', '.join(PRIORITIES)}")
    return Policy(
        subjects=subjects, tasks=tasks, notices=notices, message_fields=fields_allowed, priority_by_risk=by_risk,
        escalation_enabled=bool((raw.get("escalation") or {}).get("enabled", True)),
        email=_email(raw.get("email") or {}), webhooks=_webhooks(raw.get("webhooks") or {}),
        templates=_templates((raw.get("govuk_notify") or {}).get("templates") or {}),
    )


def _templates(raw: Mapping[str, Any]) -> dict[str, MessageTemplate]:
    templates = {}
    for name, spec in raw.items():
        channel = (spec or {}).get("channel")
        if channel not in MESSAGE_CHANNELS:
            raise PolicyError(f"govuk_notify.templates.{name}.channel: {channel!r} is not one of "
                              f"{', '.join(MESSAGE_CHANNELS)}")
        templates[name] = MessageTemplate(name=name, channel=channel, id=str(spec.get("id") or ""))
    return templates


def _email(raw: Mapping[str, Any]) -> EmailPolicy:
    return EmailPolicy(max_attempts=int(raw.get("max_attempts", 5)), retry_seconds=float(raw.get("retry_seconds", 30)),
                       digest_at=str(raw.get("digest_at", "08:00")))


def _webhooks(raw: Mapping[str, Any]) -> WebhookPolicy:
    return WebhookPolicy(max_attempts=int(raw.get("max_attempts", 5)), retry_seconds=float(raw.get("retry_seconds", 30)),
                         disable_after_failures=int(raw.get("disable_after_failures", 5)))


def _task_rule(name: str, spec: Mapping[str, Any], allowed: frozenset[str], kinds: set[str]) -> TaskRule:
    where = f"tasks.{name}"
    _check_template(spec.get("title", ""), allowed, f"{where}.title")
    if spec.get("notify"):
        _check_template(spec["notify"], allowed, f"{where}.notify")
    if not (spec.get("team") or spec.get("assignee") or spec.get("manager_of")):
        raise PolicyError(f"{where}: give a team, an assignee or manager_of")
    if spec.get("subject") and spec["subject"] not in kinds:
        raise PolicyError(f"{where}.subject: {spec['subject']!r} is not a subject type")
    priority = spec.get("priority", "normal")
    if priority not in (*PRIORITIES, "from_risk"):
        raise PolicyError(f"{where}.priority: {priority!r} is not one of {', '.join(PRIORITIES)} or from_risk")
    due = spec.get("due") or {}
    closers = tuple(
        Closer(on=c) if isinstance(c, str) else Closer(on=c["event"], when=dict(c.get("when") or {}))
        for c in spec.get("closed_by") or ()
    )
    return TaskRule(
        name=name, on=tuple(spec["made_by"]), title=spec["title"], when=dict(spec.get("when") or {}),
        subject=spec.get("subject"), key=spec.get("key"), team=spec.get("team"),
        assignee_field=(spec.get("assignee") or {}).get("field"), manager_of=spec.get("manager_of"),
        due_field=due.get("field"), due_working_days=due.get("working_days"), priority=priority,
        notify=spec.get("notify"), closed_by=closers, closes_itself=bool(spec.get("closes_itself", bool(closers))),
    )


def _notice_rule(name: str, spec: Mapping[str, Any], allowed: frozenset[str]) -> NoticeRule:
    _check_template(spec["message"], allowed, f"notices.{name}.message")
    return NoticeRule(name=name, on=tuple(spec["sent_on"]), message=spec["message"], when=dict(spec.get("when") or {}),
                      to_field=(spec.get("to") or {}).get("field"), manager_of=spec.get("manager_of"))


def _check_template(template: str, allowed: frozenset[str], where: str) -> None:
    used = {name for _, name, _, _ in string.Formatter().parse(template) if name}
    unknown = used - allowed
    if unknown:
        raise PolicyError(f"{where}: may only quote {', '.join(sorted(allowed))}, not {', '.join(sorted(unknown))}")


def closes_itself(policy: Policy, rule: str) -> bool:
    """Whether tasks of ``rule`` close themselves when their work is recorded (a rule no longer in
    the policy: no)."""
    return any(task_rule.closes_itself for task_rule in policy.tasks if task_rule.name == rule)


# -- applying it ----------------------------------------------------------------------------


def short_type(event_type: str) -> str:
    """``casework.intake.referral.received.v1`` → ``intake.referral.received``."""
    return _VERSION.sub("", event_type.removeprefix("casework."))


def public_urls(environ: Mapping[str, str]) -> dict[str, str]:
    """Each service's public base URL (``CASEWORK_<SERVICE>_PUBLIC_URL``) for links in messages."""
    return {
        name: environ.get(f"CASEWORK_{name.upper()}_PUBLIC_URL", f"http://127.0.0.1:{port}").rstrip("/")
        for name, port in SERVICE_PORTS.items()
    }


def subject_of(policy: Policy, data: Mapping[str, Any], links: Mapping[str, str],
               prefer: str | None = None) -> Subject | None:
    """What the event is about: the first subject kind whose id the data carries (or ``prefer``),
    else the subject the data names (a task's: ``{type, id, service}``)."""
    present = [kind for kind in policy.subjects if data.get(kind.id_field)]
    if not present:
        return _named_subject(policy, data.get("subject"), links)
    chosen = next((kind for kind in present if kind.type == prefer), present[0])
    # The data's reference is the main record's (an offer event's is the offer's, not the advert's).
    reference = data.get("reference") if chosen is present[0] else None
    return _subject(chosen, data[chosen.id_field], reference, links)


def _named_subject(policy: Policy, named: Any, links: Mapping[str, str]) -> Subject | None:
    if not isinstance(named, Mapping) or not named.get("id"):
        return None
    kind = next((kind for kind in policy.subjects if kind.type == named.get("type")), None)
    return _subject(kind, named["id"], None, links) if kind is not None else None


def _subject(kind: SubjectKind, value: Any, reference: Any, links: Mapping[str, str]) -> Subject:
    return Subject(type=kind.type, id=str(value), service=kind.service,
                   reference=str(reference) if reference else None,
                   link=links.get(kind.service, "") + kind.path.format(id=value))


def matches(when: Mapping[str, Any], data: Mapping[str, Any]) -> bool:
    """Each named field of the data equals its value, or, for a value ``{not: x}``, does not
    (a field the event does not carry is null)."""
    return all(data.get(name) != value["not"] if isinstance(value, Mapping) and set(value) == {"not"}
               else data.get(name) == value for name, value in when.items())


def render(template: str, data: Mapping[str, Any], allowed: frozenset[str]) -> str:
    """A title or message from its template, quoting only the allowed fields."""
    return template.format_map(_Quotable(data, allowed))


class _Quotable(dict):
    """The allowed fields of an event's data; anything else renders empty."""

    def __init__(self, data: Mapping[str, Any], allowed: frozenset[str]) -> None:
        super().__init__({name: str(data[name]) for name in allowed if data.get(name) is not None})

    def __missing__(self, name: str) -> str:
        return ""


def route(policy: Policy, event_type: str, data: Mapping[str, Any], *, now: dt.datetime,
          links: Mapping[str, str]) -> Routing:
    """Decide what an event does: the tasks it opens and closes and the notices it sends."""
    kind = short_type(event_type)
    subject = subject_of(policy, data, links)
    if subject is None:
        return Routing(subject=None)
    to_open: list[TaskToOpen] = []
    to_close: list[TasksToClose] = []
    for rule in policy.tasks:
        rule_subject = subject_of(policy, data, links, prefer=rule.subject) if rule.subject else subject
        assert rule_subject is not None
        extra = data.get(rule.key) if rule.key else None
        if kind in rule.on and matches(rule.when, data):
            to_open.append(_task(policy, rule, rule_subject, data, now, extra))
        for closer in rule.closed_by:
            if closer.on == kind and matches(closer.when, data):
                to_close.append(TasksToClose(
                    rule=rule.name, subject_type=rule_subject.type, subject_id=rule_subject.id,
                    dedup_key=dedup_key(rule.name, rule_subject, extra) if extra is not None else None,
                ))
    notices = tuple(
        NoticeToSend(message=render(n.message, data, policy.message_fields), subject=subject,
                     recipient=str(data[n.to_field]) if n.to_field and data.get(n.to_field) else None,
                     manager_of=n.manager_of)
        for n in policy.notices if kind in n.on and matches(n.when, data)
    )
    return Routing(subject=subject, open=tuple(to_open), close=tuple(to_close), notices=notices)


def dedup_key(rule: str, subject: Subject, extra: Any = None) -> str:
    """At most one live task per rule and subject (and ``extra``, e.g. a visit)."""
    key = f"{rule}:{subject.type}:{subject.id}"
    return f"{key}:{extra}" if extra is not None else key


def _task(policy: Policy, rule: TaskRule, subject: Subject, data: Mapping[str, Any], now: dt.datetime,
          extra: Any) -> TaskToOpen:
    due: dt.datetime | None = None
    if rule.due_field and isinstance(data.get(rule.due_field), dt.datetime):
        due = data[rule.due_field]
    elif rule.due_working_days is not None:
        due = workdays.deadline(now, rule.due_working_days)
    priority = rule.priority
    if priority == "from_risk":
        priority = policy.priority_by_risk.get(str(data.get("risk_level", "")), "normal")
    assignee = data.get(rule.assignee_field) if rule.assignee_field else None
    return TaskToOpen(
        rule=rule.name, dedup_key=dedup_key(rule.name, subject, extra),
        title=render(rule.title, data, policy.message_fields), subject=subject, team=rule.team or rule.manager_of,
        assignee=str(assignee) if assignee else None, manager_of=rule.manager_of, due=due, priority=priority,
        notify=render(rule.notify, data, policy.message_fields) if rule.notify else None,
    )


# -- webhooks -------------------------------------------------------------------------------


def subscription_wants(*, event_types: list[str], referrer_only: bool, owner: str, event_type: str,
                       data: Mapping[str, Any]) -> bool:
    """Whether a subscription receives an event: a referrer's only its own referrals' events."""
    kind = short_type(event_type)
    if not any(kind == short_type(t) or t == "*" for t in event_types):
        return False
    if referrer_only:
        return kind.startswith("intake.referral.") and data.get("referrer_client") == owner
    return True


def webhook_body(*, event_id: str, event_type: str, time: str, subject: Subject | None) -> dict[str, Any]:
    """What a webhook carries: the event's identity and a reference and link, never its details."""
    return {
        "id": event_id,
        "type": event_type,
        "time": time,
        "subject": None if subject is None else {
            "type": subject.type, "id": subject.id, "reference": subject.reference, "link": subject.link,
        },
    }


# -- who may close a task by hand ----------------------------------------------------------

#: Who may close by hand a task that closes itself when its work is recorded.
CLOSES_SELF_CLOSING = frozenset({"team_leader", "admin"})


def hand_closing_refusal(*, roles: frozenset[str], self_closing: bool, reason: str | None) -> Refusal | None:
    """Why an officer may not close a task by hand (done or cancelled); None when they may.

    Closing by hand always needs a reason (422, naming ``reason``). A task that closes itself when
    its work is recorded (a referral triaged, a visit recorded) is closed by doing that work: an
    officer who marked it done would leave the work undone and the record out of every queue.
    Only a team leader may close one by hand (the work was done outside Casework, the record is
    a duplicate, an event will never come), answering for it with the reason in the audit trail.
    """
    if self_closing and not roles & CLOSES_SELF_CLOSING:
        return Refusal(403, "This task closes itself when its work is recorded: do the work on its page. "
                            "Only a team leader may close it by hand.")
    if not (reason or "").strip():
        return Refusal(422, "Say why the task is being closed.")
    return None


# -- who may take a task --------------------------------------------------------------------

#: Who may hand a task to another officer or team, or over from one officer to another.
HANDS_OVER = frozenset({"team_leader", "admin"})


@dataclass(frozen=True)
class Refusal:
    status: int  # 403: not theirs to give; 409: someone already has it
    message: str


def assignment_refusal(*, by: str, roles: frozenset[str], holder: str | None, team: str | None,
                       to: str | None, to_team: str | None) -> Refusal | None:
    """Why officer ``by`` may not give a task held by ``holder`` in ``team`` to ``to`` in ``to_team``;
    None when they may. The tasks API and the inbox page both ask this, so it is the one rule.

    Team leaders and admins hand any task to anyone. Another officer may only take a task for
    themselves, in its own team, and only one nobody has (or they have already): a teammate's
    task is handed over by a team leader, not taken.
    """
    if roles & HANDS_OVER:
        return None
    if to != by or to_team not in (None, team):
        return Refusal(403, "Only a team leader may give a task to someone else or another team.")
    if holder not in (None, by):
        return Refusal(409, "Someone else has already taken this task; a team leader can hand it over.")
    return None
