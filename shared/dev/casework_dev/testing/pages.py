"""Signing in to the officers' pages from a test, through Flask's test client or HTTP.

``sign_in(client, "o-tso")`` signs in with the development sign-in (on the service that keeps the
directory: notifications) and returns the response; ``csrf(page)`` is the CSRF token a page's
forms carry, for posting forms by hand. The cookie it sets is the one every service takes.
"""

from __future__ import annotations

import re

COOKIE = "casework_session"


def csrf(page: str) -> str:
    """The CSRF token in a page's forms."""
    found = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page) or \
        re.search(r'value="([^"]+)"[^>]*name="csrf_token"', page)
    assert found, "the page has no form with a CSRF token"
    return found.group(1)


def sign_in(client, officer_id: str, *, next_url: str | None = None):
    """Development sign-in as ``officer_id`` with a Flask test client; returns the 303 response."""
    page = client.get("/app/sign-in" + (f"?next={next_url}" if next_url else "")).get_data(as_text=True)
    answer = client.post("/app/sign-in/development", data={"officer": officer_id, "csrf_token": csrf(page)})
    assert answer.status_code == 303, answer.get_data(as_text=True)[:2000]
    return answer


def sign_in_over_http(session, signin_base: str, officer_id: str, *, next_url: str | None = None):
    """The same with a ``requests.Session`` against a real server at ``signin_base``."""
    page = session.get(f"{signin_base}/app/sign-in", params={"next": next_url} if next_url else None).text
    answer = session.post(f"{signin_base}/app/sign-in/development", allow_redirects=False,
                          data={"officer": officer_id, "csrf_token": csrf(page)})
    assert answer.status_code == 303, answer.text[:2000]
    return answer


def cookie_for(app, sub: str, *roles: str, name: str = "", hours: float = 1) -> str:
    """The sign-in cookie's value for an officer, signed as ``app`` signs it (every service with the
    same session secret takes it): for a service whose tests have no directory to pick from."""
    import time

    from flask.sessions import SessionMixin

    class _Session(dict, SessionMixin):
        pass

    content = _Session(officer={"sub": sub, "name": name or sub, "roles": sorted(roles), "sid": "test",
                                "ends": int(time.time() + hours * 3600)})
    return app.session_interface.get_signing_serializer(app).dumps(dict(content))


def sign_in_as(client, sub: str, *roles: str, name: str = "") -> None:
    """Sign a Flask test client in as an officer with ``roles`` (no sign-in page needed)."""
    client.set_cookie(COOKIE, cookie_for(client.application, sub, *roles, name=name))
