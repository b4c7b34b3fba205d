"""A ServiceHarness for the sample service (which keeps no migration history)."""

from casework_dev.testing import ServiceHarness

from .service import SERVICE, create_tables


def make_harness(postgres_url: str, broker_url: str, **overrides) -> ServiceHarness:
    harness = ServiceHarness(SERVICE, postgres_url, broker_url, migrate=False, **overrides)
    create_tables(harness.database_url)
    return harness
