"""The data of the events notifications publishes (contracts in ``casework.contracts.notifications``).

A task's id, title (quoting only the policy's ``message_fields``), who has it, when it is due and
what it is about (type, id, owning service): never the details of the record it is about.
"""

from __future__ import annotations

import uuid
from typing import Any

from notifications.models import Task
from notifications.rules import Subject, TaskToOpen

TASK_CREATED = "notifications.task.created.v1"
TASK_OVERDUE = "notifications.task.overdue.v1"
#: Published by the kernel's retention sweep (``casework.privacy.retention_sweep``) for notifications.
RECORDS_ANONYMISED = "notifications.records.anonymised.v1"

#: Every event type notifications publishes.
PUBLISHED = (TASK_CREATED, TASK_OVERDUE, RECORDS_ANONYMISED)


def subject_data(subject: Subject) -> dict[str, Any]:
    """What a task event says it is about: enough to find the record in its own service."""
    return {"type": subject.type, "id": subject.id, "service": subject.service}


def task_created(task_id: uuid.UUID, spec: TaskToOpen, assignee: str | None) -> dict[str, Any]:
    return {"task_id": task_id, "title": spec.title, "team": spec.team, "assignee": assignee, "due": spec.due,
            "priority": spec.priority, "subject": subject_data(spec.subject)}


def task_overdue(task: Task, subject: Subject, escalated_to: str | None) -> dict[str, Any]:
    return {"task_id": task.id, "team": task.team, "assignee": task.assignee, "due": task.due,
            "escalated_to": escalated_to, "subject": subject_data(subject)}
