"""The RabbitMQ topology, declared idempotently by whoever connects first.

- ``casework.events``: durable topic exchange; routing key = event type less ``casework.``.
  Its alternate exchange ``casework.events.unrouted`` (fanout) keeps any event no queue is
  bound for in the ``casework.unrouted`` queue, so nothing published is dropped.
- ``<service>.events``: each consuming service's durable queue (quorum type on RabbitMQ),
  bound to the types it handles; ``x-delivery-limit`` dead-letters a message that keeps
  killing its consumer into the parking queue.
- ``<service>.events.retry.<n>s``: one queue per retry delay (quorum type too: a classic queue
  lives on one node, and while that node is down no consumer of the service could declare it and
  start); messages wait out the TTL and dead-letter back into the service queue through the
  default exchange.
- ``<service>.events.dead``: the parking queue, where failures wait for a person.
"""

from __future__ import annotations

from kombu import Connection, Exchange, Queue, binding

from casework.settings import Settings

DELIVERY_LIMIT = 20


def events_exchange(settings: Settings) -> Exchange:
    arguments = {} if settings.embedded else {"alternate-exchange": f"{settings.exchange}.unrouted"}
    return Exchange(settings.exchange, type="topic", durable=True, arguments=arguments)


def unrouted_exchange(settings: Settings) -> Exchange:
    return Exchange(f"{settings.exchange}.unrouted", type="fanout", durable=True)


def unrouted_queue(settings: Settings) -> Queue:
    return Queue(f"{settings.queue_prefix}casework.unrouted", exchange=unrouted_exchange(settings), durable=True,
                 queue_arguments=_quorum(settings))


def _quorum(settings: Settings) -> dict:
    return {} if settings.embedded else {"x-queue-type": "quorum"}


def parking_queue_name(settings: Settings, service: str) -> str:
    return settings.queue_name(service) + ".dead"


def retry_queue_name(settings: Settings, service: str, delay: int) -> str:
    return f"{settings.queue_name(service)}.retry.{delay}s"


def service_queue(settings: Settings, service: str, event_types: list[str]) -> Queue:
    """The service's queue bound to each event type it handles."""
    exchange = events_exchange(settings)
    name = settings.queue_name(service)
    arguments = _quorum(settings)
    if not settings.embedded:
        arguments |= {
            "x-delivery-limit": DELIVERY_LIMIT,
            "x-dead-letter-exchange": "",
            "x-dead-letter-routing-key": parking_queue_name(settings, service),
        }
    keys = [t.removeprefix("casework.") for t in event_types]
    return Queue(name, bindings=[binding(exchange, routing_key=key) for key in keys], durable=True,
                 queue_arguments=arguments)


def retry_queues(settings: Settings, service: str) -> list[Queue]:
    back = settings.queue_name(service)
    return [
        Queue(retry_queue_name(settings, service, delay), durable=True, queue_arguments={
            **_quorum(settings),
            "x-message-ttl": delay * 1000,
            "x-dead-letter-exchange": "",
            "x-dead-letter-routing-key": back,
        } if not settings.embedded else {})
        for delay in settings.retry_delays
    ]


def parking_queue(settings: Settings, service: str) -> Queue:
    return Queue(parking_queue_name(settings, service), durable=True, queue_arguments=_quorum(settings))


def declare(connection: Connection, settings: Settings, service: str | None = None,
            event_types: list[str] | None = None) -> None:
    """Declare the exchange (and, for a consuming service, its queues). Idempotent."""
    channel = connection.default_channel
    if not settings.embedded:
        unrouted_exchange(settings)(channel).declare()
        unrouted_queue(settings)(channel).declare()
    events_exchange(settings)(channel).declare()
    if service is None:
        return
    parking_queue(settings, service)(channel).declare()
    for queue in retry_queues(settings, service):
        queue(channel).declare()
    if event_types:
        service_queue(settings, service, event_types)(channel).declare()
