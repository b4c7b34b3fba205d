"""The notifications API's bodies, named by intent."""

from __future__ import annotations

import datetime as dt
import os

import marshmallow as ma
from marshmallow import fields, validate

from casework.auth import ROLES
from casework.web.fields import Boolean, DateTime, NearDate
from notifications import links, policy, rules
from notifications.models import EMAIL_PREFERENCES, TASK_STATUSES

SLUG = validate.Regexp(r"^[a-z][a-z0-9_]{1,59}$", error="Use lower-case letters, digits and underscores.")
EXAMPLE_TASK_ID = "6f1c2a9e-3b7d-4c1e-9a55-0d2f8e7b6a41"


class OfficerCreate(ma.Schema):
    id = fields.String(required=True, validate=validate.Length(min=1, max=200),
                       metadata={"description": "The `sub` of the officer's bearer token.", "example": "o-jsmith"})
    name = fields.String(required=True, validate=validate.Length(min=1, max=200), metadata={"example": "J Smith"})
    email = fields.Email(required=True, metadata={"example": "j.smith@council.example.gov.uk"})
    teams = fields.List(fields.String(validate=SLUG), load_default=list, metadata={"example": ["sustainment"]})
    roles = fields.List(fields.String(validate=validate.OneOf(ROLES)), load_default=list,
                        metadata={"example": ["sustainment_officer"]})
    email_preference = fields.String(load_default="immediate", validate=validate.OneOf(EMAIL_PREFERENCES),
                                     metadata={"example": "immediate"})


class OfficerUpdate(ma.Schema):
    name = fields.String(required=True, validate=validate.Length(min=1, max=200), metadata={"example": "J Smith"})
    email = fields.Email(required=True, metadata={"example": "j.smith@council.example.gov.uk"})
    teams = fields.List(fields.String(validate=SLUG), required=True, metadata={"example": ["sustainment"]})
    roles = fields.List(fields.String(validate=validate.OneOf(ROLES)), required=True,
                        metadata={"example": ["sustainment_officer", "team_leader"]})
    active = Boolean(load_default=True, metadata={"example": True})


class Officer(ma.Schema):
    id = fields.String(metadata={"example": "o-jsmith"})
    name = fields.String(metadata={"example": "J Smith"})
    email = fields.String(metadata={"example": "j.smith@council.example.gov.uk"})
    teams = fields.List(fields.String(), metadata={"example": ["sustainment"]})
    roles = fields.List(fields.String(), metadata={"example": ["sustainment_officer"]})
    active = Boolean(metadata={"example": True})
    email_preference = fields.String(metadata={"example": "immediate"})
    away_from = NearDate(past=2, future=2, allow_none=True, metadata={"description": "Away from this day (London).",
                                                       "example": None})
    away_until = NearDate(past=2, future=2, allow_none=True, metadata={"description": "The last day away (none: until marked back).",
                                                        "example": None})
    cover_id = fields.String(allow_none=True, metadata={"description": "Who takes their tasks while they are away.",
                                                        "example": None})


class OfficerAway(ma.Schema):
    """Mark an officer away and move their open tasks to a colleague."""

    away_from = NearDate(past=1, future=2, data_key="from", load_default=None,
                            metadata={"description": "The first day away (default today).", "example": "2027-03-01"})
    until = NearDate(past=1, future=2, load_default=None, metadata={"description": "The last day away (none: until marked back).",
                                                     "example": "2027-03-12"})
    tasks_to = fields.String(required=True, validate=validate.Length(min=1, max=200),
                             metadata={"description": "The colleague who takes their open tasks and new ones.",
                                       "example": "o-tso"})
    reason = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=500),
                           metadata={"example": "Annual leave"})


class OfficerAwayDone(ma.Schema):
    officer = fields.Nested(Officer)
    tasks_moved = fields.List(fields.UUID(), metadata={"example": [EXAMPLE_TASK_ID]})


class OfficerQueryArgs(ma.Schema):
    # A team is a slug (as an officer's teams are): anything else, a NUL byte too, is refused naming it.
    team = fields.String(validate=SLUG, metadata={"example": "sustainment"})
    role = fields.String(validate=validate.OneOf(ROLES), metadata={"example": "team_leader"})


