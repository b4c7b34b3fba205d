"""What officers do with tasks (acknowledge, complete, take, hand over, cancel) and with their
inbox: what each use case writes, on an in-memory session."""

import datetime as dt
import uuid
from types import SimpleNamespace

import pytest

from casework.audit import AuditEntry
from casework_dev.testing import audited, pending_timers, published
from notifications import escalation, inbox, rules, tasks, workflow
from notifications.models import Notification, Task
from notifications.refusals import Conflict, Invalid, NotAllowed, NotFound

from .conftest import COLLEAGUE, LEADER, NOW, OFFICER

DUE = NOW + dt.timedelta(days=2)


def _open(session, policy, *, assignee=None, due=DUE, rule="first_contact") -> Task:
    """A task as an event opens it: in the sustainment team's queue unless given to ``assignee``."""
    subject = rules.Subject(type="case", id=str(uuid.uuid4()), service="sustainment", reference="S-000042",
                            link="http://127.0.0.1:8002/cases/1")
    spec = rules.TaskToOpen(rule=rule, dedup_key=rules.dedup_key(rule, subject),
                            title="Make first contact: S-000042", subject=subject, team="sustainment",
                            assignee=assignee, manager_of=None, due=due, priority="high", notify=None)
    task_id = workflow.open_task(session, policy, spec, event_id=None)
    return session.get(Task, task_id)


def _messages(session, recipient):
    return [n.message for n in session.query(Notification).filter_by(recipient=recipient)]


def test_a_task_opened_by_an_event_is_published_and_escalates_when_due(session, directory, policy):
    task = _open(session, policy)
    assert published(session) == [("notifications.task.created.v1", {
        "task_id": str(task.id), "title": "Make first contact: S-000042", "team": "sustainment", "assignee": None,
        "due": DUE.isoformat(), "priority": "high",
        "subject": {"type": "case", "id": task.subject_id, "service": "sustainment"}})]
    assert pending_timers(session)[workflow.overdue_timer_key(task.id)] == DUE


def test_acknowledging_an_open_task_says_someone_has_it(session, directory, policy):
    task = _open(session, policy, assignee=OFFICER.sub)
    tasks.acknowledge(session, task, by=OFFICER, now=NOW)
    assert task.status == "acknowledged" and task.closed_at is None
    assert audited(session) == ["acknowledge"]
    with pytest.raises(Conflict, match="Only an open task"):
        tasks.acknowledge(session, task, by=OFFICER, now=NOW)


def test_completing_a_task_closes_it_and_stops_its_escalation(session, directory, policy):
    task = _open(session, policy, assignee=OFFICER.sub, rule="end_onboarding_support")
    tasks.complete(session, task, by=OFFICER, now=NOW, reason=" Carrying on: the tenant asked for more help. ",
                   policy=policy)
    assert (task.status, task.closed_at, task.closed_by) == ("done", NOW, OFFICER.sub)
    assert task.closed_reason == "Carrying on: the tenant asked for more help."
    assert workflow.overdue_timer_key(task.id) not in pending_timers(session)
    assert audited(session) == ["complete"]
    (entry,) = session.query(AuditEntry).filter_by(action="complete")
    assert entry.reason == "Carrying on: the tenant asked for more help."
    assert entry.after["closed_reason"] == entry.reason and entry.after["status"] == "done"
    with pytest.raises(Conflict, match="already done"):
        tasks.complete(session, task, by=OFFICER, now=NOW, reason="Again", policy=policy)


@pytest.mark.parametrize("reason", [None, "", "   "])
def test_closing_a_task_by_hand_needs_a_reason(session, directory, policy, reason):
    task = _open(session, policy, assignee=OFFICER.sub, rule="end_onboarding_support")
    with pytest.raises(Invalid) as refused:
        tasks.complete(session, task, by=OFFICER, now=NOW, reason=reason, policy=policy)
    assert refused.value.field == "reason"
    with pytest.raises(Invalid):
        tasks.cancel(session, task, by=LEADER, now=NOW, reason=reason, policy=policy)
    assert (task.status, audited(session)) == ("open", [])


