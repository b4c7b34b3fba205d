"""Messages to a person (a tenant, an applicant, an agency's worker) by e-mail, text or letter
through GOV.UK Notify, and Notify's delivery receipts for everything it sent.

A message names a template of the council's Notify service (policy ``govuk_notify.templates``),
the person's address, the personalisation the template asks for, and the sending team, which is
told (a task) when Notify says the message cannot be delivered. What is sent to the person may
carry their own details; the delivery log's audit entry and the task carry none.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import uuid
from collections.abc import Mapping
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from casework import audit
from casework.context import Principal
from casework.db import utcnow
from notifications import deliveries, directory, inbox, links, senders, workflow
from notifications.govuk_notify import RECEIPT_STATUSES, parse_time
from notifications.metrics import counted
from notifications.models import Delivery, Team
from notifications.refusals import Conflict, Invalid, NotAllowed, NotFound
from notifications.rules import Policy, Subject, TaskToOpen, public_urls

UNDELIVERED = "undelivered_message"
_PHONE = re.compile(r"^\+?[0-9 ()-]{7,20}$")
_WHAT = {"email": "e-mail", "sms": "text message", "letter": "letter"}


def send(session: Session, policy: Policy, *, by: Principal, channel: str, template: str, team: str,
         personalisation: Mapping[str, str], to: str | None = None, address: list[str] | None = None,
         subject: Mapping[str, str] | None = None) -> Delivery:
    """Log a message to a person for the worker to send through GOV.UK Notify (now, and again with
    backoff while Notify cannot take it)."""
    if senders.provider() != senders.GOVUK_NOTIFY:
        raise Conflict("Messages to people go through GOV.UK Notify, and this council sends through its mail "
                       "server (CASEWORK_MESSAGES_PROVIDER).")
    chosen = policy.templates.get(template)
    if chosen is None or chosen.channel != channel:
        raise Invalid("template", f"The policy has no {_WHAT.get(channel, channel)} template called {template!r}.")
    if session.get(Team, team) is None:
        raise Invalid("team", f"There is no team {team!r}.")
    if not by.has_any("admin", "service") and team not in directory.teams_of(session, by.sub):
        raise NotAllowed("You may send messages only for a team you are in.")
    delivery = Delivery(
        id=uuid.uuid4(), channel=channel, target=senders.PERSON, address=_address(channel, to, address),
        title=template, body=json.dumps({"template": template, "personalisation": dict(personalisation),
                                         "subject": dict(subject) if subject else None}, separators=(",", ":")),
        status="pending", attempts=0, created_at=utcnow(), team=team,
        subject_type=subject["type"] if subject else None, subject_id=subject["id"] if subject else None)
    session.add(delivery)
    deliveries.schedule(session, delivery, due_at=utcnow())
    audit.record(session, "message.sent", "delivery", delivery.id,
                 after={"channel": channel, "template": template, "team": team,
                        "subject": dict(subject) if subject else None})
    return delivery


def _address(channel: str, to: str | None, address: list[str] | None) -> str:
    if channel == "letter":
        lines = [line.strip() for line in address or [] if line and line.strip()]
        if not 3 <= len(lines) <= 7:
            raise Invalid("address", "Give a letter's address as 3 to 7 lines, the last its postcode.")
        return "\n".join(lines)
    to = (to or "").strip()
    if channel == "email" and not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", to):
        raise Invalid("to", "Give the e-mail address to send to.")
    if channel == "sms" and not _PHONE.fullmatch(to):
        raise Invalid("to", "Give the mobile number to text, like 07700 900123 or +44 7700 900123.")
    return to


def record_receipt(session: Session, policy: Policy, receipt: Mapping[str, Any], *,
                   now: dt.datetime) -> tuple[Delivery, bool]:
    """Record GOV.UK Notify's delivery receipt against the delivery log; the delivery, and whether
    the receipt changed it (the same receipt again changes nothing). A permanent failure tasks the
    sending team."""
    status = receipt.get("status")
    if status not in RECEIPT_STATUSES:
        raise Invalid("status", f"A delivery receipt's status is one of {', '.join(RECEIPT_STATUSES)}.")
    delivery = _receipted(session, receipt)
    if delivery.provider_status == status:
        return delivery, False
    delivery.provider_status = status
    delivery.provider_status_at = parse_time(receipt.get("completed_at")) or now
    delivery.provider_id = delivery.provider_id or str(receipt["id"])
    if RECEIPT_STATUSES[status] == "delivered":
        delivery.status = "delivered"
        delivery.delivered_at = delivery.provider_status_at
        delivery.last_error = None
        counted(delivery.channel, "delivered")
    else:
        delivery.status = "failed"
        delivery.last_error = f"GOV.UK Notify: {status}"
        counted(delivery.channel, "undelivered")
    if status == "permanent-failure":
        _tell_the_team(session, policy, delivery)
    return delivery, True


def _receipted(session: Session, receipt: Mapping[str, Any]) -> Delivery:
    """The delivery a receipt is for: by the reference we gave (its id), else by Notify's id."""
    notify_id = str(receipt.get("id") or "")
    if not notify_id:
        raise Invalid("id", "A delivery receipt names Notify's id for the message.")
    delivery = None
    try:
        delivery = session.get(Delivery, uuid.UUID(str(receipt.get("reference"))), with_for_update=True)
    except ValueError:
        pass
    if delivery is None:
        delivery = session.scalar(select(Delivery).where(Delivery.provider_id == notify_id).with_for_update())
    if delivery is None or delivery.provider != senders.GOVUK_NOTIFY or \
            (delivery.provider_id is not None and delivery.provider_id != notify_id):
        raise NotFound("No message sent through GOV.UK Notify has that id and reference.")
    return delivery


def _tell_the_team(session: Session, policy: Policy, delivery: Delivery) -> None:
    what = _WHAT.get(delivery.channel, delivery.channel)
    if delivery.target == senders.PERSON:
        title = f"A {what} ({delivery.title}) could not be delivered: check the contact details and send it again"
    else:
        title = f"An e-mail to officer {delivery.target} could not be delivered: mend their address in the directory"
    urls = public_urls(os.environ)
    if delivery.subject_type and delivery.subject_id:
        subject = Subject(type=delivery.subject_type, id=delivery.subject_id,
                          service=links.PAGES.get(delivery.subject_type, ("notifications",))[0], reference=None,
                          link=links.page_url(delivery.subject_type, delivery.subject_id, urls) or "")
    else:
        subject = Subject(type="delivery", id=str(delivery.id), service="notifications", reference=None,
                          link=f"{urls['notifications']}/deliveries/{delivery.id}")
    if delivery.team is None:
        for admin in directory.admins(session):
            inbox.notify(session, policy, admin.id, title, subject=subject)
        return
    workflow.open_task(session, policy, TaskToOpen(
        rule=UNDELIVERED, dedup_key=f"{UNDELIVERED}:{delivery.id}", title=title, subject=subject, team=delivery.team,
        assignee=None, manager_of=None, due=None, priority="high", notify=None), event_id=None)
