"""deploy/rabbitmq/definitions.json imported into a real RabbitMQ, as compose's
``rabbitmq-definitions`` one-off and the Kubernetes topology import load it before any worker
runs: the broker accepts it, its policies apply, events route as the workers expect, and the
workers' own declarations agree with it (a queue declared with other arguments than the broker
holds is refused with PRECONDITION_FAILED, and that worker would never start).

It is imported into a virtual host of its own on the test broker, with ``rabbitmqctl`` (the
same importer the management API's ``POST /api/definitions`` runs), and the host is deleted after.
"""

import dataclasses
import json
import os
import shutil
import subprocess
import tempfile
import uuid
from pathlib import Path
from urllib.parse import quote, urlsplit, urlunsplit

import pytest
from kombu import Connection, Exchange, Queue

from casework.bus import definitions, topology
from casework.service import installed
from casework_dev.testing.servers import unavailable

ROOT = Path(__file__).resolve().parents[2]
SERVICES = installed()


def rabbitmqctl(*args: str) -> str:
    done = subprocess.run(["rabbitmqctl", "-q", *args], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, f"rabbitmqctl {' '.join(args)}: {done.stdout}{done.stderr}"
    return done.stdout


@pytest.fixture
def vhost(broker_url):
    """A fresh virtual host on the local test broker, its user allowed in; deleted after."""
    parts = urlsplit(broker_url)
    if shutil.which("rabbitmqctl") is None or parts.hostname not in ("127.0.0.1", "localhost"):
        unavailable(f"rabbitmqctl for the RabbitMQ at {parts.hostname}")
    name = f"cw-definitions-{uuid.uuid4().hex[:8]}"
    rabbitmqctl("add_vhost", name)
    try:
        rabbitmqctl("set_permissions", "-p", name, parts.username or "guest", ".*", ".*", ".*")
        yield name, urlunsplit((parts.scheme, parts.netloc, "/" + quote(name, safe=""), "", ""))
    finally:
        rabbitmqctl("delete_vhost", name)


@pytest.fixture
def imported(vhost):
    """The committed definitions file, every "/" made the test's virtual host, imported."""
    name, url = vhost
    document = json.loads((ROOT / "deploy/rabbitmq/definitions.json").read_text())
    document["vhosts"] = [{"name": name}]
    for section in ("exchanges", "queues", "bindings", "policies"):
        for item in document[section]:
            assert item["vhost"] == definitions.VHOST
            item["vhost"] = name
    # Debian's rabbitmqctl runs as the rabbitmq user, who cannot read pytest's temporary folders,
    # nor (before 3.11) take the file on standard input: a file of its own it may read.
    with tempfile.NamedTemporaryFile("w", suffix=".json") as file:
        file.write(json.dumps(document))
        file.flush()
        os.chmod(file.name, 0o644)
        rabbitmqctl("import_definitions", file.name)
    return name, url, document


def test_the_broker_accepts_the_definitions_and_applies_their_policies(imported):
    name, _, document = imported
    listed = json.loads(rabbitmqctl("list_queues", "-p", name, "name", "type", "policy", "--formatter", "json"))
    queues = {q["name"]: q for q in listed}
    assert set(queues) == {q["name"] for q in document["queues"]}
    for service in SERVICES.values():
        parking = queues[f"{service.name}.events.dead"]
        assert (parking["type"], parking["policy"]) == ("quorum", "casework-parking-queues")
        if service.consumes:
            events = queues[f"{service.name}.events"]
            assert (events["type"], events["policy"]) == ("quorum", "casework-service-queues")
    assert queues["casework.unrouted"]["policy"] == "casework-unrouted"


def test_events_route_to_the_services_that_handle_them_and_the_rest_to_unrouted(imported):
    _, url, _ = imported
    exchange = Exchange("casework.events", type="topic", passive=True)
    handled_by = {t.removeprefix("casework."): s.name for s in SERVICES.values() for t in s.consumes}
    key, consumer = sorted(handled_by.items())[0]
    with Connection(url) as connection:
        producer = connection.Producer(exchange=exchange)
        producer.publish({"routed": key}, routing_key=key, serializer="json")
        producer.publish({"routed": "nowhere"}, routing_key="nobody.handles.this.v1", serializer="json")
        channel = connection.default_channel
        got = Queue(f"{consumer}.events", channel=channel, no_declare=True).get(no_ack=True)
        unrouted = Queue("casework.unrouted", channel=channel, no_declare=True).get(no_ack=True)
    assert got is not None and got.payload == {"routed": key}
    assert unrouted is not None and unrouted.payload == {"routed": "nowhere"}


def test_each_worker_declares_its_topology_over_the_imported_one_without_a_conflict(imported):
    _, url, _ = imported
    settings = dataclasses.replace(definitions.production_settings(), broker_url=url)
    with Connection(url) as connection:
        for service in SERVICES.values():
            topology.declare(connection, settings, service.name, list(service.consumes))  # raises on a conflict
