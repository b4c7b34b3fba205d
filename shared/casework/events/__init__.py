"""CloudEvents envelope and the event catalogue."""

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
    "catalogue",
    "make",
    "parse",
]


def __getattr__(name: str):
    # The full catalogue of contracts is built on first use, not at import.
    if name == "catalogue":
        from casework.contracts import CATALOGUE

        return CATALOGUE
    raise AttributeError(name)
