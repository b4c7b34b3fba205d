"""The officers' pages: one look, one sign-in and one way to post forms for every service.

Each service serves the pages for what it owns under ``/app/`` (its API stays where it is). The
kernel gives them the GOV.UK Design System (``govuk-frontend``'s own assets, vendored under
``static/govuk-frontend`` with its licence and refreshed by ``scripts/vendor_frontend.sh``; its
Jinja macros from ``govuk-frontend-jinja``; WTForms widgets from ``govuk-frontend-wtf``), forms
with Flask-WTF (every ``/app/`` form post must carry its CSRF token), one base layout, the 403 and
404 pages, and one sign-in for all four services (``casework.pages.signin``; settings in
``casework.pages.settings``).

How to add a page
-----------------

1. Every service's app has the kernel's pages (``create_app`` installs them: sign-in, sign-out,
   ``/app/``, the assets). In the service's ``configure_app`` register a blueprint of its own
   (``<service>/web/``), e.g. ``Blueprint("referral_pages", __name__, template_folder="templates")``,
   and say which page is its home::

       pages.configure(app, home="referral_pages.queue")   # /app/ and the navigation lead there

   The navigation shows the service's link to the roles ``NAVIGATION`` names for it: the roles of
   its home view (``tests/kernel/unit/test_service_shape.py`` checks they agree).

   Name its templates ``<service>/….html`` so they never shadow another's.

2. A view is a plain function, decorated with the roles that may see it, taking the officer::

       @blueprint.get("/app/referrals/<ref>")
       @officer_page("intake_officer", "team_leader")
       def referral(me: Principal, ref: str):
           found = referrals.read(db_session(), ref, by=me)   # the use case audits the read
           return render("intake/referral.html", referral=found, form=TriageForm())

   It calls one use case (the same the API calls: no rule of its own) and renders. The kernel's
   shape test (tests/kernel/unit/test_service_shape.py) holds page modules to this.

3. A form is a ``FlaskForm`` with a GOV.UK widget per field and error messages in the officer's
   words (see ``casework.pages.forms``). Every ``/app/`` form post is CSRF-checked before its
   view runs; a button that asks nothing is a form with only
   ``<input type="hidden" name="csrf_token" value="{{ csrf_token() }}">``. Post,
   then redirect (post/redirect/get) with ``flash("Referral triaged", "success")``: the layout
   shows it in a success banner. On a refused form render the page again with status 422; the
   template puts ``{{ govukErrorSummary(wtforms_errors(form)) }}`` first in ``content`` and each
   field renders its own inline error (``{{ form.reason(params={...}) }}``). A use case's refusal
   goes to the form with ``form.<field>.errors.append(message)`` or ``flash(message, "error")``.

4. The template extends ``casework/base.html`` and fills ``title`` and ``content``; macros are
   imported from ``govuk_frontend_jinja/components/<name>/macro.html``. Dates and times are
   written as GOV.UK writes them with the filters ``govuk_date`` and ``govuk_datetime``. A list
   that grows with the data draws its rows with ``casework/rows.html`` (GOV.UK's markup, one macro
   call a table) and its links with ``url_for_each`` (``casework.web.url_for_each``), not a
   design-system macro and a ``url_for`` a row. No CSS of the service's
   own: GOV.UK Frontend's classes are the look. A script is progressive enhancement only (every
   action is a form that works without JavaScript); put it in ``{% block scripts %}`` as an
   external file (the Content-Security-Policy allows scripts from the service itself only).

5. A performance page (figures for a date range) is ``casework.reports.performance_page``: it reads
   the range (a ``BadRange`` names the field: the page again with status 422 and the default range),
   calls one use case that gives every figure (the API's ``GET /reports/…``, taking
   ``casework.reports.RangeArgs``, calls the same), and answers ``?format=csv&figure=<name>`` with
   ``casework.reports.csv_response``. Its template imports ``date_range_form``, ``csv_link`` and
   ``figure`` from ``casework/reports.html`` and draws a trend with the globals ``bar_chart`` or
   ``line_chart`` (``casework.pages.charts``: SVG with a title and the figures in words, beside
   the table, never instead of it). See sustainment's and intake's ``web/performance.py``.

6. Test it with ``casework_dev.testing.pages``: ``sign_in_as(client, "o-tso", "sustainment_officer")``
   signs a test client in on any service (the cookie every service takes), ``csrf(page)`` reads a
   form's token. In a browser, ``casework_dev.testing.browser`` (Chromium, a real server,
   screenshots, axe-core; ``sign_in_as`` there too). ``tests/kernel/integration/test_pages_signin.py``
   runs two services on real servers that share one sign-in.

7. A page for someone with no Casework account, reached by a secret link sent to them (an agency's
   ``/agency-links/{token}``), is a ``link_page`` view: no sign-in (its use case checks the token;
   an unknown one is the 404 page), no navigation or officer in the layout, errors as pages to a
   browser, the security headers, and its form posts CSRF-checked on the anonymous session cookie.
   Where the link is also an API endpoint, ``page_for_browsers(app, endpoint, view)`` answers a
   browser (``Accept: text/html`` first) with the page and every other client with JSON, at the
   same URL. See sustainment's ``web/agency_link.py``.
"""

