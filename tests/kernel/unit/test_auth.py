"""Bearer tokens: what is accepted and what is refused."""

import base64
import datetime as dt
import json

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from casework.auth import AuthError, TokenVerifier, mint

SECRET = "a-secret-that-is-long-enough-for-hs256!"


@pytest.fixture
def verifier():
    return TokenVerifier(secret=SECRET)


def test_a_good_token_gives_its_principal(verifier):
    principal = verifier.verify(mint("officer-7", ["team_leader"], secret=SECRET, name="Tara"))
    assert principal.sub == "officer-7"
    assert principal.roles == {"team_leader"}
    assert principal.has_any("team_leader") and not principal.has_any("referrer")


def test_admin_has_every_role(verifier):
    assert verifier.verify(mint("a", ["admin"], secret=SECRET)).has_any("lettings_officer")


def _unsigned(claims):
    enc = lambda d: base64.urlsafe_b64encode(json.dumps(d).encode()).rstrip(b"=").decode()  # noqa: E731
    return f"{enc({'alg': 'none', 'typ': 'JWT'})}.{enc(claims)}."


def _claims(**over):
    now = dt.datetime.now(dt.UTC)
    claims = {"sub": "x", "roles": ["admin"], "iss": "casework", "aud": "casework",
              "exp": int((now + dt.timedelta(hours=1)).timestamp())}
    claims.update(over)
    return claims


@pytest.mark.parametrize("token", [
    pytest.param(mint("x", ["admin"], secret=SECRET, lifetime=dt.timedelta(seconds=-120)), id="expired"),
    pytest.param(mint("x", ["admin"], secret="another-secret-that-is-long-enough!!"), id="wrong-key"),
    pytest.param(mint("x", ["admin"], secret=SECRET, issuer="someone-else"), id="wrong-issuer"),
    pytest.param(mint("x", ["admin"], secret=SECRET, audience="another-app"), id="wrong-audience"),
    pytest.param(_unsigned(_claims()), id="alg-none"),
    pytest.param("not.a.token", id="malformed"),
    pytest.param(jwt.encode({k: v for k, v in _claims().items() if k != "exp"}, SECRET, algorithm="HS256"),
                 id="no-expiry"),
    pytest.param(jwt.encode(_claims(roles="admin"), SECRET, algorithm="HS256"), id="roles-not-a-list"),
    pytest.param(jwt.encode(_claims(sub=""), SECRET, algorithm="HS256"), id="empty-sub"),
    pytest.param(jwt.encode(_claims(sub="   "), SECRET, algorithm="HS256"), id="blank-sub"),
    pytest.param(jwt.encode(_claims(sub=42), SECRET, algorithm="HS256"), id="sub-not-a-string"),
    pytest.param(jwt.encode(_claims(exp=str(_claims()["exp"])), SECRET, algorithm="HS256"), id="exp-a-string"),
    pytest.param(jwt.encode(_claims(exp=1e20), SECRET, algorithm="HS256"), id="exp-1e20"),
    pytest.param(jwt.encode(_claims(exp=True), SECRET, algorithm="HS256"), id="exp-true"),
    pytest.param(mint("x", ["admin"], secret=SECRET, lifetime=dt.timedelta(days=8)), id="lives-over-a-week"),
])
def test_bad_tokens_are_refused(verifier, token):
    with pytest.raises(AuthError):
        verifier.verify(token)


def test_an_rs256_token_is_refused_where_hs256_is_configured(verifier):
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    token = jwt.encode(_claims(), key, algorithm="RS256")
    with pytest.raises(AuthError):
        verifier.verify(token)



def test_a_verified_token_is_remembered_rather_than_checked_again(verifier, monkeypatch):
    token = mint("officer-7", ["team_leader"], secret=SECRET)
    first = verifier.verify(token)
    monkeypatch.setattr(verifier, "_verify", lambda t: pytest.fail("checked again"))
    assert verifier.verify(token) is first


def test_a_remembered_token_is_checked_afresh_once_it_has_expired(verifier, monkeypatch):
    token = mint("officer-7", ["team_leader"], secret=SECRET, lifetime=dt.timedelta(seconds=60))
    verifier.verify(token)
    expires = jwt.decode(token, options={"verify_signature": False})["exp"] + verifier.LEEWAY_SECONDS
    monkeypatch.setattr("casework.auth.time.time", lambda: expires + 1)
    checked = []
    real = verifier._verify
    monkeypatch.setattr(verifier, "_verify", lambda t: checked.append(t) or real(t))
    verifier.verify(token)
    assert checked == [token]  # and PyJWT refuses an expired token (the "expired" case above)


def test_a_changed_signature_is_never_taken_from_the_remembered_tokens(verifier):
    token = mint("officer-7", ["team_leader"], secret=SECRET)
    verifier.verify(token)
    head, payload, signature = token.split(".")
    forged = f"{head}.{payload}.{signature[:-4]}{'AAAA' if signature[-4:] != 'AAAA' else 'BBBB'}"
    with pytest.raises(AuthError):
        verifier.verify(forged)


def test_the_remembered_tokens_are_bounded(verifier):
    for n in range(verifier.CACHE_SIZE + 5):
        verifier.verify(mint(f"system-{n}", ["referrer"], secret=SECRET))
    assert len(verifier._verified) <= verifier.CACHE_SIZE