def test_a_task_that_closes_itself_is_closed_by_hand_only_by_a_team_leader(session, directory, policy):
    task = _open(session, policy, assignee=OFFICER.sub)  # first contact: closed by recording the contact
    assert tasks.closes_itself(task, policy)
    with pytest.raises(NotAllowed, match="only a team leader|Only a team leader"):
        tasks.complete(session, task, by=OFFICER, now=NOW, reason="Spoke to them", policy=policy)
    assert task.status == "open"
    tasks.complete(session, task, by=LEADER, now=NOW, reason="Contact made on paper during the outage.", policy=policy)
    assert (task.status, task.closed_by, task.closed_reason) == (
        "done", LEADER.sub, "Contact made on paper during the outage.")


def test_a_team_leader_cancels_work_no_longer_needed(session, directory, policy):
    task = _open(session, policy)
    tasks.cancel(session, task, by=LEADER, now=NOW, reason="The tenant moved away.", policy=policy)
    assert (task.status, task.closed_at, task.closed_by) == ("cancelled", NOW, LEADER.sub)
    with pytest.raises(Conflict):
        tasks.hand_over(session, task, to=OFFICER.sub, team=None, by=LEADER, policy=policy, now=NOW)


def test_an_officer_takes_a_task_from_the_queue_and_is_told(session, directory, policy):
    task = _open(session, policy)
    tasks.take(session, task, by=OFFICER, policy=policy, now=NOW)
    assert (task.assignee, task.team) == (OFFICER.sub, "sustainment")
    assert _messages(session, OFFICER.sub) == ["A task has been assigned to you: Make first contact: S-000042"]
    assert audited(session) == ["reassign"]


def test_a_task_a_colleague_has_taken_is_not_taken_from_them(session, directory, policy):
    task = _open(session, policy, assignee=COLLEAGUE.sub)
    with pytest.raises(Conflict, match="Someone else has already taken"):
        tasks.take(session, task, by=OFFICER, policy=policy, now=NOW)
    assert task.assignee == COLLEAGUE.sub and audited(session) == []


def test_only_a_team_leader_hands_a_task_to_someone_else(session, directory, policy):
    task = _open(session, policy, assignee=OFFICER.sub)
    with pytest.raises(NotAllowed, match="Only a team leader"):
        tasks.hand_over(session, task, to=COLLEAGUE.sub, team=None, by=OFFICER, policy=policy, now=NOW)
    tasks.hand_over(session, task, to=COLLEAGUE.sub, team=None, by=LEADER, policy=policy, now=NOW)
    assert task.assignee == COLLEAGUE.sub
    assert _messages(session, COLLEAGUE.sub) == ["A task has been assigned to you: Make first contact: S-000042"]


def test_reading_a_message_marks_it_read_once(session, directory, policy):
    message = inbox.notify(session, policy, OFFICER.sub, "Case S-000042 assigned to you")
    inbox.mark_read(session, message.id, by=OFFICER, now=NOW)
    inbox.mark_read(session, message.id, by=OFFICER, now=NOW + dt.timedelta(hours=1))
    assert message.read_at == NOW


def test_an_officer_reads_only_their_own_messages(session, directory, policy):
    message = inbox.notify(session, policy, OFFICER.sub, "Case S-000042 assigned to you")
    with pytest.raises(NotFound):
        inbox.mark_read(session, message.id, by=COLLEAGUE, now=NOW)
    with pytest.raises(NotFound):
        inbox.mark_read(session, uuid.uuid4(), by=OFFICER, now=NOW)
    assert message.read_at is None


def test_an_overdue_task_escalates_once_to_its_teams_manager(session, directory, policy):
    task = _open(session, policy, assignee=OFFICER.sub)
    fired = SimpleNamespace(payload={"task_id": str(task.id)})
    escalation.escalate_overdue(session, fired, policy=policy)
    escalation.escalate_overdue(session, fired, policy=policy)
    assert task.escalated_to == LEADER.sub
    assert _messages(session, LEADER.sub) == ["Overdue: Make first contact: S-000042"]
    assert [(kind, data["escalated_to"]) for kind, data in published(session)[1:]] == [
        ("notifications.task.overdue.v1", LEADER.sub)]
