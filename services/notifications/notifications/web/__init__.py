"""The officers' web inbox: a server-rendered page at ``/inbox`` beside the API.

Settings (environment; see ``services/notifications/README.md``):

``CASEWORK_SESSION_SECRET``         signs the inbox's session cookie. Default in development (no
                                    ``CASEWORK_JWKS_URL``): derived from the JWT secret; in production
                                    it must be set, or the inbox answers 503.
``CASEWORK_DEV_SIGNIN``             ``true``/``false``: the page that signs you in as any officer in the
                                    directory. Default: on only in development;
                                    never on when ``CASEWORK_JWKS_URL`` is set.
``CASEWORK_SESSION_COOKIE_SECURE``  ``true``/``false``; default: true except in development.
``CASEWORK_INBOX_POLL_SECONDS``     how often an open inbox page asks for new tasks (default 5).
``CASEWORK_INBOX_PAGES_PER_OFFICER`` how many open pages' polls one officer may make (default 4);
                                    more is 429.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Mapping
from dataclasses import dataclass

from flask import Flask

from casework.settings import Settings

EXTENSION = "notifications_inbox"


@dataclass(frozen=True)
class InboxSettings:
    development: bool
    dev_signin: bool
    session_secret: str
    secure_cookie: bool
    poll_seconds: float = 5.0
    pages_per_officer: int = 4

    @classmethod
    def from_env(cls, settings: Settings, environ: Mapping[str, str]) -> InboxSettings:
        development = not settings.jwks_url
        secret = environ.get("CASEWORK_SESSION_SECRET", "")
        if not secret and development:
            secret = hashlib.sha256(f"casework-inbox-session:{settings.jwt_secret}".encode()).hexdigest()
        return cls(
            development=development,
            # Picking any officer is for development only: never where real tokens are checked (JWKS).
            dev_signin=development and _flag(environ.get("CASEWORK_DEV_SIGNIN"), default=True),
            session_secret=secret,
            secure_cookie=_flag(environ.get("CASEWORK_SESSION_COOKIE_SECURE"), default=not development),
            poll_seconds=float(environ.get("CASEWORK_INBOX_POLL_SECONDS", "5")),
            pages_per_officer=int(environ.get("CASEWORK_INBOX_PAGES_PER_OFFICER", "4")),
        )


def _flag(value: str | None, *, default: bool) -> bool:
    if value is None or not value.strip():
        return default
    return value.strip().lower() in ("1", "true", "yes", "on")


def install(app: Flask) -> None:
    """Add the inbox pages to the notifications api (``Service.configure_app``)."""
    from . import pages, signin, updates  # noqa: F401  (they add their routes to the blueprint)
    from .blueprint import blueprint

    settings: Settings = app.extensions["casework"].settings
    inbox = InboxSettings.from_env(settings, os.environ)
    app.extensions[EXTENSION] = inbox
    if inbox.session_secret:
        app.secret_key = inbox.session_secret
    app.config.update(
        SESSION_COOKIE_NAME="casework_inbox",
        SESSION_COOKIE_PATH="/inbox",
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=inbox.secure_cookie,
    )
    app.register_blueprint(blueprint)