from __future__ import annotations

import functools
import hashlib
import os
import secrets
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from flask import Flask, Response, current_app, g, request
from flask.sessions import SecureCookieSession, SecureCookieSessionInterface
from flask.wrappers import Request
from flask_wtf.csrf import CSRFError, CSRFProtect
from govuk_frontend_wtf.main import WTFormsHelpers
from jinja2 import ChoiceLoader, PackageLoader, PrefixLoader
from werkzeug.exceptions import HTTPException

from casework.auth import FRONT_LINE_ROLES, OFFICER_ROLES

from .access import (
    EXTENSION,
    link_page,
    officer_page,
    on_link_page,
    pages_settings,
    prefers_html,
    render,
    sign_in_url,
    wants_json,
)
from .settings import PagesSettings
from .signin import signed_in

__all__ = ["DevOfficer", "configure", "install", "link_page", "officer_page", "page_for_browsers", "pages_settings",
           "prefers_html", "render", "sign_in_url", "signed_in", "wants_json"]

#: The service navigation: each service's pages, in the order officers meet them, each shown only
#: to officers with a role that may open that service's home page (admin always may), so no link
#: leads to the 403 page. The home view's ``officer_page(...)`` says the same roles; the list lives
#: here because a service may not import another, and tests/kernel/unit/test_service_shape.py
#: holds each service's home page to it.
NAVIGATION: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("notifications", "Inbox", OFFICER_ROLES),
    ("intake", "Referrals", ("intake_officer", "sustainment_officer", "team_leader", *FRONT_LINE_ROLES)),
    ("sustainment", "Cases", ("sustainment_officer", "team_leader")),
    ("lettings", "Lettings", ("lettings_officer", "team_leader")),
)
#: Pages only for officers with a role, after the services: (role, service, text, path).
ROLE_NAVIGATION = (("admin", "notifications", "Officers", "/app/admin/officers"),)

SECURITY_HEADERS = {
    # Scripts and styles only from this service; no framing (click-jacking).
    # The layout's one inline script (GOV.UK Frontend's "js-enabled" line) runs by its nonce.
    "Content-Security-Policy": "default-src 'self'; script-src 'self' 'nonce-{nonce}'; img-src 'self' data:; "
                               "frame-ancestors 'none'; form-action 'self' {form_targets}; base-uri 'none'",
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}


class DevOfficer(Protocol):
    """An officer the development sign-in offers (the directory's ``Officer`` rows fit)."""

    id: str
    name: str
    roles: Sequence[str]


@dataclass
class Pages:
    """What the kernel keeps on ``app.extensions['casework_pages']``."""

    settings: PagesSettings
    home: str | None
    officers: Callable[[Any], Sequence[DevOfficer]] | None
    oauth: Any


class _SessionInterface(SecureCookieSessionInterface):
    """Flask's signed cookie, signed with HMAC-SHA256 rather than its default SHA-1."""

    digest_method = staticmethod(hashlib.sha256)

    def open_session(self, app: Flask, request: Request) -> SecureCookieSession | None:
        """A request without the cookie (every API call: they carry bearer tokens) gets the empty
        session Flask would give it, without Flask first building the cookie's signer, which it
        did on every request (0.08 ms of POST /referrals' 4.5 in process, bench/NOTES.md)."""
        if app.secret_key and not request.cookies.get(self.get_cookie_name(app)):
            return self.session_class()
        return super().open_session(app, request)


def configure(app: Flask, *, home: str | None = None,
              officers: Callable[[Any], Sequence[DevOfficer]] | None = None) -> None:
    """Say what the service's pages are: ``home`` is the endpoint ``/app/`` leads to; ``officers(db)``
    lists the officers the development sign-in offers (the service that keeps the directory)."""
    pages: Pages = app.extensions[EXTENSION]
    pages.home = home or pages.home
    pages.officers = officers or pages.officers


def page_for_browsers(app: Flask, endpoint: str, page: Callable) -> None:
    """At an API endpoint's own URL, answer a browser (``prefers_html``) with ``page`` (a ``link_page``
    view taking the same arguments) and every other client with the API as before: a link sent by
    e-mail opens as a page, and the same link still answers JSON (and its OpenAPI entry stays)."""
    api = app.view_functions[endpoint]

    @functools.wraps(api)
    def negotiated(*args: Any, **kwargs: Any) -> Any:
        return page(*args, **kwargs) if prefers_html() else api(*args, **kwargs)

    negotiated.link_page = True  # type: ignore[attr-defined]
    app.view_functions[endpoint] = negotiated


