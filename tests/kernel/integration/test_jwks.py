"""Production tokens: RS256, verified against the keys a real JWKS endpoint serves."""

import dataclasses
import datetime as dt
import json
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from casework.auth import AuthError, KeysUnavailable, TokenVerifier


def _key():
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@pytest.fixture(scope="module")
def identity_provider():
    """A local identity provider publishing one signing key as a JWKS document."""
    key = _key()
    jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(key.public_key()))
    body = json.dumps({"keys": [{**jwk, "kid": "council-2026", "use": "sig", "alg": "RS256"}]}).encode()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield key, f"http://127.0.0.1:{server.server_address[1]}/.well-known/jwks.json"
    server.shutdown()


def _token(key, kid="council-2026", **claims):
    now = dt.datetime.now(dt.UTC)
    payload = {"sub": "officer-9", "roles": ["team_leader"], "name": "Officer Nine", "iss": "casework",
               "aud": "casework", "exp": now + dt.timedelta(minutes=5), **claims}
    return jwt.encode(payload, key, algorithm="RS256", headers={"kid": kid})


def test_a_token_signed_by_the_published_key_is_accepted(identity_provider):
    key, url = identity_provider
    principal = TokenVerifier(jwks_url=url).verify(_token(key))
    assert (principal.sub, principal.roles) == ("officer-9", {"team_leader"})


def test_a_token_signed_by_another_key_under_the_same_kid_is_refused(identity_provider):
    _, url = identity_provider
    with pytest.raises(AuthError):
        TokenVerifier(jwks_url=url).verify(_token(_key()))


def test_a_token_naming_an_unknown_key_is_refused(identity_provider):
    key, url = identity_provider
    with pytest.raises(AuthError):
        TokenVerifier(jwks_url=url).verify(_token(key, kid="someone-elses"))


def test_an_hs256_token_is_refused_when_keys_come_from_jwks(identity_provider):
    _, url = identity_provider
    forged = jwt.encode({"sub": "x", "roles": ["admin"], "iss": "casework", "aud": "casework",
                         "exp": dt.datetime.now(dt.UTC) + dt.timedelta(minutes=5)},
                        "casework-development-secret-change-me", algorithm="HS256", headers={"kid": "council-2026"})
    with pytest.raises(AuthError):
        TokenVerifier(jwks_url=url, secret="casework-development-secret-change-me").verify(forged)


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_keys_that_cannot_be_fetched_are_not_a_bad_token(identity_provider):
    key, _ = identity_provider
    verifier = TokenVerifier(jwks_url=f"http://127.0.0.1:{_closed_port()}/.well-known/jwks.json")
    with pytest.raises(KeysUnavailable):
        verifier.verify(_token(key))


def test_keys_already_fetched_still_verify_while_the_identity_provider_is_away(identity_provider):
    key, url = identity_provider
    verifier = TokenVerifier(jwks_url=url)
    verifier.verify(_token(key))
    verifier.jwks.uri = f"http://127.0.0.1:{_closed_port()}/.well-known/jwks.json"  # the provider goes away
    assert verifier.verify(_token(key, sub="officer-10")).sub == "officer-10"


def test_a_new_key_id_while_the_identity_provider_is_away_is_not_a_bad_token(identity_provider):
    """A token naming a key not seen yet (the provider has rotated its keys) makes the client
    fetch the keys again; when that fetch fails the token may be good, so it is not refused."""
    key, url = identity_provider
    verifier = TokenVerifier(jwks_url=url)
    verifier.verify(_token(key))
    verifier.jwks.uri = f"http://127.0.0.1:{_closed_port()}/.well-known/jwks.json"
    verifier.jwks.cooldown_duration = 0  # the last good fetch is older than PyJWT's 30 s cooldown
    with pytest.raises(KeysUnavailable):
        verifier.verify(_token(key, kid="council-2027"))


def test_the_api_answers_503_when_it_cannot_fetch_the_keys(identity_provider, postgres_url, broker_url):
    from casework.db import Database
    from casework.web import create_app
    from sample.harness import make_harness
    from sample.service import SERVICE

    key, _ = identity_provider
    harness = make_harness(postgres_url, broker_url)
    try:
        away = dataclasses.replace(harness.settings, jwt_secret="",
                                   jwks_url=f"http://127.0.0.1:{_closed_port()}/.well-known/jwks.json")
        client = create_app(SERVICE, settings=away, db=Database(away.database_url)).test_client()
        r = client.get("/notes", headers={"Authorization": f"Bearer {_token(key)}"})
        assert r.status_code == 503 and r.headers["Retry-After"], r.get_data(as_text=True)
        assert r.content_type == "application/problem+json"
    finally:
        harness.close()