class Preferences(ma.Schema):
    """How an officer is told: the in-app inbox is always on; e-mail immediately, daily or never."""

    inbox = fields.String(dump_only=True, dump_default="on", metadata={"example": "on"})
    email = fields.String(required=True, validate=validate.OneOf(EMAIL_PREFERENCES),
                          metadata={"example": "daily_digest"})


class TeamCreate(ma.Schema):
    slug = fields.String(required=True, validate=SLUG, metadata={"example": "sustainment"})
    name = fields.String(required=True, validate=validate.Length(min=1, max=200),
                         metadata={"example": "Tenancy sustainment"})
    manager_id = fields.String(allow_none=True, load_default=None, metadata={"example": "o-tleader"})
    shared_queue = Boolean(load_default=True, metadata={"example": True})


class TeamUpdate(ma.Schema):
    name = fields.String(required=True, validate=validate.Length(min=1, max=200),
                         metadata={"example": "Tenancy sustainment"})
    manager_id = fields.String(allow_none=True, load_default=None, metadata={"example": "o-tleader"})
    shared_queue = Boolean(load_default=True, metadata={"example": True})


class Team(TeamCreate):
    pass


class SubjectRef(ma.Schema):
    type = fields.String(metadata={"example": "referral"})
    id = fields.String(metadata={"example": "0b7e4d52-8a1f-4f8e-9d3c-2a6b1c9e7f10"})
    service = fields.String(metadata={"example": "intake"})
    reference = fields.String(allow_none=True, metadata={"example": "R-000123"})
    link = fields.String(metadata={"example": "http://127.0.0.1:8001/referrals/0b7e4d52-8a1f-4f8e-9d3c-2a6b1c9e7f10"})


def _subject(obj) -> dict:
    return {"type": obj.subject_type, "id": obj.subject_id, "service": getattr(obj, "subject_service", None),
            "reference": obj.subject_reference, "link": obj.link}


class Task(ma.Schema):
    id = fields.UUID(metadata={"example": EXAMPLE_TASK_ID})
    title = fields.String(metadata={"example": "Triage referral R-000123"})
    status = fields.String(metadata={"example": "open"})
    priority = fields.String(metadata={"example": "high"})
    team = fields.String(allow_none=True, metadata={"example": "intake"})
    assignee = fields.String(allow_none=True, metadata={"example": "o-jsmith"})
    due = DateTime(allow_none=True, metadata={"example": "2025-03-04T17:00:00+00:00"})
    overdue = fields.Method("_overdue", metadata={"example": False})
    subject = fields.Function(_subject, metadata={"description": "The referral, case or offer it is about."})
    rule = fields.String(metadata={"example": "triage_referral"})
    created_by_event = fields.String(allow_none=True, metadata={"example": "9a8b7c6d-1e2f-4a3b-8c9d-0e1f2a3b4c5d"})
    closed_by_event = fields.String(allow_none=True)
    closed_by = fields.String(allow_none=True, metadata={"example": "event"})
    closed_reason = fields.String(allow_none=True, metadata={
        "description": "Why an officer closed it by hand (none when the event recording its work closed it).",
        "example": None})
    page_url = fields.Method("_page_url", metadata={
        "description": "The page where its work is done (the referral's, the case's, the advert's, the offer's…).",
        "example": "http://127.0.0.1:8001/app/referrals/0b7e4d52-8a1f-4f8e-9d3c-2a6b1c9e7f10"})
    closes_itself = fields.Method("_closes_itself", metadata={
        "description": "It closes itself when its work is recorded (e.g. the referral triaged): do the work "
                       "on its page; only a team leader may close it by hand, with a reason.",
        "example": True})
    created_at = DateTime()
    closed_at = DateTime(allow_none=True)
    escalated_at = DateTime(allow_none=True)
    escalated_to = fields.String(allow_none=True)

    def _overdue(self, task) -> bool:
        return task.status in ("open", "acknowledged") and task.due is not None \
            and task.due < dt.datetime.now(dt.UTC)

    def _page_url(self, task) -> str | None:
        return links.task_page(task, rules.public_urls(os.environ))

    def _closes_itself(self, task) -> bool:
        return rules.closes_itself(policy.current(), task.rule)