def install(app: Flask) -> None:
    """Serve the kernel's pages on ``app`` (``casework.web.create_app`` does, for every service)."""
    from ..reports import month_name
    from ..web.paths import url_for_each
    from . import charts, formats, govuk, oidc
    from .views import blueprint

    settings = PagesSettings.from_env(app.extensions["casework"].settings, os.environ)
    app.extensions[EXTENSION] = Pages(settings=settings, home=None, officers=None,
                                      oauth=oidc.register(app, settings) if settings.session_secret else None)
    if settings.session_secret:
        app.secret_key = settings.session_secret
    app.session_interface = _SessionInterface()
    app.config.update(
        SESSION_COOKIE_NAME="casework_session",
        SESSION_COOKIE_PATH="/",
        SESSION_COOKIE_DOMAIN=settings.cookie_domain,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=settings.secure_cookie,
        PERMANENT_SESSION_LIFETIME=settings.lifetime,
        SESSION_REFRESH_EACH_REQUEST=False,
        # The CSRF token lives as long as the sign-in (a form left open over lunch still posts);
        # only /app/ form posts are checked (below): the JSON API takes bearer tokens, not cookies.
        WTF_CSRF_TIME_LIMIT=None,
        WTF_CSRF_CHECK_DEFAULT=False,
    )
    csrf = CSRFProtect(app)
    # GOV.UK Frontend's macros with less overhead a call, the same HTML (casework.pages.govuk).
    app.jinja_env.template_class = govuk.Template
    app.jinja_loader = ChoiceLoader([loader for loader in (
        app.jinja_loader,
        PrefixLoader({"govuk_frontend_jinja": govuk.loader(),
                      "govuk_frontend_wtf": PackageLoader("govuk_frontend_wtf")}),
    ) if loader is not None])
    app.add_template_global(govuk.attributes, "govuk_attributes")
    govuk.cache_fields()
    WTFormsHelpers(app)
    app.add_template_filter(formats.govuk_date, "govuk_date")
    app.add_template_filter(formats.kept_as_written, "indent")
    app.add_template_filter(formats.govuk_datetime, "govuk_datetime")
    app.add_template_filter(month_name, "month_name")
    app.add_template_global(charts.bar_chart, "bar_chart")
    app.add_template_global(charts.line_chart, "line_chart")
    app.add_template_global(url_for_each, "url_for_each")
    app.register_blueprint(blueprint)

    @app.before_request
    def _check_form_posts() -> None:
        if request.method == "POST" and (request.path.startswith("/app/") or on_link_page()):
            csrf.protect()

    app.register_error_handler(CSRFError, _form_expired)
    app.register_error_handler(HTTPException, _http_error)
    app.after_request(_secure)
    app.context_processor(_layout)


def _layout() -> dict[str, Any]:
    if EXTENSION not in current_app.extensions:
        return {}
    settings = pages_settings()
    if not request.path.startswith("/app/"):
        if not on_link_page():
            return {}
        # Someone with no Casework account (an agency): no officer, no navigation to officers' pages.
        return {"navigation": [], "me": None, "link_page": True, "development": settings.development,
                "cspNonce": _nonce()}
    urls = settings.public_urls
    me = signed_in()
    extra = [{"href": f"{urls[name]}{path}", "text": text,
              "active": name == settings.service and request.path.startswith(path)}
             for role, name, text, path in ROLE_NAVIGATION if name in urls and me is not None and role in me.roles]
    elsewhere = any(item["active"] for item in extra)
    return {
        "navigation": [{"href": f"{urls[name]}/app/", "text": text,
                        "active": name == settings.service and not elsewhere}
                       for name, text, roles in NAVIGATION
                       if name in urls and me is not None and me.has_any(*roles)] + extra,
        "me": me,
        "link_page": False,
        "development": settings.development,
        "sign_in_url": sign_in_url,
        "cspNonce": _nonce(),
    }


def _nonce() -> str:
    if "csp_nonce" not in g:
        g.csp_nonce = secrets.token_urlsafe(16)
    return g.csp_nonce


def _form_expired(error: CSRFError):
    return render("casework/form_expired.html", 400, reason=error.description)


def _http_error(error: HTTPException):
    """``/app/`` answers errors as GOV.UK pages, and so does a link page to a browser; everything
    else as problem details."""
    from casework.web import errors

    page = not wants_json() if request.path.startswith("/app/") else on_link_page() and prefers_html()
    if not page:
        return errors.handle_http_exception(error)
    status = error.code or 500
    if status == 404:
        return render("casework/not_found.html", 404)
    if status == 403:
        return render("casework/forbidden.html", 403)
    return render("casework/error.html", status, status=status, description=error.description)


def _secure(response: Response) -> Response:
    if not (request.path.startswith("/app/") or on_link_page()):
        return response
    targets = " ".join(sorted(pages_settings().public_urls.values())) if EXTENSION in current_app.extensions else ""
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value.format(form_targets=targets, nonce=g.get("csp_nonce", "none")))
    if response.mimetype == "text/html":
        response.headers["Cache-Control"] = "no-store"
    return response
