"""CloudEvents 1.0 in structured JSON mode, with Casework's extensions.

``correlationid`` names the chain of work (the first request's id); ``causationid`` is the
id of the request or event that caused this one; ``traceparent`` is carried when present.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass, field
from typing import Any

import orjson

from casework import context

SPECVERSION = "1.0"
CONTENT_TYPE = "application/cloudevents+json"
TYPE_PREFIX = "casework."
REQUIRED = ("specversion", "id", "source", "type")


class InvalidEvent(ValueError):
    """A message body that is not a CloudEvent this system can read."""


@dataclass(frozen=True)
class Event:
    """One CloudEvent. ``data`` is plain JSON (already serialised by the contract schema)."""

    type: str
    source: str
    subject: str
    data: dict[str, Any]
    id: str = field(default_factory=lambda: str(uuid.uuid4()))
    time: str = field(default_factory=lambda: _now_iso())
    correlationid: str | None = None
    causationid: str | None = None
    traceparent: str | None = None
    datacontenttype: str = "application/json"
    specversion: str = SPECVERSION

    @property
    def routing_key(self) -> str:
        """The type without the ``casework.`` prefix: ``intake.referral.accepted.v2``."""
        return self.type[len(TYPE_PREFIX):] if self.type.startswith(TYPE_PREFIX) else self.type

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "specversion": self.specversion,
            "id": self.id,
            "source": self.source,
            "type": self.type,
            "subject": self.subject,
            "time": self.time,
            "datacontenttype": self.datacontenttype,
        }
        for ext in ("correlationid", "causationid", "traceparent"):
            value = getattr(self, ext)
            if value:
                out[ext] = value
        out["data"] = self.data
        return out

    def to_json(self) -> str:
        """The structured-mode body: compact, stable key order, UTF-8 as it is (not \\u-escaped),
        stored verbatim in the outbox. orjson: a tenth of json.dumps's time."""
        return orjson.dumps(self.to_dict()).decode()


def _now_iso() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="microseconds").replace("+00:00", "Z")


def make(type: str, *, subject: str, data: dict[str, Any], source: str | None = None) -> Event:
    """A new event caused by whatever the current context is working on.

    Inside a request: correlation and causation come from the request's ids. Inside a
    consumer: correlation is the incoming event's, causation is its id.
    """
    if not type.startswith(TYPE_PREFIX):
        type = TYPE_PREFIX + type
    event_id = str(uuid.uuid4())
    return Event(
        type=type,
        source=source or f"/{context.service.get()}",
        subject=subject,
        data=data,
        id=event_id,
        correlationid=context.correlation_id.get() or event_id,
        causationid=context.causation_id.get(),
        traceparent=context.traceparent.get(),
    )


def parse(body: bytes | str) -> Event:
    """Read a structured-mode CloudEvent, raising ``InvalidEvent`` for anything else."""
    try:
        raw = orjson.loads(body)
    except (ValueError, UnicodeDecodeError) as exc:
        raise InvalidEvent(f"body is not JSON: {exc}") from None
    if not isinstance(raw, dict):
        raise InvalidEvent("body is not a JSON object")
    missing = [name for name in REQUIRED if not raw.get(name)]
    if missing:
        raise InvalidEvent(f"missing CloudEvents attributes: {', '.join(missing)}")
    if raw["specversion"] != SPECVERSION:
        raise InvalidEvent(f"unsupported specversion {raw['specversion']!r}")
    data = raw.get("data", {})
    if not isinstance(data, dict):
        raise InvalidEvent("data is not a JSON object")
    return Event(
        type=raw["type"],
        source=raw["source"],
        subject=raw.get("subject", ""),
        data=data,
        id=raw["id"],
        time=raw.get("time", ""),
        correlationid=raw.get("correlationid"),
        causationid=raw.get("causationid"),
        traceparent=raw.get("traceparent"),
        datacontenttype=raw.get("datacontenttype", "application/json"),
    )
