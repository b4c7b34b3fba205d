"""The kernel's own pages on every service: ``/app/`` (the service's home), sign-in, sign-out, and
the GOV.UK Frontend assets under ``/app/static/``."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, current_app, flash, redirect, request, session, url_for

from casework.auth import OFFICER_ROLES, AuthError, KeysUnavailable
from casework.context import Principal
from casework.web import db_session

from . import signin
from .access import EXTENSION, officer_page, pages_settings, render, sign_in_url
from .forms import DevSignInForm
from .oidc import CLIENT

blueprint = Blueprint("casework_pages", __name__, template_folder="templates", static_folder="static",
                      static_url_path="/app/static")


def _form_view(view):
    view.accepts_form = True
    return view


@blueprint.get("/app/")
@officer_page()
def home(me: Principal):
    """The service's main page (the service navigation links here); a service with no pages yet
    says so, and where its work is done meanwhile."""
    found = current_app.extensions[EXTENSION].home
    if found:
        return redirect(url_for(found), 303)
    return render("casework/home.html", service=pages_settings().service)


def _next_url() -> str:
    """Where to go after signing in: a page on one of the four services, nothing else."""
    wanted = request.values.get("next") or session.get("next_url") or ""
    parts = urlsplit(wanted)
    bases = {urlsplit(url)[:2] for url in pages_settings().public_urls.values()}
    if wanted.startswith("/") and not wanted.startswith("//") and "\\" not in wanted:
        return wanted
    if (parts.scheme, parts.netloc) in bases and parts.path.startswith("/app/"):
        return wanted
    return url_for("casework_pages.home")


@blueprint.get("/app/sign-in")
def sign_in():
    settings = pages_settings()
    if not settings.session_secret:
        return render("casework/unavailable.html", 503)
    if not settings.signs_in_here:
        return redirect(sign_in_url(request.args.get("next")), 303)
    session["next_url"] = _next_url()
    return _sign_in_page(DevSignInForm())


def _sign_in_page(form: DevSignInForm, status: int = 200):
    settings, extension = pages_settings(), current_app.extensions[EXTENSION]
    officers = []
    if settings.dev_signin and extension.officers is not None:
        officers = extension.officers(db_session())
        form.officer.choices = [(o.id, o.name) for o in officers]
    return render("casework/signin.html", status, form=form, officers=officers, dev_signin=settings.dev_signin,
                  oidc=extension.oauth is not None)


@blueprint.post("/app/sign-in/development")
@_form_view
def sign_in_for_development():
    """Development only: sign in as an officer picked from the directory."""
    settings, extension = pages_settings(), current_app.extensions[EXTENSION]
    if not settings.dev_signin or not settings.signs_in_here or extension.officers is None:
        return render("casework/forbidden.html", 403,
                      reason="Signing in by picking an officer is only for development.")
    form = DevSignInForm()
    officers = {o.id: o for o in extension.officers(db_session())}
    form.officer.choices = [(o.id, o.name) for o in officers.values()]
    if not form.validate_on_submit():
        return _sign_in_page(form, 422)
    officer = officers[form.officer.data]
    return _start(Principal(sub=officer.id, roles=frozenset(officer.roles), name=officer.name))


@blueprint.get("/app/sign-in/oidc")
def sign_in_with_oidc():
    oauth = current_app.extensions[EXTENSION].oauth
    if oauth is None or not pages_settings().signs_in_here:
        return render("casework/not_found.html", 404)
    redirect_uri = f"{pages_settings().public_urls[pages_settings().service]}/app/sign-in/oidc/callback"
    return getattr(oauth, CLIENT).authorize_redirect(redirect_uri)


@blueprint.get("/app/sign-in/oidc/callback")
def oidc_callback():
    oauth = current_app.extensions[EXTENSION].oauth
    if oauth is None:
        return render("casework/not_found.html", 404)
    from authlib.integrations.base_client.errors import OAuthError

    try:
        token = getattr(oauth, CLIENT).authorize_access_token()
        principal = current_app.extensions["casework"].verifier.verify(token["access_token"])
    except (OAuthError, AuthError, KeyError) as refused:
        return render("casework/signin_failed.html", 401, reason=str(refused))
    except KeysUnavailable:
        return render("casework/unavailable.html", 503)
    userinfo = token.get("userinfo") or {}
    if userinfo.get("sub") != principal.sub:
        return render("casework/signin_failed.html", 401, reason="The ID token and access token name different people.")
    return _start(principal)


def _start(principal: Principal):
    if not principal.has_any(*OFFICER_ROLES):
        return render("casework/forbidden.html", 403, me=principal,
                      reason="Casework's pages are for council officers.")
    next_url = _next_url()
    signin.start(principal, pages_settings().lifetime.total_seconds())
    flash(f"Signed in as {principal.name or principal.sub}.", "success")
    return redirect(next_url, 303)


@blueprint.post("/app/sign-out")
@_form_view
def sign_out():
    """Sign out of every service (the cookie is theirs too); the CSRF check has run already."""
    signin.end()
    flash("You have signed out.", "success")
    return redirect(sign_in_url(), 303)
