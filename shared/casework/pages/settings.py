"""The pages' settings, from the environment (one documented default each).

``CASEWORK_SESSION_SECRET``          signs the sign-in cookie; the same on every service (one sign-in
                                     for all four). Default in development: derived from the JWT
                                     secret; in production it must be set, or pages answer 503.
``CASEWORK_SESSION_HOURS``           how long a sign-in lasts (default 8: a working day).
``CASEWORK_SESSION_COOKIE_SECURE``   ``true``/``false``; default true except in development.
``CASEWORK_SESSION_COOKIE_DOMAIN``   the domain the cookie is sent to, e.g. ``.casework.example.gov.uk``
                                     when the services have host names of their own (default: none,
                                     the host only; cookies ignore ports, so locally one cookie serves
                                     all four services on 127.0.0.1).
``CASEWORK_SIGNIN_SERVICE``          the service whose ``/app/sign-in`` signs officers in; the others
                                     send officers there (default ``notifications``, which keeps the
                                     directory the development sign-in picks from).
``CASEWORK_DEV_SIGNIN``              ``true``/``false``: pick any officer from the directory. Default
                                     on in development; never on outside it.
``CASEWORK_OIDC_ISSUER``             production: the OpenID provider's issuer URL (its discovery
                                     document is ``<issuer>/.well-known/openid-configuration``); the
                                     access token it gives must be one the APIs take (``CASEWORK_JWKS_URL``,
                                     issuer, audience, roles). Default empty: no OpenID sign-in.
``CASEWORK_OIDC_CLIENT_ID`` / ``CASEWORK_OIDC_CLIENT_SECRET``   Casework's client at that provider.
``CASEWORK_OIDC_SCOPE``              default ``openid profile``.
``CASEWORK_<SERVICE>_PUBLIC_URL``    each service's public base URL: the service navigation links to
                                     it, and sign-in returns only to these (``casework.settings``).

Development is decided as the APIs decide it: no ``CASEWORK_JWKS_URL`` (only development tokens
signed with the shared JWT secret are taken). ``casework run`` and ``casework up`` are development.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field

from casework.settings import Settings

#: The services whose pages share the sign-in, with their default ports (``Service.port``).
SERVICE_PORTS = {"intake": 8001, "sustainment": 8002, "lettings": 8003, "notifications": 8004}


def flag(value: str | None, *, default: bool) -> bool:
    if value is None or not value.strip():
        return default
    return value.strip().lower() in ("1", "true", "yes", "on")


def public_urls(environ: Mapping[str, str]) -> dict[str, str]:
    """Each service's public base URL (``CASEWORK_<SERVICE>_PUBLIC_URL``), without a trailing slash."""
    return {name: environ.get(f"CASEWORK_{name.upper()}_PUBLIC_URL", f"http://127.0.0.1:{port}").rstrip("/")
            for name, port in SERVICE_PORTS.items()}


@dataclass(frozen=True)
class PagesSettings:
    service: str
    development: bool
    dev_signin: bool
    session_secret: str
    secure_cookie: bool
    cookie_domain: str | None
    lifetime: dt.timedelta
    signin_service: str
    public_urls: dict[str, str] = field(default_factory=dict)
    oidc_issuer: str = ""
    oidc_client_id: str = ""
    oidc_client_secret: str = ""
    oidc_scope: str = "openid profile"

    @classmethod
    def from_env(cls, settings: Settings, environ: Mapping[str, str]) -> PagesSettings:
        development = not settings.jwks_url
        secret = environ.get("CASEWORK_SESSION_SECRET", "")
        if not secret and development:
            secret = hashlib.sha256(f"casework-pages-session:{settings.jwt_secret}".encode()).hexdigest()
        return cls(
            service=settings.service,
            development=development,
            # Picking any officer is for development only: never where real tokens are checked (JWKS).
            dev_signin=development and flag(environ.get("CASEWORK_DEV_SIGNIN"), default=True),
            session_secret=secret,
            secure_cookie=flag(environ.get("CASEWORK_SESSION_COOKIE_SECURE"), default=not development),
            cookie_domain=environ.get("CASEWORK_SESSION_COOKIE_DOMAIN") or None,
            lifetime=dt.timedelta(hours=float(environ.get("CASEWORK_SESSION_HOURS", "8"))),
            signin_service=environ.get("CASEWORK_SIGNIN_SERVICE", "notifications"),
            public_urls=public_urls(environ),
            oidc_issuer=environ.get("CASEWORK_OIDC_ISSUER", "").rstrip("/"),
            oidc_client_id=environ.get("CASEWORK_OIDC_CLIENT_ID", ""),
            oidc_client_secret=environ.get("CASEWORK_OIDC_CLIENT_SECRET", ""),
            oidc_scope=environ.get("CASEWORK_OIDC_SCOPE", "openid profile"),
        )

    @property
    def signs_in_here(self) -> bool:
        return self.service == self.signin_service

    @property
    def signin_url(self) -> str:
        return f"{self.public_urls.get(self.signin_service, '')}/app/sign-in"
