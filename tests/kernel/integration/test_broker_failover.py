"""A broker setting naming several nodes: connections find a node that answers, and a publisher
whose node goes away carries on through another by itself.

Two cuttable proxies in front of the test broker stand for two nodes of a cluster: what a node
going away does to a client (its connections drop, new ones are refused) is what ``cut`` does.
"""

import dataclasses
import uuid
from types import SimpleNamespace

import pytest
from kombu import Connection, Queue

from casework.bus import Publisher, topology
from casework.bus.connection import connect
from casework.events import make
from casework_dev.processes import free_port
from casework_dev.testing import TcpProxy, delete_namespace, test_settings
from sample.bus import drain


@pytest.fixture
def settings(broker_url):
    made = test_settings("sample", database_url="sqlite://", broker_url=broker_url, namespace=f"t{uuid.uuid4().hex[:10]}")
    yield made
    delete_namespace(made, ["sample"])


@pytest.fixture
def two_nodes(broker_url):
    proxies = [TcpProxy.for_broker(broker_url), TcpProxy.for_broker(broker_url)]
    yield proxies
    for proxy in proxies:
        proxy.close()


def test_a_connection_skips_a_node_that_does_not_answer(settings):
    dead = f"amqp://guest:guest@127.0.0.1:{free_port()}//"
    listed = dataclasses.replace(settings, broker_url=f"{dead};{settings.broker_url}")
    for _ in range(6):  # each connection starts at a node chosen at random
        with connect(listed, confirms=False, max_retries=1) as conn:
            assert conn.connected and conn.port != int(dead.rsplit(":", 1)[1].strip("/"))


def test_with_no_node_answering_connect_raises_after_trying_each(settings):
    dead = ";".join(f"amqp://guest:guest@127.0.0.1:{port}//" for port in (free_port(), free_port()))
    with pytest.raises(Exception):  # noqa: B017 - kombu's OperationalError or the socket's
        connect(dataclasses.replace(settings, broker_url=dead), confirms=False, max_retries=1)


def test_a_publisher_whose_node_goes_away_publishes_through_another(settings, two_nodes):
    listed = dataclasses.replace(settings, broker_url=";".join(p.url_for(settings.broker_url) for p in two_nodes))
    queue = Queue(f"{settings.queue_prefix}failover", exchange=topology.events_exchange(settings),
                  routing_key="failover.v1", auto_delete=False)
    with Connection(settings.broker_url) as conn:
        topology.declare(conn, settings)
        queue(conn.default_channel).declare()
    events = [make("intake.referral.withdrawn.v1", subject="r", data={"n": i}) for i in range(3)]
    publisher = Publisher(listed)
    publisher.publish_many([("failover.v1", events[0].to_json(), events[0].id)])
    used = next(p for p in two_nodes if p.port == publisher._conn.port)
    used.cut()  # that node is gone: the connection drops and it takes no new ones
    with pytest.raises(Exception):  # noqa: B017 - the relay keeps the rows and tries again
        publisher.publish_many([("failover.v1", events[1].to_json(), events[1].id)])
    publisher.publish_many([("failover.v1", e.to_json(), e.id) for e in events[1:]])
    assert publisher._conn.port != used.port
    publisher.close()
    got = drain(SimpleNamespace(settings=settings), queue)
    assert [message.properties["message_id"] for message in got] == [e.id for e in events]


def test_a_proxy_in_front_of_a_cluster_passes_connections_to_a_node_that_answers(settings):
    dead = f"amqp://guest:guest@127.0.0.1:{free_port()}//"
    proxy = TcpProxy.for_broker(f"{dead};{settings.broker_url}")
    try:
        with Connection(proxy.url_for(settings.broker_url), connect_timeout=5) as conn:
            conn.ensure_connection(max_retries=1)
            assert conn.connected
    finally:
        proxy.close()
