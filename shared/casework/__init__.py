"""Casework platform kernel.

What every Casework service shares: the CloudEvents envelope and event catalogue, the
RabbitMQ bus, the transactional outbox and inbox, durable timers, the web conventions
(problem details, idempotency, ETags, pagination, health, metrics), auth and audit.
Domain rules never live here.
"""

__version__ = "0.1.0"
