"""Signed webhooks: how Casework signs what it POSTs to other systems, and how a receiver checks it.

Headers of a signed POST:

- ``Casework-Timestamp``: seconds since the epoch when it was signed;
- ``Casework-Signature``: ``sha256=`` + hex HMAC-SHA256, keyed with the receiver's secret, of
  ``f"{timestamp}.{body}"`` (the raw body bytes as sent).

A receiver recomputes the HMAC over the timestamp, a dot and the raw body, compares it in constant
time, and refuses timestamps more than five minutes old. Used by notifications' webhook
subscriptions and by sustainment's referrals sent to agencies.
"""

from __future__ import annotations

import hashlib
import hmac
import time
from collections.abc import Mapping


def sign(secret: str, timestamp: str, body: bytes) -> str:
    """The ``Casework-Signature`` header's value for ``body`` signed at ``timestamp``."""
    digest = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()
    return f"sha256={digest}"


def signed_headers(secret: str, body: bytes, *, now: float | None = None) -> dict[str, str]:
    """The timestamp and signature headers for ``body``, signed now."""
    timestamp = str(int(now if now is not None else time.time()))
    return {"Casework-Timestamp": timestamp, "Casework-Signature": sign(secret, timestamp, body)}


def verify(secret: str, headers: Mapping[str, str], body: bytes, *, now: float | None = None,
           tolerance: int = 300) -> bool:
    """What a receiver does: check the signature and that the timestamp is recent."""
    timestamp = headers.get("Casework-Timestamp", "")
    if not timestamp.isdigit() or abs((now or time.time()) - int(timestamp)) > tolerance:
        return False
    return hmac.compare_digest(sign(secret, timestamp, body), headers.get("Casework-Signature", ""))
