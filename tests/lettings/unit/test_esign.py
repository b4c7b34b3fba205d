"""Connect's HMAC signatures and JSON SIM messages, as lettings reads them (``lettings.esign``)."""

import base64
import hashlib
import hmac

import pytest

from lettings import esign

BODY = b'{"event":"envelope-completed","data":{"envelopeId":"4f1c"}}'


def signed(key: str, body: bytes = BODY) -> str:
    return base64.b64encode(hmac.new(key.encode(), body, hashlib.sha256).digest()).decode()


@pytest.mark.parametrize("headers, valid", [
    ({"X-DocuSign-Signature-1": signed("k")}, True),
    # While keys rotate Connect sends one header per key: any one of them will do.
    ({"X-DocuSign-Signature-1": signed("old"), "X-DocuSign-Signature-2": signed("k")}, True),
    ({"X-DocuSign-Signature-1": signed("other")}, False),
    ({"X-DocuSign-Signature-1": signed("k", BODY + b" ")}, False),
    ({"X-DocuSign-Signature-2": signed("k")}, False),  # numbered from 1
    ({}, False),
])
def test_a_callback_is_the_providers_when_one_signature_is_the_bodys_hmac(headers, valid):
    assert esign.connect_verify("k", headers, BODY) is valid


def test_no_key_verifies_nothing():
    assert esign.connect_verify("", {"X-DocuSign-Signature-1": signed("")}, BODY) is False


@pytest.mark.parametrize("event, outcome", [
    ("envelope-completed", "signed"), ("envelope-declined", "declined"), ("recipient-declined", "declined"),
    ("envelope-voided", "declined"), ("envelope-sent", None), ("recipient-completed", None),
])
def test_what_each_connect_event_means_for_a_pack(event, outcome):
    callback = esign.parse_callback(esign.connect_message(event, "4f1c"))
    assert (callback.envelope_id, callback.outcome) == ("4f1c", outcome)


@pytest.mark.parametrize("body", [b"not json", b"[]", b'{"event":"envelope-completed"}',
                                  b'{"event":"envelope-completed","data":{"envelopeId":""}}'])
def test_a_body_that_is_not_a_connect_message_is_not_read(body):
    assert esign.parse_callback(body) is None


def test_the_embedded_providers_callback_is_verified_by_it_and_no_other():
    provider, other = esign.Embedded("one key"), esign.Embedded("another key")
    headers, body = provider.callback("embedded-1", "envelope-completed")
    assert provider.verify(headers, body) and not other.verify(headers, body)


def test_the_jwt_grants_assertion_is_signed_with_the_integrations_key_for_the_oauth_host():
    import jwt
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption()).decode()
    grant = esign.JwtGrant(oauth_url="https://account-d.docusign.com/", integration_key="ik", user_id="user",
                           private_key=lambda: pem)
    assertion = grant.assertion(now=1_800_000_000)
    assert jwt.get_unverified_header(assertion)["alg"] == "RS256"
    claims = jwt.decode(assertion, key.public_key(), algorithms=["RS256"], audience="account-d.docusign.com",
                        options={"verify_exp": False, "verify_iat": False})
    assert claims == {"iss": "ik", "sub": "user", "aud": "account-d.docusign.com", "iat": 1_800_000_000,
                      "exp": 1_800_003_600, "scope": "signature impersonation"}
    with pytest.raises(esign.ProviderUnavailable, match="private key"):
        esign.JwtGrant(oauth_url="https://account-d.docusign.com", integration_key="ik", user_id="user",
                       private_key=lambda: "not a key").assertion()


def test_the_settings_choose_the_jwt_grant_over_a_static_token(monkeypatch):
    monkeypatch.setenv("CASEWORK_ESIGN_PROVIDER", "docusign")
    monkeypatch.setenv("CASEWORK_DOCUSIGN_ACCESS_TOKEN", "static")
    monkeypatch.delenv("CASEWORK_DOCUSIGN_INTEGRATION_KEY", raising=False)
    assert esign.configured().auth.token() == "static"
    monkeypatch.setenv("CASEWORK_DOCUSIGN_INTEGRATION_KEY", "ik")
    monkeypatch.delenv("CASEWORK_DOCUSIGN_PRIVATE_KEY_FILE", raising=False)
    monkeypatch.setenv("CASEWORK_DOCUSIGN_PRIVATE_KEY", "-----BEGIN PRIVATE KEY-----\\nMII\\n-----END PRIVATE KEY-----")
    auth = esign.configured().auth
    assert isinstance(auth, esign.JwtGrant) and auth.oauth_url == "https://account-d.docusign.com"
    assert auth.private_key() == "-----BEGIN PRIVATE KEY-----\nMII\n-----END PRIVATE KEY-----"
