"""Every endpoint × every role: allowed or refused exactly as its OpenAPI ``x-roles`` declares.

The roles decorator is outermost on every view, so a refused role is 403 before its body is
read; an allowed role may get any answer but 401, 403 or a 5xx (404 for a made-up id, 422 for
an empty body, 2xx where nothing is needed).
"""

import re
import uuid

import pytest

from casework.auth import ROLES
from casework_dev.testing import bearer

SERVICES = ["intake", "lettings", "notifications", "sustainment"]
PUBLIC = {"/healthz", "/readyz", "/metrics", "/openapi.json",
          # An agency's secure link: the token in the path is its only credential (no Casework
          # account); a forged or unknown token is refused
          # (tests/sustainment/integration/test_agency_link_page.py).
          "/agency-links/{token}", "/agency-links/{token}/response"}
PATH_VALUES = {"slug": "intake", "kind": "offer"}


def operations(client, *, own_token: bool = False) -> list[tuple[str, str, list[str]]]:
    """Each operation's method, path and roles; those that check their own token (a provider's
    callback, ``x-checks-own-token``) only when ``own_token``, and only they."""
    spec = client.get("/openapi.json").json
    found = []
    for path, item in spec["paths"].items():
        for method, op in item.items():
            if method in ("get", "post", "put", "patch", "delete") and \
                    bool(op.get("x-checks-own-token")) == own_token:
                found.append((method, path, op.get("x-roles")))
    return found


def concrete(path: str) -> str:
    return re.sub(r"\{(\w+)\}", lambda m: PATH_VALUES.get(m.group(1), str(uuid.uuid4())), path)


def call(client, method: str, path: str, headers: dict):
    kwargs = {"json": {}} if method in ("post", "put", "patch") else {}
    return getattr(client, method)(path, headers=headers, **kwargs)


@pytest.mark.parametrize("name", SERVICES)
def test_every_operation_declares_its_roles(harnesses, name):
    ops = operations(harnesses(name).client)
    assert ops
    undeclared = [(m, p) for m, p, roles in ops if not roles and p not in PUBLIC]
    assert undeclared == []


@pytest.mark.parametrize("name", SERVICES)
def test_each_role_is_allowed_or_refused_as_declared(harnesses, name):
    client = harnesses(name).client
    wrong = []
    for method, path, allowed in operations(client):
        if not allowed:
            continue
        url = concrete(path)
        anonymous = call(client, method, url, {})
        if anonymous.status_code != 401:
            wrong.append((method, path, "no token", anonymous.status_code))
        for role in ROLES:
            status = call(client, method, url, bearer(f"matrix-{role}", role)).status_code
            if role in allowed:
                if status in (401, 403) or status >= 500:
                    wrong.append((method, path, role, status))
            elif status != 403:
                wrong.append((method, path, role, status))
    assert wrong == []


@pytest.mark.parametrize("name", SERVICES)
def test_a_callback_that_checks_its_own_token_refuses_every_casework_token(harnesses, name):
    client = harnesses(name).client
    wrong = []
    for method, path, _roles in operations(client, own_token=True):
        url = concrete(path)
        for headers in ({}, *(bearer(f"matrix-{role}", role) for role in ROLES)):
            status = call(client, method, url, headers).status_code
            if status != 401:
                wrong.append((method, path, headers, status))
    assert wrong == []
