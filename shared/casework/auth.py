"""Bearer-token authentication and role checks.

Development: HS256 tokens signed with ``CASEWORK_JWT_SECRET`` (``casework token`` mints them).
Production: RS256 tokens verified against the keys at ``CASEWORK_JWKS_URL``. ``exp``, ``iss``
and ``aud`` are always checked; ``alg: none`` and any algorithm but the configured one are
refused. Roles: referrer, intake_officer, sustainment_officer, lettings_officer,
team_leader, admin, service, and the front-line housing_officer, income_officer and asb_officer
(who raise referrals). ``admin`` may do everything.
"""

from __future__ import annotations

import datetime as dt
import functools
import time
from collections.abc import Callable, Iterable
from copy import deepcopy
from typing import Any

import jwt
from flask import g

from casework import context
from casework.context import Principal
from casework.problems import abort

#: Front-line officers outside Casework's teams (housing, income, anti-social behaviour) who see a
#: tenant at risk first and raise referrals.
FRONT_LINE_ROLES = ("housing_officer", "income_officer", "asb_officer")
ROLES = (
    "referrer", "intake_officer", "sustainment_officer", "lettings_officer", "team_leader", "admin", "service",
    "importer", *FRONT_LINE_ROLES,
)
OFFICER_ROLES = ("intake_officer", "sustainment_officer", "lettings_officer", "team_leader", "admin",
                 *FRONT_LINE_ROLES)


class AuthError(Exception):
    """The token is missing, malformed, expired or not ours."""


class KeysUnavailable(Exception):
    """The identity provider's signing keys could not be fetched: the token may well be good,
    so the caller is told to try again (503), not that its token is bad (401)."""


class TokenVerifier:
    def __init__(self, *, secret: str = "", jwks_url: str = "", issuer: str = "casework",
                 audience: str = "casework") -> None:
        self.secret = secret
        self.issuer = issuer
        self.audience = audience
        # Keys are fetched again every five minutes, and for a key id not seen yet; a fetch waits
        # 5 s at most (PyJWT's default is 30, gunicorn's whole request timeout).
        self.jwks = jwt.PyJWKClient(jwks_url, cache_keys=True, lifespan=300, timeout=5) if jwks_url else None
        #: Tokens already verified, until they expire: a front-line system sends the same token
        #: with every request, and checking its signature and claims each time cost a tenth of
        #: POST /referrals. Bounded: emptied when it holds ``CACHE_SIZE`` tokens.
        self._verified: dict[str, tuple[Principal, float]] = {}

    @classmethod
    def from_settings(cls, settings: Any) -> TokenVerifier:
        return cls(secret=settings.jwt_secret, jwks_url=settings.jwks_url,
                   issuer=settings.jwt_issuer, audience=settings.jwt_audience)

    CACHE_SIZE = 1024
    LEEWAY_SECONDS = 30
    #: The longest a token may have left to live: longer than any identity provider issues (and
    #: than ``casework token`` mints), short enough that a leaked token dies.
    MAX_LIFETIME_SECONDS = 7 * 24 * 3600
    SUB_MAX_LENGTH = 200

    def verify(self, token: str) -> Principal:
        found = self._verified.get(token)
        if found is not None and time.time() < found[1]:
            return found[0]
        principal, expires = self._verify(token)
        if len(self._verified) >= self.CACHE_SIZE:
            self._verified.clear()
        self._verified[token] = (principal, expires)
        return principal

    def _verify(self, token: str) -> tuple[Principal, float]:
        try:
            if self.jwks is not None:
                key: Any = self.jwks.get_signing_key_from_jwt(token).key
                algorithms = ["RS256"]
            else:
                key, algorithms = self.secret, ["HS256"]
            claims = jwt.decode(
                token, key, algorithms=algorithms, audience=self.audience, issuer=self.issuer,
                options={"require": ["exp", "iss", "aud", "sub"]}, leeway=self.LEEWAY_SECONDS,
            )
        except jwt.PyJWKClientConnectionError as exc:
            raise KeysUnavailable(str(exc)) from None
        except (jwt.PyJWTError, ValueError) as exc:
            raise AuthError(str(exc)) from None
        roles = claims.get("roles", [])
        if not isinstance(roles, list) or not all(isinstance(r, str) for r in roles):
            raise AuthError("roles must be a list of strings")
        sub, exp = claims["sub"], claims["exp"]
        # PyJWT reads a string exp with int() and takes any number: "9999999999" and 1e20 made
        # tokens that never expire, and an empty sub a principal no audit line can name.
        if not isinstance(sub, str) or not sub.strip() or len(sub) > self.SUB_MAX_LENGTH:
            raise AuthError("sub must be a non-empty string")
        if isinstance(exp, bool) or not isinstance(exp, int | float) or exp > time.time() + self.MAX_LIFETIME_SECONDS:
            raise AuthError("exp must be a number of seconds no more than a week ahead")
        principal = Principal(sub=sub, roles=frozenset(roles), name=str(claims.get("name", "")))
        return principal, float(exp) + self.LEEWAY_SECONDS


