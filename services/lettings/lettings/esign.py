"""E-signature providers for sign-up: send a sign-up pack, and read the provider's signed or
declined callback once its signature is verified.

Two providers, chosen by ``CASEWORK_ESIGN_PROVIDER``:

- ``embedded`` (the default, for ``make run``): nothing leaves Casework. An officer records the
  tenant's signature (or refusal) on the offer's sign-up pack page, and that makes the same
  signed callback a provider would send, verified on the same path. Its key is
  ``CASEWORK_ESIGN_EMBEDDED_KEY``, else a random one per process (only the process that makes an
  embedded callback can verify it, so nobody can post one from outside).
- ``docusign``: DocuSign's eSignature REST API v2.1. The pack is an envelope created with
  ``POST {CASEWORK_DOCUSIGN_BASE_URL}/restapi/v2.1/accounts/{CASEWORK_DOCUSIGN_ACCOUNT_ID}/envelopes``
  (the tenancy agreement as an HTML document, the lead applicant as the one signer, ``status:
  sent``, the pack's id in a custom field), with an envelope-level Connect notification (JSON SIM, HMAC) to
  ``CASEWORK_ESIGN_CALLBACK_URL`` (default: the service's public URL + ``/sign-up-packs/callback``).
  Connect signs each message's raw body with HMAC-SHA256, base64, in ``X-DocuSign-Signature-1``
  (``-2`` … while keys rotate); the key is ``CASEWORK_DOCUSIGN_HMAC_KEY``.
  Before creating an envelope it looks for one already made for the pack (``GET …/envelopes`` with
  ``custom_field``), so a send whose answer was lost is not sent twice. Withdrawing the offer voids
  the envelope (``PUT …/envelopes/{envelopeId}`` with ``status: voided`` and a ``voidedReason``).

  Authentication, by DocuSign's OAuth JWT grant when ``CASEWORK_DOCUSIGN_INTEGRATION_KEY`` is set
  (it wins over a static token): ``POST {CASEWORK_DOCUSIGN_OAUTH_URL}/oauth/token`` (default
  ``https://account-d.docusign.com``, the developer account server; ``https://account.docusign.com``
  in production) with an RS256-signed assertion ``{iss: integration key, sub:
  CASEWORK_DOCUSIGN_USER_ID, aud: the OAuth host, iat, exp, scope: "signature impersonation"}``,
  signed with the integration's RSA private key: PEM in ``CASEWORK_DOCUSIGN_PRIVATE_KEY_FILE`` (a
  path; it wins) or ``CASEWORK_DOCUSIGN_PRIVATE_KEY`` (newlines may be written ``\\n``). The user
  must have granted the integration consent once. The token is kept (per process) until a minute before it expires, and fetched
  again then, or when the eSignature API answers 401 (once per call). Without an integration key,
  the access token is ``CASEWORK_DOCUSIGN_ACCESS_TOKEN`` as it stands (whatever renews it puts it
  there).

Both providers' callbacks are Connect's JSON SIM messages: ``{"event": "envelope-completed",
"data": {"envelopeId": …}, …}``.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import json
import os
import secrets
import threading
import time
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Protocol
from urllib.parse import urlsplit

import jwt
import requests

from casework.db import utcnow

#: Connect's events and what they mean for a sign-up pack; any other event changes nothing.
SIGNED = {"envelope-completed": "signed"}
DECLINED = {"envelope-declined": "declined", "recipient-declined": "declined", "envelope-voided": "declined"}
OUTCOMES = {**SIGNED, **DECLINED}

SIGNATURE_HEADER = "X-DocuSign-Signature-{n}"
#: The envelope custom field that names the pack at DocuSign.
PACK_FIELD = "casework_sign_up_pack"
MAX_SIGNATURE_HEADERS = 100
#: DocuSign's refusal to void an envelope no longer out (completed, declined, voided).
CANNOT_VOID = "ENVELOPE_CANNOT_VOID_INVALID_STATE"


class ProviderUnavailable(Exception):
    """The provider could not be reached, or refused the pack: try again later."""


@dataclass(frozen=True)
class Pack:
    """What the provider is sent: the offer's reference, the signer and the agreement."""

    #: Our id for the pack, kept with it at the provider: a send retried after an answer that was
    #: lost (the worker died before it committed) finds the pack already there, not a second one.
    key: str
    requested_on: dt.date
    reference: str
    signer_name: str
    signer_email: str | None
    document_html: str


