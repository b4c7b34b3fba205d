"""Connections to the broker: every node's address, heartbeats, publisher confirms, bounded retries.

``CASEWORK_BROKER_URL`` names one broker or every node of a cluster, separated by ``;`` (kombu's
failover list): ``amqp://u:p@rabbit-0:5672//;amqp://u:p@rabbit-1:5672//;amqp://u:p@rabbit-2:5672//``.
Each connection starts at a node chosen at random, so a service's connections spread over the
cluster as they would behind a load balancer, and tries the others in turn when that node does not
answer. A connection lost later is not moved by kombu: the relay and the consumer drop it and call
``connect`` again, which finds a node that answers.
"""

from __future__ import annotations

import logging
import random
from urllib.parse import urlsplit, urlunsplit

from kombu import Connection

from casework.settings import Settings

log = logging.getLogger(__name__)

HEARTBEAT_SECONDS = 30


class BrokerURLError(ValueError):
    """``CASEWORK_BROKER_URL`` is not one URL or a ``;``-separated list of them."""


def broker_addresses(url: str) -> list[str]:
    """Each node's URL in a broker setting: one URL, or several separated by ``;``.

    Every address is made whole: one that leaves out the scheme, the user and password or the
    virtual host takes them from the first (``amqp://u:p@a:5672//;b:5672`` is two nodes, both as
    ``u``, both on ``/``), so kombu never falls back to guest on the second node.
    """
    parts = [part.strip() for part in url.split(";")]
    if not parts[0] or "://" not in parts[0]:
        raise BrokerURLError(f"the broker URL must start with a scheme such as amqp://, not {_masked(parts[0])!r}")
    if any(not part for part in parts):
        raise BrokerURLError("the broker URL list has an empty address (two ';' together, or one at an end)")
    first = urlsplit(parts[0])
    if first.scheme == "memory":
        if len(parts) > 1:
            raise BrokerURLError("the in-process broker (memory://) has no other nodes")
        return parts
    userinfo = first.netloc.rpartition("@")[0]
    addresses = [_whole(parts[0], first.scheme, userinfo, first.path)]
    for part in parts[1:]:
        addresses.append(_whole(part if "://" in part else f"{first.scheme}://{part}",
                                first.scheme, userinfo, first.path))
    return addresses


def _whole(url: str, scheme: str, userinfo: str, path: str) -> str:
    parts = urlsplit(url)
    if not parts.hostname:
        raise BrokerURLError(f"the broker address {_masked(url)!r} names no host")
    try:
        parts.port  # noqa: B018 - raises on a port that is not a number
    except ValueError as exc:
        raise BrokerURLError(f"the broker address {_masked(url)!r} has a port that is not a number") from exc
    netloc = parts.netloc if "@" in parts.netloc or not userinfo else f"{userinfo}@{parts.netloc}"
    return urlunsplit((parts.scheme or scheme, netloc, parts.path or path, parts.query, parts.fragment))


def _masked(url: str) -> str:
    """``url`` with its password hidden, for error messages."""
    head, at, host = url.rpartition("@")
    if not at:
        return url
    scheme, sep, user = head.rpartition("://")
    return f"{scheme}{sep}{user.split(':', 1)[0]}:**@{host}"


def connect(settings: Settings, *, confirms: bool = True, max_retries: int = 3) -> Connection:
    """A connected kombu Connection, or the broker's error after ``max_retries`` tries of each node."""
    addresses = broker_addresses(settings.broker_url)
    start = random.randrange(len(addresses))
    options = {"confirm_publish": True} if confirms and not settings.embedded else {}
    conn = Connection(addresses[start:] + addresses[:start], failover_strategy="round-robin",
                      heartbeat=0 if settings.embedded else HEARTBEAT_SECONDS,
                      connect_timeout=5, transport_options=options)
    # kombu moves to the next node at each failure, and waits only after a round of them all.
    conn.ensure_connection(max_retries=max_retries * len(addresses), interval_start=0.5, interval_step=1,
                           interval_max=3)
    if len(addresses) > 1:
        log.info("connected to the broker node at %s:%s", conn.hostname, conn.port)
    return conn
