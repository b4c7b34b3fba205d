"""POST /referrals is rate-limited per client (``CASEWORK_INTAKE_RATE_LIMIT``): 429 with Retry-After."""

import pytest

from casework.web.ratelimit import RateLimiter, parse
from casework_dev.testing import ServiceHarness, bearer
from intake.service import SERVICE

REFERRAL = {
    "source": {"system": "income_recovery", "referrer": {"name": "Sam Patel"}},
    "person": {"name": "Alex Morgan", "date_of_birth": "1984-03-02", "address": "Flat 4, 12 Station Road"},
    "tenancy_ref": "T-0042117", "reasons": ["rent_arrears"], "details": "Arrears.",
    "consent": {"given": True, "method": "verbal", "recorded_by": "Sam Patel"},
}


@pytest.fixture(scope="module")
def limited(postgres_url, broker_url):
    with ServiceHarness(SERVICE, postgres_url, broker_url, rate_limit="3/minute") as harness:
        yield harness


def test_a_client_over_its_limit_is_429_with_retry_after(limited):
    headers = bearer("chatty-system", "referrer")
    answers = [limited.client.post("/referrals", json=REFERRAL, headers=headers) for _ in range(4)]
    assert [a.status_code for a in answers] == [201, 201, 201, 429]
    refused = answers[-1]
    assert refused.mimetype == "application/problem+json"
    assert 1 <= int(refused.headers["Retry-After"]) <= 20  # one token every 20 s
    assert refused.json["status"] == 429


def test_each_client_has_its_own_limit(limited):
    for _ in range(3):
        limited.client.post("/referrals", json=REFERRAL, headers=bearer("busy-system", "referrer"))
    assert limited.client.post("/referrals", json=REFERRAL, headers=bearer("busy-system", "referrer")).status_code == 429
    assert limited.client.post("/referrals", json=REFERRAL, headers=bearer("quiet-system", "referrer")).status_code == 201


def test_refused_and_invalid_requests_count_too(limited):
    headers = bearer("sloppy-system", "referrer")
    statuses = [limited.client.post("/referrals", json={}, headers=headers).status_code for _ in range(4)]
    assert statuses == [422, 422, 422, 429]


def test_reads_are_not_limited(limited):
    headers = bearer("reader-system", "referrer")
    assert {limited.client.get("/referrals", headers=headers).status_code for _ in range(6)} == {200}


def test_the_429_is_documented(limited):
    spec = limited.client.get("/openapi.json").json
    assert "429" in spec["paths"]["/referrals"]["post"]["responses"]


@pytest.mark.parametrize(("text", "parsed"), [
    ("60/minute", (60, 60.0)), ("5/10s", (5, 10.0)), ("1000/hour", (1000, 3600.0)), ("2/second", (2, 1.0)),
    ("", None), ("off", None),
])
def test_the_setting_reads_as_count_per_period(text, parsed):
    assert parse(text) == parsed


@pytest.mark.parametrize("text", ["60", "x/minute", "0/minute", "5/fortnight"])
def test_a_setting_that_does_not_read_is_refused(text):
    with pytest.raises(ValueError):
        parse(text)


def test_tokens_come_back_evenly_over_the_period():
    now = [0.0]
    limiter = RateLimiter(2, 10.0, clock=lambda: now[0])
    assert [limiter.take("c") for _ in range(2)] == [0.0, 0.0]
    assert limiter.take("c") == pytest.approx(5.0)
    now[0] = 5.0
    assert limiter.take("c") == 0.0
    assert limiter.take("c") > 0
