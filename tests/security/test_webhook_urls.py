"""A webhook subscription cannot point at an internal address: https only, or http to a host the
council allows (``CASEWORK_WEBHOOK_ALLOWED_HTTP_HOSTS``)."""

import pytest

from casework_dev.testing import bearer

PARTNER = bearer("asc-partner", "referrer")
SECRET = "s3cret-s3cret-s3cret"

INTERNAL = [
    "http://partner.example.org/hook",          # plain http to a host not allowed
    "https://10.0.0.1/hook",
    "https://192.168.1.1/hook",
    "https://169.254.169.254/latest/meta-data",  # cloud metadata
    "https://[::1]/hook",
    "https://[fd00::1]/hook",
    "https://[::ffff:10.0.0.1]/hook",
    "https://0.0.0.0/hook",
    "https://100.64.0.1/hook",                    # shared address space (cloud metadata services)
    "https://[2002:a9fe:a9fe::1]/hook",           # 6to4 carrying 169.254.169.254
    "https://[64:ff9b::a9fe:a9fe]/hook",          # NAT64 carrying 169.254.169.254
    "https://user:pw@10.0.0.1/hook",
    "https://localhost/hook",
    "https://127.0.0.1/hook",
    "ftp://partner.example.org/hook",
    "file:///etc/passwd",
    "gopher://127.0.0.1:6379/_INFO",
]


def subscribe(client, url):
    return client.post("/subscriptions", json={"url": url, "event_types": ["intake.referral.accepted.v2"],
                                               "secret": SECRET}, headers=PARTNER)


@pytest.fixture
def notifications(harnesses, monkeypatch):
    monkeypatch.setenv("CASEWORK_WEBHOOK_ALLOWED_HTTP_HOSTS", "")
    return harnesses("notifications")


@pytest.mark.parametrize("url", INTERNAL)
def test_an_internal_or_plain_http_url_is_refused(notifications, url):
    response = subscribe(notifications.client, url)
    assert response.status_code == 422, response.json
    assert "url" in response.json["errors"]


def test_a_public_https_url_is_accepted(notifications):
    assert subscribe(notifications.client, "https://partner.example.org/casework/hook").status_code == 201


def test_plain_http_is_accepted_only_to_an_allowed_host(harnesses, monkeypatch):
    client = harnesses("notifications").client
    monkeypatch.setenv("CASEWORK_WEBHOOK_ALLOWED_HTTP_HOSTS", "hooks.internal.example")
    assert subscribe(client, "http://hooks.internal.example/hook").status_code == 201
    assert subscribe(client, "http://other.example/hook").status_code == 422


@pytest.mark.parametrize("url", ["https://2130706433/hook", "https://0x7f000001/hook", "https://127.1/hook"])
def test_numeric_spellings_of_loopback_are_refused_at_subscription(notifications, url):
    assert subscribe(notifications.client, url).status_code == 422