def mint(sub: str, roles: Iterable[str], *, secret: str, name: str = "", issuer: str = "casework",
         audience: str = "casework", lifetime: dt.timedelta = dt.timedelta(hours=12), **extra: Any) -> str:
    """A development HS256 token."""
    now = dt.datetime.now(dt.UTC)
    claims = {"sub": sub, "roles": sorted(set(roles)), "name": name or sub, "iss": issuer, "aud": audience,
              "iat": now, "exp": now + lifetime, **extra}
    return jwt.encode(claims, secret, algorithm="HS256")


def checks_own_token(view: Callable) -> Callable:
    """Mark a view that checks its own ``Authorization`` header: a provider's callback signed with
    a shared bearer token (GOV.UK Notify's), not a Casework token. The kernel leaves the header to
    the view, which must refuse a wrong one itself (401); no principal is set. OpenAPI marks the
    operation ``x-checks-own-token``, secured by ``callbackToken``."""
    view.checks_own_token = True  # type: ignore[attr-defined]
    view._apidoc = deepcopy(getattr(view, "_apidoc", {}))  # type: ignore[attr-defined]
    manual = view._apidoc.setdefault("manual_doc", {})  # type: ignore[attr-defined]
    manual["x-checks-own-token"] = True
    manual["security"] = [{"callbackToken": []}]
    responses = view._apidoc.setdefault("response", {}).setdefault("responses", {})  # type: ignore[attr-defined]
    if "UNAUTHORIZED" not in responses.setdefault(401, []):
        responses[401].append("UNAUTHORIZED")
    return view


def current() -> Principal:
    return context.principal.get()


def roles(*allowed: str) -> Callable:
    """Require a verified token with one of ``allowed`` (``admin`` always passes).

    Put it outermost on a view method so a caller without a token gets 401 before its
    body is even read. It also documents the roles and the 401/403 answers in OpenAPI.
    """
    def decorator(view: Callable) -> Callable:
        @functools.wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            if getattr(g, "principal", None) is None:
                abort(401, "A bearer token is required.")
            if not g.principal.has_any(*allowed):
                abort(403, "Your role does not allow this.")
            return view(*args, **kwargs)

        wrapper._apidoc = deepcopy(getattr(wrapper, "_apidoc", {}))  # type: ignore[attr-defined]
        manual = wrapper._apidoc.setdefault("manual_doc", {})  # type: ignore[attr-defined]
        manual["security"] = [{"bearerAuth": []}]
        manual["x-roles"] = sorted(set(allowed) | {"admin"})
        responses = wrapper._apidoc.setdefault("response", {}).setdefault("responses", {})  # type: ignore[attr-defined]
        for status, name in ((401, "UNAUTHORIZED"), (403, "FORBIDDEN")):
            if name not in responses.setdefault(status, []):
                responses[status].append(name)
        wrapper.allowed_roles = tuple(sorted(set(allowed) | {"admin"}))  # type: ignore[attr-defined]
        return wrapper

    return decorator
