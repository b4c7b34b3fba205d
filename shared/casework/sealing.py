"""Sealed event data: the personal part of an event, readable only by the one service that needs it.

Most events carry references, and every service's events reach notifications. Where one consumer
needs a person's details to act (sustainment opening a case from ``referral.accepted`` or
``tenancy.started``), the producer seals that part for it: the bus, the broker's queues and
tools, parking queues, other consumers and anything bound with ``#`` see only ciphertext.

The scheme is public-key, so a producer can seal but never open: HPKE (RFC 9180, base mode) from
the ``cryptography`` library, suite DHKEM(X25519, HKDF-SHA256), HKDF-SHA256, AES-256-GCM, with
the recipient's name in its ``info``. A sealed value reads ``sealed.v1.<key id>.<base64url(HPKE
encapsulated key | ciphertext)>``; the key id (the first 8 bytes of the public key's SHA-256, in
hex) names the private key that opens it, so keys rotate without a flag day.

Keys, for a recipient ``sustainment`` (raw 32-byte X25519 keys, base64url; ``casework
sealing-keys`` makes a pair):

``CASEWORK_SUSTAINMENT_SEALING_PUBLIC_KEY``  given to producers: the key they seal with
``CASEWORK_SUSTAINMENT_SEALING_KEYS``        the recipient's private keys, comma-separated (the
                                             current one and any it still has to open)

Without them a development pair derived from the recipient's name is used, as the development JWT
secret is: fine for embedded mode and tests, never for a council's data.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import json
import os
from typing import Any

import marshmallow as ma
from cryptography.hazmat.primitives import hpke
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat, PublicFormat

PREFIX = "sealed.v1."
_SUITE = hpke.Suite(hpke.KEM.X25519, hpke.KDF.HKDF_SHA256, hpke.AEAD.AES_256_GCM)


class SealingError(ValueError):
    """A sealed value this process cannot open: not sealed, no key with its id, or tampered with."""


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _raw(public: X25519PublicKey) -> bytes:
    return public.public_bytes(Encoding.Raw, PublicFormat.Raw)


def key_id(public: X25519PublicKey) -> str:
    return hashlib.sha256(_raw(public)).hexdigest()[:16]


def _development_key(recipient: str) -> X25519PrivateKey:
    return X25519PrivateKey.from_private_bytes(hashlib.sha256(f"casework-development-sealing:{recipient}".encode())
                                               .digest())


def new_key_pair() -> tuple[str, str]:
    """A fresh (private, public) pair, each base64url, for the two settings above."""
    private = X25519PrivateKey.generate()
    raw = private.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())
    return _b64(raw), _b64(_raw(private.public_key()))


@functools.lru_cache(maxsize=32)
def _public_key(recipient: str, configured: str) -> X25519PublicKey:
    if not configured:
        return _development_key(recipient).public_key()
    return X25519PublicKey.from_public_bytes(_unb64(configured.strip()))


@functools.lru_cache(maxsize=32)
def _private_keys(recipient: str, configured: str) -> dict[str, X25519PrivateKey]:
    keys = [X25519PrivateKey.from_private_bytes(_unb64(k.strip())) for k in configured.split(",") if k.strip()]
    keys = keys or [_development_key(recipient)]
    return {key_id(k.public_key()): k for k in keys}


def check_settings(environ: dict[str, str] | None = None) -> None:
    """Refuse to start with a sealing key that cannot be read (a template's ``CHANGE-ME``, a
    truncated paste): otherwise every event that seals would fail when sent, and every sealed
    value fail when opened, long after the deploy. Called when an api or a worker starts."""
    environ = os.environ if environ is None else environ
    for name, value in sorted(environ.items()):
        if not (name.startswith("CASEWORK_") and name.endswith(("_SEALING_PUBLIC_KEY", "_SEALING_KEYS"))):
            continue
        recipient = name.removeprefix("CASEWORK_").rsplit("_SEALING_", 1)[0].lower()
        try:
            if name.endswith("_PUBLIC_KEY"):
                _public_key.__wrapped__(recipient, value)
            else:
                _private_keys.__wrapped__(recipient, value)
        except Exception:
            raise RuntimeError(f"{name} is not a base64url X25519 key: make a pair with "
                               f"`casework sealing-keys --for {recipient}`") from None


def _setting(recipient: str, name: str) -> str:
    return os.environ.get(f"CASEWORK_{recipient.upper()}_{name}", "")


def _info(recipient: str) -> bytes:
    # Binds the sealed value to its recipient's name as well as its key.
    return f"casework sealed event data v1 for {recipient}".encode()


def seal(value: Any, *, to: str) -> str:
    """``value`` (JSON-able) sealed so that only ``to`` can open it."""
    recipient = _public_key(to, _setting(to, "SEALING_PUBLIC_KEY"))
    sealed = _SUITE.encrypt(json.dumps(value, separators=(",", ":")).encode(), recipient, info=_info(to))
    return f"{PREFIX}{key_id(recipient)}.{_b64(sealed)}"


def unseal(sealed: str, *, to: str) -> Any:
    """Open a value sealed for ``to`` with one of its private keys; ``SealingError`` if it cannot."""
    if not isinstance(sealed, str) or not sealed.startswith(PREFIX) or sealed.count(".") != 3:
        raise SealingError("not a sealed value")
    kid, body = sealed[len(PREFIX):].split(".")
    private = _private_keys(to, _setting(to, "SEALING_KEYS")).get(kid)
    if private is None:
        raise SealingError(f"no private key of {to} has id {kid}")
    try:
        return json.loads(_SUITE.decrypt(_unb64(body), private, info=_info(to)))
    except Exception as exc:  # InvalidTag: altered, or sealed for someone else
        raise SealingError(f"the sealed value does not open with {to}'s key {kid}") from exc


class Sealed(ma.fields.Field):
    """A contract field whose value travels sealed for one consumer.

    Producers pass the plain value; the catalogue validates it against ``schema`` and seals it.
    Loading an event leaves it sealed (every consumer loads every field); the one consumer opens
    it with ``catalogue.unseal(type, data, name)``.
    """

    def __init__(self, schema: type[ma.Schema], *, to: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.schema, self.to = schema, to

    def _serialize(self, value: Any, attr: str | None, obj: Any, **kwargs: Any) -> str | None:
        if value is None:
            return None
        inner = self.schema()
        dumped = inner.dump(value)
        errors = inner.validate(dumped)
        if errors:
            raise ma.ValidationError({attr or "sealed": errors})
        return seal(dumped, to=self.to)

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str:
        if not isinstance(value, str) or not value.startswith(PREFIX):
            raise ma.ValidationError(f"Must be a value sealed for {self.to}.")
        return value

    def open(self, sealed: str) -> dict[str, Any]:
        """The recipient's view: the value opened and loaded by its schema."""
        return self.schema().load(unseal(sealed, to=self.to))