@dataclass(frozen=True)
class Callback:
    """A verified callback: the provider's id for the pack and its Connect event."""

    envelope_id: str
    event: str

    @property
    def outcome(self) -> str | None:
        """``signed``, ``declined``, or None for an event that changes nothing (sent, viewed …)."""
        return OUTCOMES.get(self.event)


class Provider(Protocol):
    name: str
    #: Whether the signer needs an e-mail address (a remote provider sends the pack by e-mail).
    needs_email: bool

    def send(self, pack: Pack) -> str:
        """Send the pack for signature; return the provider's id for it (raise ``ProviderUnavailable``)."""

    def verify(self, headers: Mapping[str, str], body: bytes) -> bool:
        """Whether a callback's signature is the provider's."""

    def find(self, key: str, requested_on: dt.date) -> str | None:
        """The provider's id for a pack sent before (its answer lost), or None."""

    def void(self, envelope_id: str, reason: str) -> None:
        """Withdraw a pack from signature (raise ``ProviderUnavailable``); one already signed,
        declined or voided is left as it is."""


# -- Connect's JSON SIM messages and their HMAC signature -------------------------------------------


def connect_signature(key: str, body: bytes) -> str:
    return base64.b64encode(hmac.new(key.encode(), body, hashlib.sha256).digest()).decode()


def connect_verify(key: str, headers: Mapping[str, str], body: bytes) -> bool:
    """True when one of the ``X-DocuSign-Signature-N`` headers is the body's HMAC under ``key``."""
    if not key:
        return False
    expected = connect_signature(key, body).encode()
    for n in range(1, MAX_SIGNATURE_HEADERS + 1):
        given = headers.get(SIGNATURE_HEADER.format(n=n))
        if given is None:
            return False
        if hmac.compare_digest(expected, given.strip().encode()):
            return True
    return False


def parse_callback(body: bytes) -> Callback | None:
    """A Connect JSON SIM message's event and envelope id, or None when it is not one."""
    try:
        message = json.loads(body)
        event, envelope_id = message["event"], message["data"]["envelopeId"]
    except (ValueError, KeyError, TypeError):
        return None
    if not isinstance(event, str) or not isinstance(envelope_id, str) or not envelope_id:
        return None
    return Callback(envelope_id=envelope_id, event=event)


def connect_message(event: str, envelope_id: str, *, account_id: str = "") -> bytes:
    """A Connect JSON SIM message as DocuSign sends one (the fields Casework reads, and their neighbours)."""
    return json.dumps({
        "event": event, "apiVersion": "v2.1", "uri": f"/restapi/v2.1/accounts/{account_id}/envelopes/{envelope_id}",
        "retryCount": 0, "configurationId": 0, "generatedDateTime": utcnow().isoformat(),
        "data": {"accountId": account_id, "envelopeId": envelope_id},
    }, separators=(",", ":")).encode()


# -- the providers ------------------------------------------------------------------------------------

_PROCESS_KEY = secrets.token_urlsafe(32)


class Embedded:
    """Signs when an officer records it: sending only names the pack; the officer's confirmation
    makes the signed callback (``callback``), which goes through the same verified path."""

    name = "embedded"
    needs_email = False

    def __init__(self, key: str) -> None:
        self.key = key

    def send(self, pack: Pack) -> str:
        return f"embedded-{uuid.uuid4()}"

    def verify(self, headers: Mapping[str, str], body: bytes) -> bool:
        return connect_verify(self.key, headers, body)

    def find(self, key: str, requested_on: dt.date) -> str | None:
        return None

    def void(self, envelope_id: str, reason: str) -> None:
        """Nothing is out anywhere: the pack is only marked voided."""

    def callback(self, envelope_id: str, event: str) -> tuple[dict[str, str], bytes]:
        """The signed callback a provider would send: its headers and raw body."""
        body = connect_message(event, envelope_id)
        return {"Content-Type": "application/json", SIGNATURE_HEADER.format(n=1): connect_signature(self.key, body)}, body


