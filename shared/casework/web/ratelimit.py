"""Rate limiting per client: a token bucket per caller (token ``sub``, else remote address).

``CASEWORK_<SERVICE>_RATE_LIMIT`` (e.g. ``60/minute``; empty: no limit) applies to every view
decorated with ``@rate_limited``. A caller over its limit is answered 429 problem details with
``Retry-After`` (whole seconds until one more request is allowed).

The buckets live in each api process. That costs nothing per request (no database round
trip, no extra table in every service) but means the limit holds per gunicorn worker: with
``W`` workers and ``R`` replicas a client may make up to ``W × R`` times the limit before every
bucket is empty. Set the limit with that in mind, or put a shared limiter (the ingress, a
gateway) in front when the exact figure matters. A limit is a guard against a runaway or
hostile client, not a quota.
"""

from __future__ import annotations

import functools
import math
import re
import threading
import time
from collections.abc import Callable
from copy import deepcopy
from typing import Any

UNITS = {"second": 1.0, "minute": 60.0, "hour": 3600.0, "day": 86400.0}
MAX_CLIENTS = 10_000


def parse(limit: str) -> tuple[int, float] | None:
    """``"60/minute"`` → ``(60, 60.0)``; ``"5/10s"`` → ``(5, 10.0)``; empty → ``None``."""
    limit = (limit or "").strip().lower()
    if not limit or limit in ("0", "off", "none"):
        return None
    match = re.fullmatch(r"(\d+)\s*/\s*(?:(\d+(?:\.\d+)?)\s*s|(second|minute|hour|day)s?)", limit)
    if not match or int(match.group(1)) < 1:
        raise ValueError(f"A rate limit reads like '60/minute' or '5/10s', not {limit!r}")
    period = float(match.group(2)) if match.group(2) else UNITS[match.group(3)]
    return int(match.group(1)), period


class RateLimiter:
    """Token buckets: each client may burst ``count`` requests, refilled evenly over ``period``."""

    def __init__(self, count: int, period: float, *, clock: Callable[[], float] = time.monotonic) -> None:
        self.capacity = float(count)
        self.rate = count / period  # tokens per second
        self.clock = clock
        self._buckets: dict[str, tuple[float, float]] = {}  # client → (tokens, at)
        self._lock = threading.Lock()

    @classmethod
    def from_setting(cls, limit: str) -> RateLimiter | None:
        parsed = parse(limit)
        return cls(*parsed) if parsed else None

    def take(self, client: str) -> float:
        """Spend one token; return 0 when allowed, else the seconds until the next token."""
        now = self.clock()
        with self._lock:
            tokens, at = self._buckets.get(client, (self.capacity, now))
            tokens = min(self.capacity, tokens + (now - at) * self.rate)
            if tokens >= 1.0:
                self._buckets[client] = (tokens - 1.0, now)
                if len(self._buckets) > MAX_CLIENTS:
                    self._forget_idle(now)
                return 0.0
            self._buckets[client] = (tokens, now)
            return (1.0 - tokens) / self.rate

    def _forget_idle(self, now: float) -> None:
        """Drop buckets that have filled up again: they are as if never seen."""
        full = [c for c, (t, at) in self._buckets.items() if t + (now - at) * self.rate >= self.capacity]
        for client in full:
            del self._buckets[client]


def client_key() -> str:
    from flask import g, request

    principal = g.get("principal")
    if principal is not None:
        return f"sub:{principal.sub}"
    return f"addr:{request.remote_addr or 'unknown'}"


def rate_limited(view: Callable) -> Callable:
    """Answer 429 with ``Retry-After`` when the caller is over the service's rate limit.

    Put it inside ``@roles`` (so an unauthenticated caller is 401 before it is counted). It
    documents the 429 answer in OpenAPI.
    """

    @functools.wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        from flask import current_app

        from .errors import abort

        limiter: RateLimiter | None = current_app.extensions["casework"].limiter
        if limiter is not None:
            wait = limiter.take(client_key())
            if wait > 0:
                abort(429, "Too many requests from this client; try again after the time in Retry-After.",
                      headers={"Retry-After": str(max(1, math.ceil(wait)))})
        return view(*args, **kwargs)

    wrapper._apidoc = deepcopy(getattr(wrapper, "_apidoc", {}))  # type: ignore[attr-defined]
    responses = wrapper._apidoc.setdefault("response", {}).setdefault("responses", {})  # type: ignore[attr-defined]
    if "TOO_MANY_REQUESTS" not in responses.setdefault(429, []):
        responses[429].append("TOO_MANY_REQUESTS")
    return wrapper