class TaskClosing(ma.Schema):
    """Why an officer closes a task by hand."""

    reason = fields.String(allow_none=True, load_default=None, validate=validate.Length(max=2000), metadata={
        "example": "Triaged by phone with the team leader; the referral was recorded on paper during the outage.",
        "description": "Required: why the task is closed by hand."})


class OfficerLoad(ma.Schema):
    officer_id = fields.String(allow_none=True, metadata={"example": "o-jsmith",
                                                          "description": "None for the team's shared queue."})
    name = fields.String(allow_none=True, metadata={"example": "Jo Smith"})
    open = fields.Integer(metadata={"example": 7, "description": "Live tasks: open or acknowledged."})
    overdue = fields.Integer(metadata={"example": 2, "description": "Live tasks past their due time."})


class TeamWorkload(ma.Schema):
    """A team's live and overdue tasks by officer, and in its shared queue."""

    team = fields.String(metadata={"example": "sustainment"})
    officers = fields.List(fields.Nested(OfficerLoad))
    unassigned = fields.Nested(OfficerLoad)


class TaskQueryArgs(ma.Schema):
    assignee = fields.String(metadata={"example": "o-jsmith"})
    team = fields.String(validate=SLUG, metadata={"example": "intake"})
    status = fields.String(validate=validate.OneOf(TASK_STATUSES), metadata={"example": "open"})
    overdue = fields.Boolean(metadata={"example": True})
    due_before = DateTime(metadata={"example": "2025-03-07T17:00:00+00:00"})
    subject_id = fields.String(metadata={"example": "0b7e4d52-8a1f-4f8e-9d3c-2a6b1c9e7f10"})


class TaskAssignment(ma.Schema):
    """Who the task is for: an officer, a team's queue, or both."""

    assignee = fields.String(allow_none=True, load_default=None, metadata={"example": "o-jsmith"})
    team = fields.String(allow_none=True, load_default=None, validate=SLUG, metadata={"example": "sustainment"})

    @ma.validates_schema
    def _someone(self, data, **kwargs):
        if not data.get("assignee") and not data.get("team"):
            raise ma.ValidationError("Give an assignee, a team or both.", field_name="assignee")


class Notification(ma.Schema):
    id = fields.UUID()
    recipient = fields.String(metadata={"example": "o-jsmith"})
    message = fields.String(metadata={"example": "Case C-000045 has been assigned to you: make first contact."})
    link = fields.String(allow_none=True)
    subject = fields.Method("_subject")
    task_id = fields.UUID(allow_none=True)
    read = fields.Method("_read", metadata={"example": False})
    created_at = DateTime()
    read_at = DateTime(allow_none=True)

    def _subject(self, n) -> dict | None:
        if n.subject_type is None:
            return None
        return {"type": n.subject_type, "id": n.subject_id, "reference": n.subject_reference, "link": n.link}

    def _read(self, n) -> bool:
        return n.read_at is not None


class NotificationQueryArgs(ma.Schema):
    recipient = fields.String(metadata={"description": "Whose inbox (admin only for others').",
                                        "example": "o-jsmith"})
    unread = fields.Boolean(metadata={"example": True})


class SubscriptionCreate(ma.Schema):
    url = fields.Url(required=True, schemes={"https", "http"}, require_tld=False,
                     metadata={"example": "https://partner.example.org/casework/webhooks"})
    event_types = fields.List(fields.String(), required=True, validate=validate.Length(min=1),
                              metadata={"example": ["intake.referral.accepted.v2"],
                                        "description": "Routing keys (or `*` for all the caller may see)."})
    secret = fields.String(required=True, load_only=True, validate=validate.Length(min=16, max=200),
                           metadata={"description": "Shared secret for the HMAC-SHA256 signature.",
                                     "example": "s3cret-s3cret-s3cret"})


