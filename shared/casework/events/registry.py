"""The event catalogue: every event type, its data schema, producer and consumers.

Producers validate outgoing data against it; the AsyncAPI document is generated from it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import marshmallow as ma

from casework import loading

from .envelope import TYPE_PREFIX


class UnknownEventType(KeyError):
    """An event type the catalogue does not know."""


class InvalidEventData(ValueError):
    """Outgoing event data that does not match its contract."""

    def __init__(self, type: str, errors: dict) -> None:
        super().__init__(f"{type}: {errors}")
        self.errors = errors


@dataclass(frozen=True)
class EventContract:
    type: str
    schema: type[ma.Schema]
    producer: str
    consumers: tuple[str, ...] = ()
    summary: str = ""

    @property
    def routing_key(self) -> str:
        return self.type[len(TYPE_PREFIX):]


@dataclass
class Catalogue:
    contracts: dict[str, EventContract] = field(default_factory=dict)

    def register(
        self,
        type: str,
        schema: type[ma.Schema],
        *,
        producer: str,
        consumers: tuple[str, ...] = (),
        summary: str = "",
    ) -> EventContract:
        """Add an event type (``casework.<producer>.<name>.v<major>``)."""
        if not type.startswith(TYPE_PREFIX + producer + "."):
            raise ValueError(f"{type} must start with {TYPE_PREFIX}{producer}.")
        contract = EventContract(type, schema, producer, tuple(consumers), summary or (schema.__doc__ or "").strip())
        self.contracts[type] = contract
        for key in [k for k in self.__dict__.get("_instances", {}) if k[0] == type]:  # registered anew
            del self.__dict__["_instances"][key]
        return contract

    def get(self, type: str) -> EventContract:
        try:
            return self.contracts[type]
        except KeyError:
            raise UnknownEventType(type) from None

    def serialise(self, type: str, data: dict[str, Any]) -> dict[str, Any]:
        """Validate outgoing data and return its JSON form; raise ``InvalidEventData``."""
        schema = self._instance(type)
        dumped = schema.dump(data)
        errors = {} if loading.accepts(schema, dumped) else schema.validate(dumped)
        if errors:
            raise InvalidEventData(type, errors)
        return dumped

    def _instance(self, type: str, **options: Any) -> ma.Schema:
        """One schema instance per type (and options), reused: building one (and its nested
        schemas) costs more than the dump or load itself, on the request path and for every
        event consumed. Schemas hold no per-call state."""
        cache = self.__dict__.setdefault("_instances", {})
        key = (type, *sorted(options.items()))
        if key not in cache:
            cache[key] = self.get(type).schema(**options)
        return cache[key]

    def load(self, type: str, data: dict[str, Any]) -> dict[str, Any]:
        """Validate incoming data and return it loaded (dates as dates); unknown fields pass."""
        return self._instance(type, unknown=ma.INCLUDE).load(data)

    def unseal(self, type: str, data: dict[str, Any], name: str) -> dict[str, Any]:
        """Open the field ``name`` of loaded event data, sealed for this consumer
        (``casework.sealing.Sealed``): its value loaded by the field's schema."""
        return self._instance(type).fields[name].open(data[name])

    def consumed_by(self, service: str) -> list[EventContract]:
        return [c for c in self.contracts.values() if service in c.consumers]

    def produced_by(self, service: str) -> list[EventContract]:
        return [c for c in self.contracts.values() if c.producer == service]
