"""A poison message for each consumer: parked after its retries with the failure recorded, the
events behind it still flow, and ``casework parked replay`` delivers it to the consumer again.

(That a replayed message takes effect once its cause is fixed is shown in
tests/kernel/integration/test_bus.py with a handler that starts to succeed.)
"""

import subprocess
import sys
import time

import pytest

from casework.bus import Publisher, list_parked
from casework.events import make
from casework_dev.testing import wait_until

from .counting import settle
from .test_faults import stream

pytestmark = pytest.mark.slow

# An event of a type each consumer takes, whose data breaks its contract (no referral id or reference).
POISON = {"sustainment": "intake.referral.accepted.v2", "notifications": "intake.referral.received.v2"}


def parked_ids(system, service: str) -> dict[str, dict]:
    return {row["message_id"]: row for row in list_parked(system.settings(service), service)}


@pytest.mark.parametrize("service", sorted(POISON))
def test_a_poison_message_is_parked_and_the_rest_flow(system, partner, officer, service):
    poison = make(POISON[service], subject="poison", data={"unexpected": True})
    Publisher(system.settings("intake")).publish_many([(poison.routing_key, poison.to_json(), poison.id)])

    made, accepted = stream(partner, officer, seconds=3, rate=8)
    settle(system, made, accepted)  # the events behind it took effect

    parked = wait_until(lambda: parked_ids(system, service).get(poison.id), timeout=30,
                        message=f"the poison message to be parked by {service}")
    assert parked["error_type"] and parked["error_message"]
    assert parked["routing_key"] == poison.routing_key

    replayed = subprocess.run([sys.executable, "-m", "casework.cli", "parked", "replay", "--service", service,
                               "--id", poison.id], env=system.environment(), capture_output=True, text=True,
                              timeout=60)
    assert replayed.returncode == 0, replayed.stderr
    # Delivered again (and, being still broken, retried and parked again: once, not twice).
    time.sleep(1)
    again = wait_until(lambda: parked_ids(system, service).get(poison.id), timeout=30,
                       message="the replayed poison message to come back to the parking queue")
    assert again["parked_at"] != parked["parked_at"]
    rows = list_parked(system.settings(service), service)
    assert [r["message_id"] for r in rows].count(poison.id) == 1
