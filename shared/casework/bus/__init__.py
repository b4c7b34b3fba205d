"""The RabbitMQ bus: topology, confirmed publishing, the consumer, parked messages."""

from .consumer import Consumer
from .parking import list_parked, replay
from .publisher import Publisher, Unroutable
from .topology import declare

__all__ = ["Consumer", "Publisher", "Unroutable", "declare", "list_parked", "replay"]
