"""The broker's topology as a RabbitMQ definitions file, for brokers loaded before any worker runs.

``casework definitions`` writes ``deploy/rabbitmq/definitions.json`` from the installed services
(``--check`` fails while it is stale), so the file always holds exactly what the workers declare:
a queue declared with other arguments than the broker already has is refused.
"""

from __future__ import annotations

import dataclasses
import json
from typing import Any

from kombu import Queue

from casework.bus import topology
from casework.service import Service
from casework.settings import Settings

VHOST = "/"

#: What a clustered broker adds by policy (queue arguments cannot express it, or should not pin it).
#: ``apply-to: queues``, not ``quorum_queues``: RabbitMQ before 3.12 refuses the whole import over
#: the latter, and every queue the patterns match is a quorum queue anyway.
POLICIES: list[dict[str, Any]] = [
    {"vhost": VHOST, "name": "casework-service-queues", "pattern": r"^[a-z_]+\.events$",
     "apply-to": "queues", "priority": 10,
     # Dead-letter into the parking queue with publisher confirms, so a failure is never lost.
     "definition": {"delivery-limit": topology.DELIVERY_LIMIT, "dead-letter-strategy": "at-least-once",
                    "overflow": "reject-publish"}},
    # A message whose delay is over goes back to the service queue with publisher confirms too.
    {"vhost": VHOST, "name": "casework-retry-queues", "pattern": r"^[a-z_]+\.events\.retry\.[0-9]+s$",
     "apply-to": "queues", "priority": 10,
     "definition": {"dead-letter-strategy": "at-least-once", "overflow": "reject-publish"}},
    {"vhost": VHOST, "name": "casework-parking-queues", "pattern": r"^[a-z_]+\.events\.dead$",
     "apply-to": "queues", "priority": 10,
     "definition": {"max-length": 1000000, "overflow": "reject-publish"}},
    {"vhost": VHOST, "name": "casework-unrouted", "pattern": r"^casework\.unrouted$",
     "apply-to": "queues", "priority": 10,
     "definition": {"max-length": 1000000, "overflow": "reject-publish"}},
]


def production_settings() -> Settings:
    """The names and arguments of a production deployment (no prefix, the default retry delays)."""
    return dataclasses.replace(Settings.from_env("casework"), broker_url="amqp://broker//",
                               exchange="casework.events", queue_prefix="", retry_delays=(1, 5, 30))


def _queue(queue: Queue) -> dict[str, Any]:
    return {"name": queue.name, "vhost": VHOST, "durable": True, "auto_delete": False,
            "arguments": dict(queue.queue_arguments or {})}


def _exchange(exchange) -> dict[str, Any]:
    return {"name": exchange.name, "vhost": VHOST, "type": exchange.type, "durable": True, "auto_delete": False,
            "internal": False, "arguments": dict(exchange.arguments or {})}


def render(services: list[Service], settings: Settings | None = None) -> dict[str, Any]:
    """The definitions document for these services."""
    settings = settings or production_settings()
    queues = [_queue(topology.unrouted_queue(settings))]
    bindings = []
    for service in services:
        queues += [_queue(topology.parking_queue(settings, service.name))]
        queues += [_queue(q) for q in topology.retry_queues(settings, service.name)]
        if service.consumes:
            queues.append(_queue(topology.service_queue(settings, service.name, service.consumes)))
            bindings += [{"source": settings.exchange, "vhost": VHOST, "destination": settings.queue_name(service.name),
                          "destination_type": "queue", "routing_key": t.removeprefix("casework."), "arguments": {}}
                         for t in service.consumes]
    bindings.append({"source": f"{settings.exchange}.unrouted", "vhost": VHOST, "destination": queues[0]["name"],
                     "destination_type": "queue", "routing_key": "", "arguments": {}})
    return {
        "rabbit_version": "3.13.0", "users": [], "permissions": [], "vhosts": [{"name": VHOST}],
        "exchanges": [_exchange(topology.events_exchange(settings)), _exchange(topology.unrouted_exchange(settings))],
        "queues": queues, "bindings": bindings, "policies": POLICIES,
    }


def text(services: list[Service]) -> str:
    return json.dumps(render(services), indent=2) + "\n"
