"""The notifications service's tables: the officer directory, tasks, the inbox, webhook
subscriptions and the delivery log of e-mails and webhooks."""

from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy import Boolean, ColumnElement, Date, Index, Integer, String, Text, Uuid, text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from casework.db import JSONDoc, UTCDateTime, naming_metadata, utcnow
from casework.literal import written_in

TASK_STATUSES = ("open", "acknowledged", "done", "cancelled")
LIVE_TASK_STATUSES = ("open", "acknowledged")
EMAIL_PREFERENCES = ("immediate", "daily_digest", "off")
_LIVE = text("status IN ('open', 'acknowledged')")
_QUEUED = text("assignee IS NULL AND status IN ('open', 'acknowledged')")


def is_live(status: ColumnElement[str]) -> ColumnElement[bool]:
    """``status`` (a task's) is a live one, open or acknowledged (``ix_tasks_live_due``'s WHERE),
    written in the SQL (``casework.literal``): a prepared statement's generic plan could not
    prove ``status IN ($1, $2)`` matches the index's WHERE, and an officer's overdue tasks were
    counted by reading every task, the sweep's next batch found by a scan of them all."""
    return written_in(status, LIVE_TASK_STATUSES)


#: What the retention sweep looks through (``notifications.privacy``): records it has not anonymised yet.
_DUE_TASKS = text("anonymised_at IS NULL AND status IN ('done', 'cancelled')")
_DUE_MESSAGES = text("anonymised_at IS NULL AND read_at IS NOT NULL")
_DUE_DELIVERIES = text("anonymised_at IS NULL AND status IN ('sent', 'delivered', 'failed')")


class Base(DeclarativeBase):
    metadata = naming_metadata()


class Officer(Base):
    """An officer in the directory; ``id`` is the ``sub`` of their bearer token."""

    __tablename__ = "officers"

    id: Mapped[str] = mapped_column(String(200), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str] = mapped_column(String(320))
    teams: Mapped[list] = mapped_column(JSONDoc, default=list)
    roles: Mapped[list] = mapped_column(JSONDoc, default=list)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    #: immediate | daily_digest | off (the inbox is always on).
    email_preference: Mapped[str] = mapped_column(String(20), default="immediate")
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: Away (leave, sickness) from this day to ``away_until`` (the last day away; none: until
    #: they are marked back), in London dates; ``cover_id`` takes their work meanwhile.
    away_from: Mapped[dt.date | None] = mapped_column(Date)
    away_until: Mapped[dt.date | None] = mapped_column(Date)
    cover_id: Mapped[str | None] = mapped_column(String(200))


class Team(Base):
    """A team named by its slug (``intake``, ``sustainment``, ``lettings``) with its manager."""

    __tablename__ = "teams"

    slug: Mapped[str] = mapped_column(String(60), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    manager_id: Mapped[str | None] = mapped_column(String(200))
    #: Tasks for the team land in its shared queue unless the team has none.
    shared_queue: Mapped[bool] = mapped_column(Boolean, default=True)


class Task(Base):
    """Work for an officer or a team, made by an event and closed by one."""

    __tablename__ = "tasks"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    rule: Mapped[str] = mapped_column(String(100))
    #: ``<rule>:<key>``: at most one live task per rule and subject (see the partial index).
    dedup_key: Mapped[str] = mapped_column(String(300))
    title: Mapped[str] = mapped_column(String(300))
    status: Mapped[str] = mapped_column(String(20), default="open")
    priority: Mapped[str] = mapped_column(String(20), default="normal")
    team: Mapped[str | None] = mapped_column(String(60))
    assignee: Mapped[str | None] = mapped_column(String(200))
    due: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    subject_type: Mapped[str] = mapped_column(String(40))
    subject_id: Mapped[str] = mapped_column(String(64))
    subject_service: Mapped[str] = mapped_column(String(40))
    subject_reference: Mapped[str | None] = mapped_column(String(60))
    link: Mapped[str | None] = mapped_column(String(500))
    created_by_event: Mapped[str | None] = mapped_column(String(36))
    closed_by_event: Mapped[str | None] = mapped_column(String(36))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    closed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    closed_by: Mapped[str | None] = mapped_column(String(200))
    #: Why an officer closed it by hand (a task closed by the event recording its work has none).
    closed_reason: Mapped[str | None] = mapped_column(String(2000))
    escalated_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    escalated_to: Mapped[str | None] = mapped_column(String(200))
    #: When the retention sweep removed its title, reference and link.
    anonymised_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)

    __table_args__ = (
        Index("uq_tasks_live_dedup_key", "dedup_key", unique=True,
              postgresql_where=text("status IN ('open', 'acknowledged')"),
              sqlite_where=text("status IN ('open', 'acknowledged')")),
        Index("ix_tasks_assignee_status", "assignee", "status"),
        # Lists read their page in the order they show (soonest due first) rather than sorting
        # every match: live tasks (the inbox, overdue), by status, by team and status, and every
        # task (an admin's list with no filter, which sorted two million; bench/NOTES.md, a large
        # council). A live list is read from the live tasks' own index (``is_live`` writes their
        # statuses in the SQL so that a prepared statement's plan can prove it applies), not by
        # walking five years of closed tasks in due order looking for the few live ones.
        Index("ix_tasks_live_due", "due", "created_at", "id", postgresql_where=_LIVE, sqlite_where=_LIVE),
        # A team's shared queue (live, unassigned), in the same order: the inbox's queue and its count
        # read its few hundred tasks, not the team's live tasks and every unassigned one ANDed
        # (bench/NOTES.md, "Day tallies and the team queue").
        Index("ix_tasks_queued_due", "team", "due", "created_at", "id", postgresql_where=_QUEUED, sqlite_where=_QUEUED),
        # A team's workload: its live tasks counted by assignee (and how many overdue) from the
        # index alone, in assignee order, not each live task's row read from the table
        # (bench/NOTES.md, "intake's performance report (intx)").
        Index("ix_tasks_team_live_assignee", "team", "assignee", "due", postgresql_where=_LIVE, sqlite_where=_LIVE),
        Index("ix_tasks_due", "due", "created_at", "id"),
        Index("ix_tasks_status_due", "status", "due", "created_at", "id"),
        Index("ix_tasks_team_status_due", "team", "status", "due", "created_at", "id"),
        Index("ix_tasks_subject_id", "subject_id"),
        # The retention sweep's next batch (closed, not yet anonymised), oldest closing first.
        Index("ix_tasks_retention", "closed_at", postgresql_where=_DUE_TASKS, sqlite_where=_DUE_TASKS),
    )


class Notification(Base):
    """A message in an officer's in-app inbox."""

    __tablename__ = "notifications"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    recipient: Mapped[str] = mapped_column(String(200))
    message: Mapped[str] = mapped_column(String(500))
    link: Mapped[str | None] = mapped_column(String(500))
    subject_type: Mapped[str | None] = mapped_column(String(40))
    subject_id: Mapped[str | None] = mapped_column(String(64))
    subject_reference: Mapped[str | None] = mapped_column(String(60))
    task_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    event_id: Mapped[str | None] = mapped_column(String(36))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    read_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    #: When it went out in an e-mail (immediately or in a digest).
    emailed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    #: When the retention sweep removed its message, reference and link.
    anonymised_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)

    __table_args__ = (
        Index("ix_notifications_recipient_created", "recipient", "created_at"),
        # A subject-access export finds the messages about a record, or about its tasks.
        Index("ix_notifications_subject_id", "subject_id"),
        Index("ix_notifications_task_id", "task_id"),
        Index("ix_notifications_retention", "read_at", postgresql_where=_DUE_MESSAGES, sqlite_where=_DUE_MESSAGES),
    )