class JwtGrant:
    """Access tokens by DocuSign's OAuth JWT grant, kept per process until shortly before they expire."""

    GRANT_TYPE = "urn:ietf:params:oauth:grant-type:jwt-bearer"
    SCOPE = "signature impersonation"
    #: How long an assertion is good for (DocuSign takes up to an hour), and how long before a
    #: token's expiry it is fetched again.
    ASSERTION_SECONDS = 3600
    RENEW_BEFORE_SECONDS = 60

    #: (OAuth URL, integration key, user id) → (access token, when it expires, by ``clock``).
    _tokens: dict[tuple[str, str, str], tuple[str, float]] = {}
    _lock = threading.Lock()
    clock = staticmethod(time.monotonic)

    def __init__(self, *, oauth_url: str, integration_key: str, user_id: str, private_key: Callable[[], str],
                 timeout: float = 10) -> None:
        self.oauth_url = oauth_url.rstrip("/")
        self.integration_key = integration_key
        self.user_id = user_id
        self.private_key = private_key
        self.timeout = timeout

    @property
    def _key(self) -> tuple[str, str, str]:
        return self.oauth_url, self.integration_key, self.user_id

    def token(self, *, renew: bool = False) -> str:
        """The kept token, or a new one when there is none, it is about to expire, or ``renew``."""
        with self._lock:
            kept = self._tokens.get(self._key)
            if kept and not renew and self.clock() < kept[1] - self.RENEW_BEFORE_SECONDS:
                return kept[0]
            token, expires_in = self._fetch()
            self._tokens[self._key] = (token, self.clock() + expires_in)
            return token

    @classmethod
    def forget(cls) -> None:
        """Drop every kept token (the next call fetches one)."""
        with cls._lock:
            cls._tokens.clear()

    def assertion(self, now: float | None = None) -> str:
        now = int(time.time() if now is None else now)
        claims = {"iss": self.integration_key, "sub": self.user_id, "aud": urlsplit(self.oauth_url).netloc,
                  "iat": now, "exp": now + self.ASSERTION_SECONDS, "scope": self.SCOPE}
        try:
            return jwt.encode(claims, self.private_key(), algorithm="RS256")
        except (OSError, ValueError, jwt.PyJWTError) as exc:
            raise ProviderUnavailable(f"{type(exc).__name__}: the DocuSign private key cannot be read") from exc

    def _fetch(self) -> tuple[str, float]:
        try:
            response = requests.post(f"{self.oauth_url}/oauth/token", timeout=self.timeout, allow_redirects=False,
                                     data={"grant_type": self.GRANT_TYPE, "assertion": self.assertion()})
        except requests.RequestException as exc:
            raise ProviderUnavailable(f"{type(exc).__name__}: DocuSign's OAuth server could not be reached") from exc
        if response.status_code != 200:
            raise ProviderUnavailable(f"OAuth HTTP {response.status_code}: {_oauth_error(response)}")
        answer = _json(response)
        token, expires_in = answer.get("access_token"), answer.get("expires_in")
        if not isinstance(token, str) or not token or not isinstance(expires_in, int | float):
            raise ProviderUnavailable("DocuSign's OAuth server answered without an access token")
        return token, float(expires_in)


class StaticToken:
    """An access token from the settings, used as it is (a 401 cannot be mended here)."""

    def __init__(self, token: str) -> None:
        self._token = token

    def token(self, *, renew: bool = False) -> str:
        return self._token


