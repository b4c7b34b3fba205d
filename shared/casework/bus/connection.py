"""Connections to the broker: heartbeats, publisher confirms, bounded retries."""

from __future__ import annotations

from kombu import Connection

from casework.settings import Settings

HEARTBEAT_SECONDS = 30


def connect(settings: Settings, *, confirms: bool = True, max_retries: int = 3) -> Connection:
    """A connected kombu Connection, or the broker's error after ``max_retries`` tries."""
    options = {"confirm_publish": True} if confirms and not settings.embedded else {}
    conn = Connection(settings.broker_url, heartbeat=0 if settings.embedded else HEARTBEAT_SECONDS,
                      connect_timeout=5, transport_options=options)
    conn.ensure_connection(max_retries=max_retries, interval_start=0.5, interval_step=1, interval_max=3)
    return conn