class Subscription(ma.Schema):
    id = fields.UUID()
    url = fields.String(metadata={"example": "https://partner.example.org/casework/webhooks"})
    event_types = fields.List(fields.String(), metadata={"example": ["intake.referral.accepted.v2"]})
    owner = fields.String(metadata={"example": "sys-rent"})
    referrer_only = Boolean(metadata={"example": True})
    active = Boolean(metadata={"example": True})
    consecutive_failures = fields.Integer(metadata={"example": 0})
    disabled_at = DateTime(allow_none=True)
    created_at = DateTime()


class Delivery(ma.Schema):
    id = fields.UUID()
    channel = fields.String(metadata={"example": "sms"})
    target = fields.String(metadata={"description": "The officer (e-mail), the subscription (webhook), or "
                                                    "`person` (a message to a person, `POST /messages`)."})
    event_id = fields.String(allow_none=True)
    title = fields.String(metadata={"description": "The e-mail's subject, the event's type (webhook) or the "
                                                   "template's name (a message to a person).",
                                    "example": "casework.intake.referral.accepted.v2"})
    status = fields.String(metadata={"description": "pending, sent, delivered (GOV.UK Notify's receipt says so) "
                                                    "or failed (replayable).", "example": "sent"})
    attempts = fields.Integer(metadata={"example": 1})
    last_error = fields.String(allow_none=True, metadata={"example": "HTTP 503"})
    response_status = fields.Integer(allow_none=True, metadata={"example": 204})
    created_at = DateTime()
    delivered_at = DateTime(allow_none=True)
    provider = fields.String(allow_none=True, metadata={"example": "govuk_notify"})
    provider_id = fields.String(allow_none=True, metadata={"description": "GOV.UK Notify's id for the message."})
    provider_status = fields.String(allow_none=True, metadata={"example": "delivered"})
    provider_status_at = DateTime(allow_none=True)
    team = fields.String(allow_none=True, metadata={"description": "The sending team, told when it cannot be "
                                                                   "delivered.", "example": "sustainment"})
    subject_type = fields.String(allow_none=True, metadata={"example": "case"})
    subject_id = fields.String(allow_none=True)


DELIVERY_CHANNELS = ("email", "sms", "letter", "webhook")
DELIVERY_STATUSES = ("pending", "sent", "delivered", "failed")


class DeliveryQueryArgs(ma.Schema):
    channel = fields.String(validate=validate.OneOf(DELIVERY_CHANNELS), metadata={"example": "email"})
    status = fields.String(validate=validate.OneOf(DELIVERY_STATUSES), metadata={"example": "failed"})
    target = fields.String(metadata={"example": "o-jsmith"})


class MessageSubject(ma.Schema):
    type = fields.String(required=True, validate=validate.OneOf(sorted(links.PAGES)), metadata={"example": "case"})
    id = fields.String(required=True, validate=validate.Length(min=1, max=64),
                       metadata={"example": "0b7e2f9c-5d1a-4f3e-8c6b-2a9d4e1f7c30"})


class MessageCreate(ma.Schema):
    channel = fields.String(required=True, validate=validate.OneOf(rules.MESSAGE_CHANNELS), metadata={"example": "sms"})
    template = fields.String(required=True, validate=validate.Length(min=1, max=100),
                             metadata={"description": "A template's name in the policy (`govuk_notify.templates`).",
                                       "example": "visit_reminder"})
    to = fields.String(validate=validate.Length(max=320), metadata={
        "description": "The e-mail address or mobile number (not for a letter).", "example": "07700 900123"})
    address = fields.List(fields.String(validate=validate.Length(max=200)), validate=validate.Length(max=7),
                          metadata={"description": "A letter's address lines, the last its postcode.",
                                    "example": ["Flat 2", "1 High Street", "Anytown", "AB1 2CD"]})
    personalisation = fields.Dict(keys=fields.String(validate=validate.Length(min=1, max=50)),
                                  values=fields.String(validate=validate.Length(max=2000)),
                                  validate=validate.Length(max=20), load_default=dict,
                                  metadata={"description": "What the template's placeholders are filled with: "
                                                           "the least the person needs.",
                                            "example": {"reference": "C-000045", "visit_date": "3 March"}})
    team = fields.String(required=True, validate=SLUG, metadata={"example": "sustainment"})
    subject = fields.Nested(MessageSubject, metadata={"description": "The record the message is about."})
