"""Who may see a page: ``officer_page`` on every page view, and the kernel's HTML answers.

A page view is a plain function taking the signed-in officer first::

    @blueprint.get("/app/referrals")
    @officer_page("intake_officer", "team_leader")
    def referrals(me: Principal): ...

Without a sign-in a browser is sent to sign in (and back afterwards); a role the page does not
name gets the 403 page (``admin`` always passes); a page's own script asking for JSON gets 401.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from flask import current_app, redirect, render_template, request

from casework.auth import OFFICER_ROLES

from .settings import PagesSettings
from .signin import signed_in

EXTENSION = "casework_pages"


def pages_settings() -> PagesSettings:
    return current_app.extensions[EXTENSION].settings


def render(template: str, status: int = 200, **values: Any):
    """A page (any template extending ``casework/base.html``) and its status."""
    return render_template(template, **values), status


def wants_json() -> bool:
    """The page's own script asking (``Accept: application/json``), not a browser's navigation."""
    return request.accept_mimetypes.best == "application/json"


def prefers_html() -> bool:
    """A browser's navigation (it asks for ``text/html`` before JSON), not an API client (JSON, ``*/*``
    or no ``Accept`` at all)."""
    return request.accept_mimetypes.best_match(["application/json", "text/html"]) == "text/html"


def link_page(view: Callable) -> Callable:
    """Make a view a page for someone with no Casework account who was sent a secret link (an
    agency): the link's token is the authority, checked by the view's use case (an unknown token is
    the 404 page), so no sign-in. Like every page it answers a browser's errors as pages, sends the
    security headers and has its form posts CSRF-checked (on the anonymous session cookie); its
    layout has no navigation and no officer."""

    @functools.wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        if not pages_settings().session_secret:  # no session cookie, so no CSRF token for its form
            return render("casework/unavailable.html", 503)
        return view(*args, **kwargs)

    wrapper.accepts_form = True  # type: ignore[attr-defined]  # form posts, not JSON
    wrapper.link_page = True  # type: ignore[attr-defined]
    return wrapper


def on_link_page() -> bool:
    """This request is for a ``link_page`` view (or an API endpoint that serves one to browsers)."""
    view = current_app.view_functions.get(request.endpoint) if request.endpoint else None
    return bool(getattr(view, "link_page", False))


def sign_in_url(next_url: str | None = None) -> str:
    """The sign-in page (on the sign-in service), coming back to ``next_url`` afterwards."""
    url = pages_settings().signin_url
    return f"{url}?{urlencode({'next': next_url})}" if next_url else url


def officer_page(*roles: str) -> Callable:
    """Make a view a page for officers with one of ``roles`` (none named: any officer)."""
    allowed = tuple(roles) or OFFICER_ROLES

    def decorator(view: Callable) -> Callable:
        @functools.wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            if not pages_settings().session_secret:
                return render("casework/unavailable.html", 503)
            me = signed_in()
            if me is None:
                if wants_json():
                    from casework.web.errors import abort

                    abort(401, "The session has ended: sign in again.")
                if request.method == "GET":
                    return redirect(sign_in_url(request.url), 303)
                return render("casework/signin_needed.html", 401)
            if not me.has_any(*allowed):
                return render("casework/forbidden.html", 403, me=me)
            return view(me, *args, **kwargs)

        wrapper.accepts_form = True  # type: ignore[attr-defined]  # form posts, not JSON
        wrapper.page_roles = tuple(sorted(set(allowed) | {"admin"}))  # type: ignore[attr-defined]
        return wrapper

    return decorator
