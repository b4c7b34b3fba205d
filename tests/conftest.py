"""Fixtures for every test: real PostgreSQL and RabbitMQ (see casework_dev.testing)."""

import os

pytest_plugins = ["casework_dev.testing"]

# Tests run their webhook receivers on loopback over plain http; production allows no such host.
os.environ.setdefault("CASEWORK_WEBHOOK_ALLOWED_HTTP_HOSTS", "127.0.0.1,localhost")