class DocuSign:
    """DocuSign's eSignature REST API v2.1: one envelope per pack, Connect callbacks signed with HMAC."""

    name = "docusign"
    needs_email = True

    def __init__(self, *, base_url: str, account_id: str, auth: JwtGrant | StaticToken, hmac_key: str,
                 callback_url: str, timeout: float = 10) -> None:
        self.base_url = base_url.rstrip("/")
        self.account_id = account_id
        self.auth = auth
        self.hmac_key = hmac_key
        self.callback_url = callback_url
        self.timeout = timeout

    def envelope(self, pack: Pack) -> dict:
        """The envelope definition: the agreement, the lead applicant to sign it, and Connect to tell us."""
        return {
            "emailSubject": f"Your tenancy agreement to sign ({pack.reference})",
            "documents": [{"documentId": "1", "name": f"Tenancy agreement {pack.reference}", "fileExtension": "html",
                           "documentBase64": base64.b64encode(pack.document_html.encode()).decode()}],
            "recipients": {"signers": [{
                "recipientId": "1", "routingOrder": "1", "name": pack.signer_name, "email": pack.signer_email,
                "tabs": {"signHereTabs": [{"anchorString": "Signed:", "anchorUnits": "pixels",
                                           "anchorXOffset": "60", "anchorYOffset": "0"}]},
            }]},
            "customFields": {"textCustomFields": [
                {"name": PACK_FIELD, "value": pack.key, "show": "false"},
                {"name": "casework_offer", "value": pack.reference, "show": "false"}]},
            "eventNotification": {
                "url": self.callback_url, "requireAcknowledgment": "true", "includeHMAC": "true",
                "loggingEnabled": "true", "deliveryMode": "SIM",
                "eventData": {"version": "restv2.1", "format": "json"},
                "events": sorted(OUTCOMES),
            },
            "status": "sent",
        }

    def send(self, pack: Pack) -> str:
        """The envelope made for the pack before (found by its custom field), else a new one."""
        return self.find(pack.key, pack.requested_on) or self._create(pack)

    def _call(self, method: str, path: str = "", params: dict | None = None, body: dict | None = None
              ) -> requests.Response:
        """One call to the envelopes API; a 401 (the token expired or was revoked early) fetches a
        new token and tries once more."""
        url = f"{self.base_url}/restapi/v2.1/accounts/{self.account_id}/envelopes{path}"
        for renew in (False, True):
            headers = {"Authorization": f"Bearer {self.auth.token(renew=renew)}", "Accept": "application/json"}
            try:
                response = requests.request(method, url, params=params, json=body, timeout=self.timeout,
                                            allow_redirects=False, headers=headers)
            except requests.RequestException as exc:
                raise ProviderUnavailable(f"{type(exc).__name__}: DocuSign could not be reached") from exc
            if response.status_code != 401 or isinstance(self.auth, StaticToken):
                break
        return response

    def find(self, key: str, requested_on: dt.date) -> str | None:
        """Envelopes: listStatusChanges, by the pack's custom field, since the day before it was asked for."""
        since = (requested_on - dt.timedelta(days=1)).isoformat()
        response = self._call("GET", params={"from_date": since, "custom_field": f"{PACK_FIELD}={key}"})
        if response.status_code != 200:
            raise ProviderUnavailable(f"HTTP {response.status_code}: {_error_code(response)}")
        found = [e.get("envelopeId") for e in _json(response).get("envelopes") or [] if e.get("envelopeId")]
        return str(found[0]) if found else None

    def _create(self, pack: Pack) -> str:
        response = self._call("POST", body=self.envelope(pack))
        if response.status_code != 201:
            raise ProviderUnavailable(f"HTTP {response.status_code}: {_error_code(response)}")
        envelope_id = _json(response).get("envelopeId")
        if not envelope_id:
            raise ProviderUnavailable("DocuSign answered without an envelope id")
        return str(envelope_id)

    def void(self, envelope_id: str, reason: str) -> None:
        """Envelopes: update with ``status: voided``. DocuSign voids only an envelope still out
        (sent or delivered): one completed, declined or voided already is refused with
        ``ENVELOPE_CANNOT_VOID_INVALID_STATE``, and left as it is (Connect tells what became of it)."""
        response = self._call("PUT", f"/{envelope_id}", body={"status": "voided", "voidedReason": reason[:200]})
        if response.status_code == 200 or (response.status_code == 400
                                           and _error_code(response) == CANNOT_VOID):
            return
        raise ProviderUnavailable(f"HTTP {response.status_code}: {_error_code(response)}")

    def verify(self, headers: Mapping[str, str], body: bytes) -> bool:
        return connect_verify(self.hmac_key, headers, body)


