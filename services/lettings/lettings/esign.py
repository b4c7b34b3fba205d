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
  (``-2`` … while keys rotate); the key is ``CASEWORK_DOCUSIGN_HMAC_KEY``. Authentication: an
  access token from ``CASEWORK_DOCUSIGN_ACCESS_TOKEN``. In production that token comes from
  DocuSign's OAuth JWT grant, which is not done here: whatever renews it puts it in the setting.
  Before creating an envelope it looks for one already made for the pack (``GET …/envelopes`` with
  ``custom_field``), so a send whose answer was lost is not sent twice.

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
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Protocol

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

    def callback(self, envelope_id: str, event: str) -> tuple[dict[str, str], bytes]:
        """The signed callback a provider would send: its headers and raw body."""
        body = connect_message(event, envelope_id)
        return {"Content-Type": "application/json", SIGNATURE_HEADER.format(n=1): connect_signature(self.key, body)}, body


class DocuSign:
    """DocuSign's eSignature REST API v2.1: one envelope per pack, Connect callbacks signed with HMAC."""

    name = "docusign"
    needs_email = True

    def __init__(self, *, base_url: str, account_id: str, access_token: str, hmac_key: str, callback_url: str,
                 timeout: float = 10) -> None:
        self.base_url = base_url.rstrip("/")
        self.account_id = account_id
        self.access_token = access_token
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
        return self._already_sent(pack) or self._create(pack)

    def _call(self, method: str, params: dict | None = None, body: dict | None = None) -> requests.Response:
        url = f"{self.base_url}/restapi/v2.1/accounts/{self.account_id}/envelopes"
        try:
            return requests.request(method, url, params=params, json=body, timeout=self.timeout,
                                    allow_redirects=False, headers={"Authorization": f"Bearer {self.access_token}",
                                                                    "Accept": "application/json"})
        except requests.RequestException as exc:
            raise ProviderUnavailable(f"{type(exc).__name__}: DocuSign could not be reached") from exc

    def _already_sent(self, pack: Pack) -> str | None:
        """Envelopes: listStatusChanges, by the pack's custom field, since the day before it was asked for."""
        since = (pack.requested_on - dt.timedelta(days=1)).isoformat()
        response = self._call("GET", params={"from_date": since, "custom_field": f"{PACK_FIELD}={pack.key}"})
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


def _error_code(response: requests.Response) -> str:
    """DocuSign's ``errorCode`` (not its message, which may quote what was sent)."""
    try:
        return str(response.json().get("errorCode") or "no error code")
    except ValueError:
        return "no error code"


def configured() -> Provider:
    """The provider the settings choose (read each time: a test or an operator may change them)."""
    env = os.environ.get
    name = env("CASEWORK_ESIGN_PROVIDER", "embedded").strip().lower()
    if name == "docusign":
        public = env("CASEWORK_LETTINGS_PUBLIC_URL", "http://127.0.0.1:8003").rstrip("/")
        return DocuSign(base_url=env("CASEWORK_DOCUSIGN_BASE_URL", "https://demo.docusign.net"),
                        account_id=env("CASEWORK_DOCUSIGN_ACCOUNT_ID", ""),
                        access_token=env("CASEWORK_DOCUSIGN_ACCESS_TOKEN", ""),
                        hmac_key=env("CASEWORK_DOCUSIGN_HMAC_KEY", ""),
                        callback_url=env("CASEWORK_ESIGN_CALLBACK_URL", f"{public}/sign-up-packs/callback"),
                        timeout=float(env("CASEWORK_DOCUSIGN_TIMEOUT", "10")))
    if name != "embedded":
        raise ValueError(f"CASEWORK_ESIGN_PROVIDER must be embedded or docusign, not {name!r}")
    return Embedded(env("CASEWORK_ESIGN_EMBEDDED_KEY", "") or _PROCESS_KEY)


@dataclass(frozen=True)
class Retries:
    """How often, and how far apart, sending a pack is tried: ``CASEWORK_ESIGN_MAX_ATTEMPTS`` (5) and
    ``CASEWORK_ESIGN_RETRY_SECONDS`` (30, doubling after each failure)."""

    max_attempts: int
    retry_seconds: float

    @classmethod
    def from_env(cls) -> Retries:
        return cls(max_attempts=int(os.environ.get("CASEWORK_ESIGN_MAX_ATTEMPTS", "5")),
                   retry_seconds=float(os.environ.get("CASEWORK_ESIGN_RETRY_SECONDS", "30")))
