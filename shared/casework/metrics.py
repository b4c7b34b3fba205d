"""Prometheus metrics every service exposes (api at ``/metrics``, worker on its health port).

Under gunicorn set ``PROMETHEUS_MULTIPROC_DIR`` so every worker process's figures are summed.
"""

import os

# In multiprocess mode every process writes its figures to files there: the folder must exist
# before the first metric is made (a fresh emptyDir or tmpfs has none; workers have no shell to make it).
if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
    os.makedirs(os.environ["PROMETHEUS_MULTIPROC_DIR"], exist_ok=True)

from prometheus_client import Counter, Gauge, Histogram  # noqa: E402

HTTP_REQUESTS = Counter(
    "casework_http_requests_total", "HTTP requests answered", ["service", "method", "endpoint", "status"]
)
HTTP_LATENCY = Histogram(
    "casework_http_request_seconds", "HTTP request latency", ["service", "method", "endpoint"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5),
)
OUTBOX_PUBLISHED = Counter("casework_outbox_published_total", "Outbox events published", ["service"])
OUTBOX_PENDING_AGE = Gauge(
    "casework_outbox_oldest_pending_seconds", "Age of the oldest unsent outbox event", ["service"],
    multiprocess_mode="max",
)
EVENTS_CONSUMED = Counter(
    "casework_events_consumed_total", "Events consumed, by outcome", ["service", "type", "outcome"]
)
EVENTS_PARKED = Counter("casework_events_parked_total", "Events parked after failing", ["service", "reason"])
TIMERS_FIRED = Counter("casework_timers_fired_total", "Durable timers fired", ["service", "kind"])