def _json(response: requests.Response) -> dict:
    try:
        found = response.json()
    except ValueError as exc:
        raise ProviderUnavailable(f"HTTP {response.status_code}: DocuSign's answer is not JSON") from exc
    if not isinstance(found, dict):
        raise ProviderUnavailable(f"HTTP {response.status_code}: DocuSign's answer is not an object")
    return found


def _oauth_error(response: requests.Response) -> str:
    """The OAuth server's ``error`` (``consent_required``, ``invalid_grant`` …)."""
    try:
        return str(response.json().get("error") or "no error")
    except (ValueError, AttributeError):
        return "no error"


def _error_code(response: requests.Response) -> str:
    """DocuSign's ``errorCode`` (not its message, which may quote what was sent)."""
    try:
        return str(response.json().get("errorCode") or "no error code")
    except (ValueError, AttributeError):
        return "no error code"


def configured() -> Provider:
    """The provider the settings choose (read each time: a test or an operator may change them)."""
    env = os.environ.get
    name = env("CASEWORK_ESIGN_PROVIDER", "embedded").strip().lower()
    if name == "docusign":
        timeout = float(env("CASEWORK_DOCUSIGN_TIMEOUT", "10"))
        public = env("CASEWORK_LETTINGS_PUBLIC_URL", "http://127.0.0.1:8003").rstrip("/")
        return DocuSign(base_url=env("CASEWORK_DOCUSIGN_BASE_URL", "https://demo.docusign.net"),
                        account_id=env("CASEWORK_DOCUSIGN_ACCOUNT_ID", ""),
                        auth=_docusign_auth(timeout), hmac_key=env("CASEWORK_DOCUSIGN_HMAC_KEY", ""),
                        callback_url=env("CASEWORK_ESIGN_CALLBACK_URL", f"{public}/sign-up-packs/callback"),
                        timeout=timeout)
    if name != "embedded":
        raise ValueError(f"CASEWORK_ESIGN_PROVIDER must be embedded or docusign, not {name!r}")
    return Embedded(env("CASEWORK_ESIGN_EMBEDDED_KEY", "") or _PROCESS_KEY)


def _docusign_auth(timeout: float) -> JwtGrant | StaticToken:
    """The JWT grant when an integration key is set, else the static access token."""
    env = os.environ.get
    integration_key = env("CASEWORK_DOCUSIGN_INTEGRATION_KEY", "")
    if not integration_key:
        return StaticToken(env("CASEWORK_DOCUSIGN_ACCESS_TOKEN", ""))
    key_file, key_pem = env("CASEWORK_DOCUSIGN_PRIVATE_KEY_FILE", ""), env("CASEWORK_DOCUSIGN_PRIVATE_KEY", "")

    def private_key() -> str:
        if key_file:
            with open(key_file, encoding="ascii") as pem:
                return pem.read()
        return key_pem.replace("\\n", "\n")  # a PEM in one line of an env file, its newlines written \n

    return JwtGrant(oauth_url=env("CASEWORK_DOCUSIGN_OAUTH_URL", "https://account-d.docusign.com"),
                    integration_key=integration_key, user_id=env("CASEWORK_DOCUSIGN_USER_ID", ""),
                    private_key=private_key, timeout=timeout)


@dataclass(frozen=True)
class Retries:
    """How often, and how far apart, sending (or voiding) a pack is tried: ``CASEWORK_ESIGN_MAX_ATTEMPTS`` (5) and
    ``CASEWORK_ESIGN_RETRY_SECONDS`` (30, doubling after each failure)."""

    max_attempts: int
    retry_seconds: float

    @classmethod
    def from_env(cls) -> Retries:
        return cls(max_attempts=int(os.environ.get("CASEWORK_ESIGN_MAX_ATTEMPTS", "5")),
                   retry_seconds=float(os.environ.get("CASEWORK_ESIGN_RETRY_SECONDS", "30")))
