"""The Publisher sends a batch, then waits for the broker's confirms of all of it: it returns only
when every message is confirmed, and raises when the broker refuses any (so the relay leaves
those rows unsent)."""

import uuid

import pytest
from kombu import Connection, Queue

from casework.bus import Publisher, topology
from casework.bus.publisher import Nacked
from casework.events import make
from casework_dev.testing import delete_namespace, test_settings


@pytest.fixture
def settings(broker_url):
    namespace = f"t{uuid.uuid4().hex[:10]}"
    made = test_settings("sample", database_url="sqlite://", broker_url=broker_url, namespace=namespace)
    yield made
    delete_namespace(made, ["sample"])


def bound_queue(settings, key: str, **arguments) -> Queue:
    queue = Queue(f"{settings.queue_prefix}confirms-{key}", exchange=topology.events_exchange(settings),
                  routing_key=key, queue_arguments=arguments or None, auto_delete=False)
    with Connection(settings.broker_url) as conn:
        queue(conn.default_channel).declare()
    return queue


def batch(key: str, n: int) -> list[tuple[str, str, str]]:
    events = [make("intake.referral.withdrawn.v1", subject="r", data={"n": i}) for i in range(n)]
    return [(key, e.to_json(), e.id) for e in events]


def test_a_confirmed_batch_is_all_on_the_queue_in_order(settings):
    queue = bound_queue(settings, "confirms.all.v1")
    sent = batch("confirms.all.v1", 300)
    publisher = Publisher(settings)
    publisher.publish_many(sent[:150])
    publisher.publish_many(sent[150:])  # the same channel, its delivery tags carrying on
    publisher.close()
    with Connection(settings.broker_url) as conn:
        bound = queue(conn.default_channel)
        got = []
        while (message := bound.get(no_ack=True)) is not None:
            got.append(message.properties["message_id"])
        bound.delete()
    assert got == [event_id for _, _, event_id in sent]


def test_a_batch_the_broker_refuses_in_part_raises(settings):
    # A full queue that refuses new messages: the broker nacks what it cannot take.
    queue = bound_queue(settings, "confirms.full.v1", **{"x-max-length": 5, "x-overflow": "reject-publish"})
    publisher = Publisher(settings)
    with pytest.raises(Nacked):
        publisher.publish_many(batch("confirms.full.v1", 20))
    # The publisher recovers: the next batch (to a queue with room) is confirmed.
    roomy = bound_queue(settings, "confirms.roomy.v1")
    publisher.publish_many(batch("confirms.roomy.v1", 3))
    publisher.close()
    with Connection(settings.broker_url) as conn:
        queue(conn.default_channel).delete()
        roomy(conn.default_channel).delete()
