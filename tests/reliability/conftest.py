"""The whole system as real processes, its broker reached through a proxy this suite can cut."""

import pytest

from casework_dev.system import Client, System
from casework_dev.testing import TcpProxy


@pytest.fixture(scope="module")
def broker_proxy(broker_url):
    proxy = TcpProxy.for_broker(broker_url)  # every node, where the URL names a cluster
    yield proxy
    proxy.close()


@pytest.fixture(scope="module")
def system(postgres_url, broker_url, broker_proxy, tmp_path_factory):
    # The workers reach RabbitMQ through the proxy; the topology is declared directly.
    with System.for_tests(postgres_url, broker_proxy.url_for(broker_url),
                          log_dir=tmp_path_factory.mktemp("reliability-logs")) as running:
        running.start(timeout=90)
        yield running


@pytest.fixture(scope="module")
def partner(system):
    return Client(system.urls(), "income-recovery-system", "referrer", secret=system.jwt_secret)


@pytest.fixture(scope="module")
def officer(system):
    return Client(system.urls(), "iris-intake", "intake_officer", secret=system.jwt_secret)
