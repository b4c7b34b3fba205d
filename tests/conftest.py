"""Fixtures for every test: real PostgreSQL and RabbitMQ (see casework.testing)."""

pytest_plugins = ["casework.testing"]
