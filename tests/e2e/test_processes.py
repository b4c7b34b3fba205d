"""The process runner itself: a worker killed outright loses nothing, and comes back."""

import pytest

from casework.bus import topology
from casework.bus.connection import connect
from casework.testing import wait_until

from ..reliability.counting import unsent
from .conftest import REFERRAL, one_case, referred_and_accepted

pytestmark = [pytest.mark.slow, pytest.mark.postgresql_only(
    reason="kills one service's worker process and reads RabbitMQ's unrouted queue: the embedded system is "
           "one process with an in-process broker and no alternate exchange")]


def test_an_event_waits_in_the_queue_while_the_consuming_worker_is_dead(system, people):
    system.kill("sustainment-worker")
    assert not system.process("sustainment-worker").running

    referral = people.partner.post("intake", "/referrals", REFERRAL).json()
    accepted = people.intake_officer.post("intake", f"/referrals/{referral['id']}/triage", {"outcome": "accept"})
    assert accepted.status_code == 200
    assert people.sustainment_officer.get("sustainment", "/cases", referral_id=referral["id"]).json() == []

    system.start_process("sustainment-worker")
    case = one_case(people.sustainment_officer, referral_id=referral["id"])
    assert case["case_type"] == "sustainment"
    assert system.exited() == []


def test_every_event_a_journey_publishes_has_a_queue_to_go_to(system, people):
    # An event no queue is bound for waits in casework.unrouted (the alternate exchange), where
    # ops are told a consumer is missing its binding; a journey must leave nothing there.
    referred_and_accepted(people)
    wait_until(lambda: all(unsent(system, name) == 0 for name in system.database_urls), timeout=20,
               message="every outbox to be relayed")

    settings = system.settings("notifications")
    with connect(settings, confirms=False) as conn:
        unrouted = topology.unrouted_queue(settings)(conn.default_channel)
        assert unrouted.queue_declare(passive=True).message_count == 0
