"""JSON logs, one object a line, carrying the service and the correlation id.

Log lines name records by id and type only: never a name, date of birth, address, contact
detail or free text. ``CASEWORK_LOG_LEVEL`` sets the level (default INFO).
"""

from __future__ import annotations

import logging
import os
import sys

import structlog

from casework import context

_configured = False


def _add_context(_logger, _method, event_dict):
    event_dict.setdefault("service", context.service.get())
    correlation = context.correlation_id.get()
    if correlation:
        event_dict.setdefault("correlation_id", correlation)
    causation = context.causation_id.get()
    if causation:
        event_dict.setdefault("causation_id", causation)
    return event_dict


def configure_logging(service: str | None = None) -> None:
    """Send every log record (ours and libraries') to stderr as JSON. Safe to call twice."""
    global _configured
    if _configured:
        return
    _configured = True
    shared = [
        structlog.stdlib.add_log_level,
        structlog.stdlib.ExtraAdder(),
        _add_context,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
    ]
    formatter = structlog.stdlib.ProcessorFormatter(
        foreign_pre_chain=shared,
        processors=[
            structlog.stdlib.ProcessorFormatter.remove_processors_meta,
            structlog.processors.format_exc_info,
            structlog.processors.JSONRenderer(),
        ],
    )
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(formatter)
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(os.environ.get("CASEWORK_LOG_LEVEL", "INFO").upper())
    for noisy in ("amqp", "kombu", "urllib3", "werkzeug"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    structlog.configure(
        processors=[*shared, structlog.stdlib.ProcessorFormatter.wrap_for_formatter],
        logger_factory=structlog.stdlib.LoggerFactory(),
        cache_logger_on_first_use=True,
    )
