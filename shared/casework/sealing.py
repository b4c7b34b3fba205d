"""Sealed event data: the personal part of an event, readable only by the one service that needs it.

Most events carry references, and every service's events reach notifications. Where one consumer
needs a person's details to act (sustainment opening a case from ``referral.accepted`` or
``tenancy.started``), the producer seals that part for it: the bus, the broker's queues and
tools, parking queues, other consumers and anything bound with ``#`` see only ciphertext.

The scheme is public-key, so a producer can seal but never open: an ephemeral X25519 key
agreement with the recipient's public key, HKDF-SHA256, then AES-256-GCM with the recipient's
name as associated data. A sealed value reads ``sealed.v1.<key id>.<base64url(ephemeral public
key | nonce | ciphertext)>``; the key id (the first 8 bytes of the public key's SHA-256, in hex)
names the private key that opens it, so keys rotate without a flag day.

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
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat, PublicFormat

PREFIX = "sealed.v1."
_INFO = b"casework sealed event data v1"


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


def _setting(recipient: str, name: str) -> str:
    return os.environ.get(f"CASEWORK_{recipient.upper()}_{name}", "")


def _aead_key(shared: bytes, ephemeral: bytes, recipient_public: bytes) -> AESGCM:
    # The salt binds the key to both public keys, as in ECIES/HPKE.
    derived = HKDF(algorithm=hashes.SHA256(), length=32, salt=ephemeral + recipient_public, info=_INFO)
    return AESGCM(derived.derive(shared))


def seal(value: Any, *, to: str) -> str:
    """``value`` (JSON-able) sealed so that only ``to`` can open it."""
    recipient = _public_key(to, _setting(to, "SEALING_PUBLIC_KEY"))
    ephemeral = X25519PrivateKey.generate()
    ephemeral_public = _raw(ephemeral.public_key())
    nonce = os.urandom(12)
    box = _aead_key(ephemeral.exchange(recipient), ephemeral_public, _raw(recipient))
    ciphertext = box.encrypt(nonce, json.dumps(value, separators=(",", ":")).encode(), to.encode())
    return f"{PREFIX}{key_id(recipient)}.{_b64(ephemeral_public + nonce + ciphertext)}"


def unseal(sealed: str, *, to: str) -> Any:
    """Open a value sealed for ``to`` with one of its private keys; ``SealingError`` if it cannot."""
    if not isinstance(sealed, str) or not sealed.startswith(PREFIX) or sealed.count(".") != 3:
        raise SealingError("not a sealed value")
    kid, body = sealed[len(PREFIX):].split(".")
    private = _private_keys(to, _setting(to, "SEALING_KEYS")).get(kid)
    if private is None:
        raise SealingError(f"no private key of {to} has id {kid}")
    raw = _unb64(body)
    ephemeral_public, nonce, ciphertext = raw[:32], raw[32:44], raw[44:]
    box = _aead_key(private.exchange(X25519PublicKey.from_public_bytes(ephemeral_public)), ephemeral_public,
                    _raw(private.public_key()))
    try:
        return json.loads(box.decrypt(nonce, ciphertext, to.encode()))
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
