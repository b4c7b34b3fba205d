"""Notifications' own figures, beside the kernel's (``casework.metrics``) at ``/metrics``."""

from prometheus_client import Counter

DELIVERIES = Counter("casework_deliveries_total", "Deliveries tried, by channel and outcome (sent, retrying, "
                     "failed, delivered, undelivered)", ["service", "channel", "outcome"])


def counted(channel: str, outcome: str) -> None:
    """Count one outcome of an e-mail, text, letter or webhook delivery (or of Notify's receipt for one)."""
    DELIVERIES.labels("notifications", channel, outcome).inc()
