"""How the inbox page words and orders tasks: pure functions, no Flask, no database (the council's
policy read once, when the page does not pass it)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

from casework.db import as_utc
from casework.workdays import LONDON
from notifications import links, rules
from notifications.policy import current as current_policy
from notifications.rules import Policy

PRIORITY_RANK = {"urgent": 0, "high": 1, "normal": 2, "low": 3}
#: The GOV.UK tag colour for each priority; the tag's text always says the priority too.
PRIORITY_TAG = {"urgent": "govuk-tag--red", "high": "govuk-tag--orange", "normal": "govuk-tag--blue",
                "low": "govuk-tag--grey"}
STATUS_TAG = {"open": "govuk-tag--light-blue", "acknowledged": "govuk-tag--purple"}
SUBJECT_NAMES = {"referral": "Referral", "case": "Case", "offer": "Offer", "advert": "Advert",
                 "property": "Property"}


def due_in_words(due: dt.datetime | None, now: dt.datetime) -> str:
    """"due today", "due tomorrow", "due in 3 days", "overdue", "1 day overdue", "2 days overdue".

    Days are counted between calendar dates in London, as officers count them.
    """
    if due is None:
        return "no due date"
    due = as_utc(due)  # SQLite (embedded mode) hands back naive UTC datetimes
    days = (due.astimezone(LONDON).date() - now.astimezone(LONDON).date()).days
    if due < now:
        late = -days
        if late <= 0:
            return "overdue"
        return f"{late} day{'s' if late != 1 else ''} overdue"
    if days == 0:
        return "due today"
    if days == 1:
        return "due tomorrow"
    return f"due in {days} days"


def when(moment: dt.datetime | None) -> str:
    """A date and time as GOV.UK writes them: "Tuesday 4 March 2025 at 5pm" (London time)."""
    if moment is None:
        return ""
    local = as_utc(moment).astimezone(LONDON)
    hour = local.hour % 12 or 12
    clock = f"{hour}{local.strftime(':%M') if local.minute else ''}{'am' if local.hour < 12 else 'pm'}"
    if (local.hour, local.minute) == (12, 0):
        clock = "midday"
    return f"{local.strftime('%A')} {local.day} {local.strftime('%B %Y')} at {clock}"


def is_overdue(due: dt.datetime | None, now: dt.datetime) -> bool:
    return due is not None and as_utc(due) < now


def sort_key(due: dt.datetime | None, priority: str, created_at: dt.datetime) -> str:
    """Overdue and soonest due first, then the most urgent, then the oldest: as one sortable string.

    The page's script inserts live tasks by this key, so it must order as the server does.
    """
    due_part = as_utc(due).strftime("%Y%m%d%H%M%S") if due is not None else "99999999999999"
    made = as_utc(created_at).strftime("%Y%m%d%H%M%S%f")
    return f"{due_part}-{PRIORITY_RANK.get(priority, 9)}-{made}"


#: What each event that closes a task records, in the officer's words (``closed_when``).
RECORDED = {
    "intake.referral.accepted": "the referral's triage", "intake.referral.rejected": "the referral's triage",
    "intake.referral.signposted": "the referral's triage", "intake.referral.withdrawn": "the referral's withdrawal",
    "sustainment.case.assigned": "the case's assignment", "sustainment.case.closed": "the case's closure",
    "sustainment.contact.recorded": "a contact with the household", "sustainment.visit.recorded": "the visit",
    "lettings.offer.accepted": "the offer's outcome", "lettings.offer.refused": "the offer's outcome",
    "lettings.offer.withdrawn": "the offer's outcome", "lettings.offer.expired": "the offer's outcome",
    "lettings.offer.made": "an offer of the home", "lettings.advert.published": "a new advert for the home",
    "lettings.applicant.status_changed": "the applicant's new status",
}


def closed_when(policy: Policy, rule: str) -> str:
    """What recording closes tasks of ``rule``: "the referral's triage or the referral's withdrawal"."""
    said: list[str] = []
    for task_rule in policy.tasks:
        if task_rule.name == rule:
            for closer in task_rule.closed_by:
                words = RECORDED.get(closer.on, closer.on.rsplit(".", 2)[-2].replace("_", " ") + " "
                                     + closer.on.rsplit(".", 1)[-1].replace("_", " "))
                if words not in said:
                    said.append(words)
    if not said:
        return "its work"
    return said[0] if len(said) == 1 else ", ".join(said[:-1]) + " or " + said[-1]


@dataclass(frozen=True)
class TaskCard:
    """One task as the page shows it."""

    id: str
    title: str
    status: str
    status_tag: str
    priority: str
    priority_tag: str
    due_words: str
    due_full: str
    due_iso: str
    overdue: bool
    team: str | None
    subject_type: str
    subject_name: str
    #: What the link to its page says: "Open referral R-000123".
    link_text: str
    #: The page where the task's work is done (``notifications.links``); empty when it has none.
    page_url: str
    #: It closes itself when its work is recorded: the page offers no "Mark as done" for it
    #: (a team leader may still close it by hand, with a reason).
    closes_itself: bool
    #: What recording closes it, for "This task closes itself when … is recorded" ("" if it does not).
    closes_when: str
    rule: str
    sort_key: str


def card(task, now: dt.datetime, service_urls: Mapping[str, str], policy: Policy | None = None) -> TaskCard:
    """A task row (anything with the Task model's fields) worded for the page, under the council's
    ``policy`` (by default this process's)."""
    kind = SUBJECT_NAMES.get(task.subject_type, task.subject_type.title())
    policy = policy or current_policy()
    self_closing = rules.closes_itself(policy, task.rule)
    named = task.subject_reference or task.subject_id
    return TaskCard(
        id=str(task.id), title=task.title, status=task.status, status_tag=STATUS_TAG.get(task.status, "govuk-tag--grey"),
        priority=task.priority, priority_tag=PRIORITY_TAG.get(task.priority, "govuk-tag--grey"),
        due_words=due_in_words(task.due, now), due_full=when(task.due),
        due_iso=as_utc(task.due).isoformat() if task.due else "", overdue=is_overdue(task.due, now),
        team=task.team, subject_type=task.subject_type, subject_name=f"{kind} {named}",
        link_text=f"Open {kind.lower()} {named}",
        page_url=links.task_page(task, service_urls) or "",
        closes_itself=self_closing, closes_when=closed_when(policy, task.rule) if self_closing else "",
        rule=task.rule,
        sort_key=sort_key(task.due, task.priority, task.created_at),
    )


def cards(tasks, now: dt.datetime, service_urls: Mapping[str, str], policy: Policy | None = None) -> list[TaskCard]:
    """Tasks worded and ordered for the page: overdue first, then soonest due."""
    return sorted((card(t, now, service_urls, policy) for t in tasks), key=lambda c: c.sort_key)
