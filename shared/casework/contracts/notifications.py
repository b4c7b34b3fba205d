"""Events the notifications service publishes."""

from marshmallow import fields, validate

from .common import EventData, Subject, Timestamp, register_privacy

PRIORITIES = ("low", "normal", "high", "urgent")


class TaskCreated(EventData):
    """A task was made for an officer or a team."""

    task_id = fields.UUID(required=True)
    title = fields.String(required=True)
    team = fields.String(allow_none=True)
    assignee = fields.String(allow_none=True)
    due = Timestamp(allow_none=True)
    priority = fields.String(required=True, validate=validate.OneOf(PRIORITIES))
    subject = fields.Nested(Subject, required=True)


class TaskOverdue(EventData):
    """A task passed its due time undone and was escalated."""

    task_id = fields.UUID(required=True)
    team = fields.String(allow_none=True)
    assignee = fields.String(allow_none=True)
    due = Timestamp(required=True)
    escalated_to = fields.String(allow_none=True)
    subject = fields.Nested(Subject, required=True)


def register(catalogue) -> None:
    # Notifications consumes its own events too: it delivers them to the webhook subscriptions
    # that ask for them (a team's chat channel told of overdue tasks, say). Without a consumer
    # every task made would wait in ``casework.unrouted`` for ever.
    catalogue.register("casework.notifications.task.created.v1", TaskCreated, producer="notifications",
                       consumers=("notifications",))
    catalogue.register("casework.notifications.task.overdue.v1", TaskOverdue, producer="notifications",
                       consumers=("notifications",))
    register_privacy(catalogue, "notifications")
