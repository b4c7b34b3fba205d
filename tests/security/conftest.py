"""One harness per service for the security suite (its own migrated database), made on first use."""

import importlib

import pytest

from casework_dev.testing import ServiceHarness


@pytest.fixture(scope="session")
def harnesses(postgres_url, broker_url):
    """``harnesses("intake")``: that service's harness, shared by the security tests."""
    made: dict[str, ServiceHarness] = {}

    def get(name: str) -> ServiceHarness:
        if name not in made:
            service = importlib.import_module(f"{name}.service").SERVICE
            made[name] = ServiceHarness(service, postgres_url, broker_url)
        return made[name]

    yield get
    for harness in made.values():
        harness.close()
