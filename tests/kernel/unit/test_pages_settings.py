"""How the pages decide development from production, and the cookie's flags (casework.pages.settings)."""

import dataclasses

from casework.pages.settings import PagesSettings
from casework.settings import Settings

DEVELOPMENT = Settings(service="intake", database_url="sqlite://", broker_url="memory://")
PRODUCTION = dataclasses.replace(DEVELOPMENT, jwks_url="https://idp.council.example/jwks")


def test_development_picks_officers_and_sends_the_cookie_over_plain_http():
    pages = PagesSettings.from_env(DEVELOPMENT, {})

    assert pages.development and pages.dev_signin and not pages.secure_cookie
    assert pages.session_secret  # derived from the development JWT secret


def test_outside_development_the_pick_an_officer_sign_in_cannot_be_turned_on():
    pages = PagesSettings.from_env(PRODUCTION, {"CASEWORK_DEV_SIGNIN": "true", "CASEWORK_SESSION_SECRET": "s"})

    assert not pages.development and not pages.dev_signin


def test_outside_development_the_cookie_is_secure_and_needs_a_session_secret_set():
    pages = PagesSettings.from_env(PRODUCTION, {})

    assert pages.secure_cookie and pages.session_secret == ""


def test_every_service_sends_officers_to_sign_in_at_one_service_by_its_public_url():
    pages = PagesSettings.from_env(DEVELOPMENT, {"CASEWORK_NOTIFICATIONS_PUBLIC_URL": "https://inbox.council.example/"})

    assert not pages.signs_in_here and pages.signin_url == "https://inbox.council.example/app/sign-in"


def test_a_cookie_domain_lets_services_on_their_own_host_names_share_the_sign_in():
    pages = PagesSettings.from_env(PRODUCTION, {"CASEWORK_SESSION_COOKIE_DOMAIN": ".casework.council.example"})

    assert pages.cookie_domain == ".casework.council.example"
