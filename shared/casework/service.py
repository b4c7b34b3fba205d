"""What a Casework service tells the kernel about itself.

Each service package defines one ``Service`` (in ``<name>/service.py``) and exposes it under
the ``casework.services`` entry point, so the worker, the CLI and the embedded runner can
find installed services without the kernel importing any of them.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib.metadata import entry_points
from pathlib import Path
from typing import Any

from sqlalchemy import MetaData
from sqlalchemy.orm import Session

from casework.events import Event

#: ``handler(session, event, data)``: data is the event's data loaded by its contract.
Handler = Callable[[Session, Event, dict[str, Any]], None]


@dataclass
class Service:
    #: Also the name of its import package (``intake``).
    name: str
    port: int
    title: str
    description: str
    #: Returns the service's flask-smorest blueprints (called inside create_app).
    blueprints: Callable[[], list[Any]]
    metadata: MetaData
    version: str = "1.0.0"
    #: Its Alembic history: by default ``migrations/`` beside the import package, as in this
    #: repository (an image copies it elsewhere and says where: ``CASEWORK_MIGRATIONS_DIR``).
    migrations: Path | None = None
    handlers: dict[str, Handler] = field(default_factory=dict)
    timers: dict[str, Callable[[Session, Any], None]] = field(default_factory=dict)
    #: Called with the Flask app after the kernel has set it up (extra routes, config).
    configure_app: Callable[[Any], None] | None = None
    #: Pages for people, by what they are (``{"officers' inbox": "/inbox"}``), printed at start-up.
    pages: dict[str, str] = field(default_factory=dict)
    #: What it takes in bulk from the council's other systems (``casework.imports``): a new
    #: ``Importer`` per file, by kind (``{"properties": PropertyImporter}``).
    importers: dict[str, Callable[[], Any]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        # The kernel's own handlers (a sign-out at another service, …) for each kernel event the
        # catalogue names this service a consumer of: no service writes them, and they win over
        # a service's catch-all (notifications handles every type it consumes).
        self.handlers = {**self.handlers, **kernel_handlers(self.name)}
        if self.migrations is None:
            package = Path(importlib.import_module(self.name).__file__).resolve().parent
            self.migrations = package.parent / "migrations"

    @property
    def consumes(self) -> list[str]:
        """The event types this service handles (its queue's bindings)."""
        return sorted(self.handlers)


def kernel_handlers(service: str, known: Any = None) -> dict[str, Handler]:
    """The kernel's handlers of the kernel events the catalogue (``known``: by default the
    published one) names ``service`` a consumer of. A service checking its own handlers against the
    catalogue leaves these out: the kernel adds them."""
    from casework.signouts import KERNEL_HANDLERS

    if known is None:
        from casework.contracts import catalogue as known
    return {type_: handler for type_, handler in KERNEL_HANDLERS.items()
            if type_ in known.contracts and service in known.contracts[type_].consumers}


def installed() -> dict[str, Service]:
    """Every service installed in this environment, by name."""
    found: dict[str, Service] = {}
    for ep in entry_points(group="casework.services"):
        service = ep.load()
        found[service.name] = service
    return dict(sorted(found.items(), key=lambda kv: kv[1].port))
