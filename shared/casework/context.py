"""Request- and message-scoped context: who is acting and which chain of work this is.

The web layer sets these per request, the consumer per message; ``events.make`` and the
logs read them, so a correlation id travels request → outbox → event → consumer → next event.
"""

from __future__ import annotations

import contextlib
import contextvars
from collections.abc import Iterator
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Principal:
    """The caller, from a verified token."""

    sub: str
    roles: frozenset[str] = field(default_factory=frozenset)
    name: str = ""

    def has_any(self, *roles: str) -> bool:
        return "admin" in self.roles or bool(self.roles.intersection(roles))


SYSTEM = Principal(sub="system", roles=frozenset({"service"}), name="Casework")

service: contextvars.ContextVar[str] = contextvars.ContextVar("service", default="casework")
correlation_id: contextvars.ContextVar[str | None] = contextvars.ContextVar("correlation_id", default=None)
causation_id: contextvars.ContextVar[str | None] = contextvars.ContextVar("causation_id", default=None)
traceparent: contextvars.ContextVar[str | None] = contextvars.ContextVar("traceparent", default=None)
principal: contextvars.ContextVar[Principal] = contextvars.ContextVar("principal", default=SYSTEM)


@contextlib.contextmanager
def bound(**values) -> Iterator[None]:
    """Set context variables for the duration of a block, restoring them after."""
    tokens = [(globals()[name], globals()[name].set(value)) for name, value in values.items()]
    try:
        yield
    finally:
        for var, token in reversed(tokens):
            var.reset(token)
