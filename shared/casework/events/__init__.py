"""The CloudEvents envelope and the catalogue's machinery; the catalogue of every contract itself
is ``casework.contracts.catalogue`` (the contracts build on this package, so it cannot hold it)."""

from .envelope import CONTENT_TYPE, Event, InvalidEvent, make, parse
from .registry import Catalogue, EventContract, InvalidEventData, UnknownEventType

__all__ = [
    "CONTENT_TYPE",
    "Catalogue",
    "Event",
    "EventContract",
    "InvalidEvent",
    "InvalidEventData",
    "UnknownEventType",
    "make",
    "parse",
]

