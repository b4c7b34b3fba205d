"""JSON logs, one object a line, carrying the service and the correlation id.

Log lines name records by id and type only: never a name, date of birth, address, contact
detail or free text. ``CASEWORK_LOG_LEVEL`` sets the level (default INFO).
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import sys

import structlog
from structlog.processors import _json_fallback_handler

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


#: What every ``LogRecord`` has: anything else on a record was given as ``extra`` (structlog's
#: ``ExtraAdder`` tells them apart the same way).
_RECORD_KEYS = frozenset(logging.LogRecord("", 0, "", 0, "", (), None).__dict__)

#: ``json.dumps(event, default=_json_fallback_handler)``, its encoder made once rather than for
#: each line (``json.dumps`` makes a new one whenever it is given ``default``): the same text.
_encode = json.JSONEncoder(default=_json_fallback_handler).encode


class JSONFormatter(structlog.stdlib.ProcessorFormatter):
    """structlog's ``ProcessorFormatter`` with the chain below, and a short way for the common
    record: one from the standard library's logging (not structlog's), without an exception or
    a stack. That one is written as the chain writes it (the same keys in the same order: the
    message as ``event``, ``level``, the extras, the service and correlation ids, ``timestamp``;
    the same JSON) without copying the record and calling each processor in turn: the access
    line of every request is such a record, and the round through the chain was most of its
    cost (bench/NOTES.md, twelfth pass). Anything else takes the chain."""

    def format(self, record: logging.LogRecord) -> str:
        if record.exc_info or record.stack_info or hasattr(record, "_logger"):
            return super().format(record)
        event = {"event": record.getMessage(), "level": structlog.stdlib.add_log_level(
            None, record.levelname.lower(), {})["level"]}
        for key, value in record.__dict__.items():
            if key not in _RECORD_KEYS:
                event[key] = value
        event.pop("_record", None)  # the chain's own keys, which it drops
        event.pop("_from_structlog", None)
        _add_context(None, None, event)
        event["timestamp"] = dt.datetime.now(tz=dt.UTC).isoformat().replace("+00:00", "Z")
        return _encode(event)


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
    formatter = JSONFormatter(
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
