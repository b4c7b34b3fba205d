"""Notifications' events are declared once, as the kernel's catalogue has them: what it publishes
(``notifications.events``) and what it consumes (``notifications.handlers``, derived from the catalogue)."""

import dataclasses
import datetime as dt
import uuid
from types import SimpleNamespace

import pytest

from casework.contracts import build, catalogue
from casework.contracts.common import EventData
from casework.service import kernel_handlers
from casework.signouts import on_signed_out
from notifications import events, rules
from notifications.handlers import handlers, on_event
from notifications.policy import load
from notifications.service import SERVICE

NOW = dt.datetime(2026, 11, 2, 10, 15, tzinfo=dt.UTC)
SUBJECT = rules.Subject(type="case", id=str(uuid.uuid4()), service="sustainment", reference="S-000042",
                        link="http://127.0.0.1:8002/cases/1")
SPEC = rules.TaskToOpen(rule="first_contact", dedup_key="first_contact:case:1", title="Make first contact: S-000042",
                        subject=SUBJECT, team="sustainment", assignee=None, manager_of=None, due=NOW,
                        priority="high", notify=None)
TASK = SimpleNamespace(id=uuid.uuid4(), team="sustainment", assignee="officer-1", due=NOW)

#: Each type notifications builds, with its data as the use cases build it.
BUILT = {
    events.TASK_CREATED: events.task_created(TASK.id, SPEC, "officer-1"),
    events.TASK_OVERDUE: events.task_overdue(TASK, SUBJECT, "leader-1"),
}


def test_every_event_notifications_publishes_is_declared_once_in_its_events_module():
    assert {"casework." + type for type in events.PUBLISHED} == {c.type for c in catalogue.produced_by("notifications")}
    assert len(set(events.PUBLISHED)) == len(events.PUBLISHED)


@pytest.mark.parametrize("type", list(BUILT))
def test_each_payload_builder_makes_data_its_contract_accepts(type):
    serialised = catalogue.serialise("casework." + type, BUILT[type])
    assert serialised["task_id"] == str(TASK.id)
    assert serialised["subject"] == {"type": "case", "id": SUBJECT.id, "service": "sustainment"}


def test_the_retention_sweeps_count_is_the_type_the_kernel_publishes_for_notifications():
    # ``casework.privacy.retention_sweep(..., service="notifications")`` names it from the service.
    assert events.RECORDS_ANONYMISED == "notifications.records.anonymised.v1"


def test_notifications_handles_exactly_the_events_the_catalogue_sends_it():
    assert set(SERVICE.handlers) == {c.type for c in catalogue.consumed_by("notifications")}
    kernel = kernel_handlers("notifications")
    assert kernel == {"casework.pages.signed_out.v1": on_signed_out}  # a sign-out is the kernel's to record
    assert {SERVICE.handlers[t] for t in SERVICE.handlers if t not in kernel} == {on_event}
    assert all(SERVICE.handlers[t] is handler for t, handler in kernel.items())


def test_an_event_the_catalogue_starts_sending_notifications_is_handled_without_a_change_here():
    known = build()
    known.register("casework.lettings.tenancy.ended.v1", type("TenancyEnded", (EventData,), {}),
                   producer="lettings", consumers=("notifications",))
    assert handlers(known)["casework.lettings.tenancy.ended.v1"] is on_event
    for type_ in [c.type for c in known.consumed_by("notifications")][:1]:
        known.contracts[type_] = dataclasses.replace(known.contracts[type_], consumers=("sustainment",))
        assert type_ not in handlers(known)


def _routed_on(policy: rules.Policy) -> set[str]:
    """The event types the policy's rules act on (without ``casework.`` and the version)."""
    named = {kind for rule in policy.tasks for kind in rule.on}
    named |= {closer.on for rule in policy.tasks for closer in rule.closed_by}
    named |= {kind for notice in policy.notices for kind in notice.on}
    return named


def test_every_event_the_routing_rules_act_on_is_one_the_catalogue_sends_notifications():
    # A rule on an event the catalogue does not send notifications would never fire.
    sent = {rules.short_type(c.type) for c in catalogue.consumed_by("notifications")}
    assert _routed_on(load()) <= sent