class Subscription(Base):
    """A webhook: events of the listed types are POSTed, signed, to ``url``."""

    __tablename__ = "subscriptions"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    owner: Mapped[str] = mapped_column(String(200))
    #: True when a ``referrer`` made it: it only receives its own referrals' events.
    referrer_only: Mapped[bool] = mapped_column(Boolean, default=False)
    url: Mapped[str] = mapped_column(String(1000))
    event_types: Mapped[list] = mapped_column(JSONDoc, default=list)
    secret: Mapped[str] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    consecutive_failures: Mapped[int] = mapped_column(Integer, default=0)
    disabled_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class Delivery(Base):
    """One e-mail, text message, letter or webhook on its way out: the delivery log."""

    __tablename__ = "deliveries"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    channel: Mapped[str] = mapped_column(String(20))  # email | sms | letter | webhook
    #: The officer an e-mail is for, the subscription a webhook is for, or ``person`` (a message
    #: to a tenant or applicant asked for by ``POST /messages``).
    target: Mapped[str] = mapped_column(String(200))
    address: Mapped[str] = mapped_column(String(1000))
    event_id: Mapped[str | None] = mapped_column(String(36))
    title: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    #: pending | sent (the mail server or GOV.UK Notify took it) | delivered (Notify's receipt
    #: says it arrived) | failed (given up, or Notify's receipt says so): replayable.
    status: Mapped[str] = mapped_column(String(20), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(String(500))
    response_status: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    delivered_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    #: When the retention sweep removed its address, title and body.
    anonymised_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    #: smtp | govuk_notify (e-mails, texts and letters), and Notify's id for it.
    provider: Mapped[str | None] = mapped_column(String(20))
    provider_id: Mapped[str | None] = mapped_column(String(64), index=True)
    #: The last status Notify's delivery receipt gave (``delivered``, ``permanent-failure``…), and its time.
    provider_status: Mapped[str | None] = mapped_column(String(30))
    provider_status_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    #: The sender's team: told (a task) when the message cannot be delivered.
    team: Mapped[str | None] = mapped_column(String(60))
    #: The record the message is about (a case, referral…), if any.
    subject_type: Mapped[str | None] = mapped_column(String(40))
    subject_id: Mapped[str | None] = mapped_column(String(64))

    __table_args__ = (
        # The delivery log newest first: all of it, by status, by channel and target (an
        # officer's e-mails, a subscription's webhooks).
        Index("ix_deliveries_created", "created_at"),
        Index("ix_deliveries_status_created", "status", "created_at"),
        Index("ix_deliveries_channel_target_created", "channel", "target", "created_at"),
        Index("ix_deliveries_retention", "created_at", postgresql_where=_DUE_DELIVERIES, sqlite_where=_DUE_DELIVERIES),
    )
