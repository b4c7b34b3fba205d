"""OpenID Connect authorization-code sign-in (Authlib), against the provider the APIs trust.

The provider's ID token says who signed in (Authlib checks its signature, issuer, audience and
nonce); the access token it gives with it is checked by the kernel's ``TokenVerifier`` exactly as
the APIs check a bearer token (keys from ``CASEWORK_JWKS_URL``, issuer, audience, roles), and its
roles are the officer's. The state and nonce wait in the signed session cookie between the
redirect and the callback.
"""

from __future__ import annotations

from authlib.integrations.flask_client import OAuth
from flask import Flask

from .settings import PagesSettings

CLIENT = "casework"


def register(app: Flask, settings: PagesSettings) -> OAuth | None:
    """The provider's client on ``app`` (None when no provider is configured)."""
    if not (settings.oidc_issuer and settings.oidc_client_id):
        return None
    oauth = OAuth(app)
    oauth.register(
        CLIENT, client_id=settings.oidc_client_id, client_secret=settings.oidc_client_secret,
        server_metadata_url=f"{settings.oidc_issuer}/.well-known/openid-configuration",
        client_kwargs={"scope": settings.oidc_scope, "code_challenge_method": "S256"},
    )
    return oauth
