"""The worker's relay publishes intake's events to the broker (RabbitMQ, or the in-process one) as
CloudEvents, each once, in order."""

import json

import pytest
from kombu import Queue
from sqlalchemy import func, select

from casework.bus import topology
from casework.bus.connection import connect
from casework.outbox import OutboxMessage
from casework.sealing import unseal
from casework.testing import wait_until


@pytest.fixture
def listener(intake):
    """A queue bound to every intake referral event on this test's exchange."""
    with connect(intake.settings, confirms=False) as conn:
        channel = conn.channel()
        exchange = topology.events_exchange(intake.settings)
        exchange(channel).declare()
        queue = Queue(f"{intake.namespace}.test.intake", exchange=exchange, routing_key="intake.referral.#",
                      exclusive=True)(channel)
        queue.declare()
        yield queue


def drain(queue, expected):
    messages = []

    def got_all():
        while (message := queue.get(no_ack=True)) is not None:
            messages.append(message)
        return len(messages) >= expected

    wait_until(got_all, timeout=10, message=f"{expected} messages on the test queue")
    return messages


def test_referral_events_reach_the_broker_with_the_request_correlation(intake, body, who, listener):
    intake.worker()
    headers = {**who.referrer, "X-Correlation-ID": "corr-intake-1"}
    made = intake.client.post("/referrals", json=body(), headers=headers).json
    intake.client.post(f"/referrals/{made['id']}/triage", json={"outcome": "accept"}, headers=who.intake_officer)

    received, accepted = drain(listener, 2)
    assert received.delivery_info["routing_key"] == "intake.referral.received.v2"
    assert accepted.delivery_info["routing_key"] == "intake.referral.accepted.v2"
    event = json.loads(received.body)
    assert event["specversion"] == "1.0"
    assert event["type"] == "casework.intake.referral.received.v2"
    assert event["subject"] == made["id"]
    assert event["correlationid"] == "corr-intake-1"
    assert received.properties["message_id"] == event["id"]
    assert "Alex Morgan" not in json.dumps(json.loads(accepted.body))  # bytes from the in-process broker
    assert unseal(json.loads(accepted.body)["data"]["case_details"], to="sustainment")["person"]["name"] == "Alex Morgan"

    with intake.db.transaction() as session:
        assert session.scalar(select(func.count()).where(OutboxMessage.sent_at.is_(None))) == 0
    assert listener.get(no_ack=True) is None  # each event published once
