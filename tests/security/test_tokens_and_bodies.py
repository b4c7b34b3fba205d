"""Bearer tokens that are not exactly ours are 401; bodies over the limit are 413."""

import base64
import datetime as dt
import json

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from casework.auth import mint
from casework_dev.testing import TEST_SECRET, bearer

PROTECTED = "/referrals"


def b64(data: dict) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


def claims(**changes) -> dict:
    now = dt.datetime.now(dt.UTC)
    base = {"sub": "sys-1", "roles": ["referrer"], "iss": "casework", "aud": "casework",
            "iat": int(now.timestamp()), "exp": int((now + dt.timedelta(hours=1)).timestamp())}
    for name, value in changes.items():
        if value is None:
            base.pop(name)
        else:
            base[name] = value
    return base


def unsigned(**changes) -> str:
    return f"{b64({'alg': 'none', 'typ': 'JWT'})}.{b64(claims(**changes))}."


RSA_KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)

BAD_TOKENS = {
    "expired": mint("sys-1", ["referrer"], secret=TEST_SECRET, lifetime=-dt.timedelta(hours=1)),
    "wrong issuer": mint("sys-1", ["referrer"], secret=TEST_SECRET, issuer="someone-else"),
    "wrong audience": mint("sys-1", ["referrer"], secret=TEST_SECRET, audience="another-api"),
    "wrong key": mint("sys-1", ["referrer"], secret="not-the-secret-0123456789abcdef-0123"),
    "alg none": unsigned(),
    "alg none, no signature dot": unsigned().rstrip("."),
    "RS256 from a stranger's key": jwt.encode(claims(), RSA_KEY, algorithm="RS256"),
    "HS512 with our secret": jwt.encode(claims(), TEST_SECRET, algorithm="HS512"),
    "no exp": jwt.encode(claims(exp=None), TEST_SECRET, algorithm="HS256"),
    "no sub": jwt.encode(claims(sub=None), TEST_SECRET, algorithm="HS256"),
    "roles not a list": jwt.encode(claims(roles="admin"), TEST_SECRET, algorithm="HS256"),
    "empty sub": jwt.encode(claims(sub=""), TEST_SECRET, algorithm="HS256"),
    "exp a string": jwt.encode(claims(exp=str(claims()["exp"])), TEST_SECRET, algorithm="HS256"),
    "exp 1e20": jwt.encode(claims(exp=1e20), TEST_SECRET, algorithm="HS256"),
    "not yet valid": jwt.encode(claims(nbf=int(dt.datetime.now(dt.UTC).timestamp()) + 3600), TEST_SECRET,
                                algorithm="HS256"),
    "malformed": "not-a-token",
    "three junk parts": "abc.def.ghi",
    "truncated signature": mint("sys-1", ["referrer"], secret=TEST_SECRET)[:-6],
    "non-json header": "e30K" + "." + b64(claims()) + ".sig",
}


@pytest.fixture(scope="module")
def intake(harnesses):
    return harnesses("intake")


@pytest.mark.parametrize("case", sorted(BAD_TOKENS))
def test_a_bad_token_is_401(intake, case):
    response = intake.client.get(PROTECTED, headers={"Authorization": f"Bearer {BAD_TOKENS[case]}"})
    assert response.status_code == 401
    assert response.mimetype == "application/problem+json"
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert "Traceback" not in response.get_data(as_text=True)


@pytest.mark.parametrize("header", ["Basic dXNlcjpwYXNz", "Bearer", "Bearer    ", "Token abc", "bearer"])
def test_an_authorization_header_that_is_not_a_bearer_token_is_401(intake, header):
    assert intake.client.get(PROTECTED, headers={"Authorization": header}).status_code == 401


def test_a_good_token_is_accepted(intake):
    assert intake.client.get(PROTECTED, headers=bearer("sys-1", "referrer")).status_code == 200


def test_a_body_over_one_mebibyte_is_413(intake):
    body = json.dumps({"details": "x" * (1024 * 1024)})
    response = intake.client.post(PROTECTED, data=body, content_type="application/json",
                                  headers=bearer("sys-1", "referrer"))
    assert response.status_code == 413
    assert response.mimetype == "application/problem+json"


def test_a_streamed_body_over_the_limit_without_a_length_is_413(intake):
    import io

    stream = io.BytesIO(b'{"details": "' + b"x" * (1024 * 1024 + 10) + b'"}')
    # As gunicorn presents a chunked body: no length, the stream ends where the body does.
    response = intake.client.post(PROTECTED, input_stream=stream, content_type="application/json",
                                  headers={**bearer("sys-1", "referrer"), "Transfer-Encoding": "chunked"},
                                  environ_overrides={"wsgi.input_terminated": True})
    assert response.status_code == 413


def test_a_body_just_under_the_limit_is_read(intake):
    body = json.dumps({"details": "x" * (1024 * 1024 - 100)})
    response = intake.client.post(PROTECTED, data=body, content_type="application/json",
                                  headers=bearer("sys-1", "referrer"))
    assert response.status_code == 422
