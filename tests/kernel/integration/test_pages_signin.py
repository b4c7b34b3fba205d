"""One sign-in for every service's pages, on real HTTP servers: notifications (where officers sign
in) and intake (which only verifies the cookie), on both backends.

Development: pick an officer from the directory. Production: OpenID Connect against a small
OpenID provider made here (discovery, authorize, token, JWKS, with a real RSA key), whose keys the
APIs trust too; and an identity-aware proxy's ``Authorization: Bearer`` header.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import secrets
import time
import uuid
from urllib.parse import parse_qs, urlencode, urlsplit

import jwt
import pytest
import requests
from cryptography.hazmat.primitives.asymmetric import rsa
from flask import Flask, abort, jsonify, redirect, request

from casework_dev.processes import free_ports
from casework_dev.testing import bearer, wait_until
from casework_dev.testing.browser import serve
from casework_dev.testing.pages import COOKIE, csrf, sign_in_over_http
from intake.service import SERVICE as INTAKE
from notifications.service import SERVICE as NOTIFICATIONS

ADMIN = bearer("admin-1", "admin")
OFFICERS = (("o-tso", "Sam Okafor", ["sustainment_officer"]), ("o-intake", "Iris Intake", ["intake_officer"]))


@contextlib.contextmanager
def environment(**values: str):
    with pytest.MonkeyPatch.context() as patch:
        for name, value in values.items():
            patch.setenv(name, value)
        yield


@contextlib.contextmanager
def two_services(harness_for, extra_env: dict[str, str] | None = None, **settings):
    """notifications and intake on real servers, each knowing the other's public URL."""
    notifications_port, intake_port = free_ports(2)
    urls = {"notifications": f"http://127.0.0.1:{notifications_port}", "intake": f"http://127.0.0.1:{intake_port}"}
    with environment(CASEWORK_NOTIFICATIONS_PUBLIC_URL=urls["notifications"], CASEWORK_INTAKE_PUBLIC_URL=urls["intake"],
                     **(extra_env or {})), \
            harness_for(NOTIFICATIONS, **settings) as notifications, harness_for(INTAKE, **settings) as intake, \
            serve(notifications.app, notifications_port), serve(intake.app, intake_port):
        yield urls, notifications, intake


def cookie_payload(set_cookie: str) -> str:
    """What a Set-Cookie of the session carries (itsdangerous: base64 JSON before the first dot)."""
    if f"{COOKIE}=" not in set_cookie:
        return ""
    value = set_cookie.split(f"{COOKIE}=", 1)[1].split(";", 1)[0]
    payload = value.removeprefix(".").split(".")[0]
    return base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)).decode(errors="replace")


# -- development: pick an officer ---------------------------------------------------------------


@pytest.fixture(scope="module")
def development(harness_for):
    with two_services(harness_for) as (urls, notifications, _):
        for officer_id, name, roles in OFFICERS:
            r = notifications.client.post("/officers", headers=ADMIN, json={
                "id": officer_id, "name": name, "email": f"{officer_id}@council.test", "roles": roles,
                "email_preference": "off"})
            assert r.status_code == 201, r.json
        yield urls


def test_one_development_sign_in_opens_the_pages_of_two_services(development):
    browser = requests.Session()

    asked = browser.get(f"{development['intake']}/app/", allow_redirects=False)
    signin = browser.get(asked.headers["Location"])
    done = browser.post(f"{development['notifications']}/app/sign-in/development", allow_redirects=False,
                        data={"officer": "o-tso", "csrf_token": csrf(signin.text)})
    back = browser.get(done.headers["Location"])
    inbox = browser.get(f"{development['notifications']}/app/inbox")

    assert asked.status_code == 303 and signin.url.startswith(f"{development['notifications']}/app/sign-in?next=")
    assert done.headers["Location"] == f"{development['intake']}/app/"
    assert back.status_code == 200 and "Sam Okafor" in back.text and "Signed in as Sam Okafor" in back.text
    assert inbox.status_code == 200 and "Your inbox" in inbox.text
    cookie = done.headers["Set-Cookie"]
    assert f"{COOKIE}=" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Path=/" in cookie
    assert "Secure" not in cookie  # development runs on plain http


def test_the_service_navigation_links_the_services_by_their_public_urls(development):
    browser = requests.Session()
    sign_in_over_http(browser, development["notifications"], "o-intake")

    page = browser.get(f"{development['intake']}/app/").text

    assert f'href="{development["notifications"]}/app/"' in page and f'href="{development["intake"]}/app/"' in page
    assert "govuk-service-navigation__item--active" in page and "Skip to main content" in page
    assert "govuk-phase-banner" in page and "Sign out" in page


def test_signing_out_on_one_service_signs_out_of_both(development):
    browser = requests.Session()
    sign_in_over_http(browser, development["notifications"], "o-tso")
    page = browser.get(f"{development['intake']}/app/").text

    out = browser.post(f"{development['intake']}/app/sign-out", data={"csrf_token": csrf(page)}, allow_redirects=False)
    after = [browser.get(f"{development[name]}/app/", allow_redirects=False) for name in ("intake", "notifications")]

    assert out.status_code == 303 and out.headers["Location"] == f"{development['notifications']}/app/sign-in"
    assert [a.status_code for a in after] == [303, 303]
    assert all("/app/sign-in" in a.headers["Location"] for a in after)


def test_a_form_post_without_its_csrf_token_is_refused_and_changes_nothing(development):
    browser = requests.Session()
    sign_in_over_http(browser, development["notifications"], "o-tso")

    forged = browser.post(f"{development['intake']}/app/sign-out", data={"csrf_token": "forged"}, allow_redirects=False)
    still = browser.get(f"{development['intake']}/app/referrals", allow_redirects=False)  # intake's home

    assert forged.status_code == 400 and "The form has expired" in forged.text
    assert still.status_code == 200


def test_a_bearer_header_from_a_proxy_signs_a_page_request_in_without_a_cookie(development):
    page = requests.get(f"{development['intake']}/app/referrals", headers=bearer("o-tso", "sustainment_officer"),
                        allow_redirects=False)
    api_caller = requests.get(f"{development['intake']}/app/", headers=bearer("sys-rent", "referrer"))

    assert page.status_code == 200 and "Sign out" in page.text
    assert "officer" not in cookie_payload(page.headers.get("Set-Cookie", ""))  # each request signs itself in
    assert api_caller.status_code == 403 and "You cannot see this page" in api_caller.text


def test_a_sign_in_returns_only_to_the_services_pages(development):
    browser = requests.Session()
    page = browser.get(f"{development['notifications']}/app/sign-in", params={"next": "https://evil.example/app/"})

    done = browser.post(f"{development['notifications']}/app/sign-in/development", allow_redirects=False,
                        data={"officer": "o-tso", "csrf_token": csrf(page.text)})

    assert done.headers["Location"] == "/app/"


def test_pages_answer_in_govuk_style_and_the_api_in_problem_details(development):
    missing = requests.get(f"{development['intake']}/app/no-such-page", headers=bearer("o-tso", "sustainment_officer"))
    api = requests.get(f"{development['intake']}/no-such-endpoint")

    assert missing.status_code == 404 and "Page not found" in missing.text and "govuk-service-navigation" in missing.text
    assert api.status_code == 404 and api.headers["Content-Type"] == "application/problem+json"


# -- production: OpenID Connect against a provider whose keys the APIs trust --------------------


class OpenIdProvider:
    """A small OpenID provider: discovery, authorize (signs in whoever ``user`` is), token, JWKS."""

    CLIENT_ID, CLIENT_SECRET = "casework-pages", "provider-secret"

    def __init__(self, url: str) -> None:
        self.url = url
        self.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.kid = uuid.uuid4().hex
        self.user = ("o-tso", "Sam Okafor", ["sustainment_officer"])
        self.codes: dict[str, dict] = {}
        self.app = self._app()

    def sign(self, claims: dict) -> str:
        return jwt.encode(claims, self.key, algorithm="RS256", headers={"kid": self.kid})

    def _app(self) -> Flask:
        app = Flask("provider")

        @app.get("/.well-known/openid-configuration")
        def discovery():
            return jsonify(issuer=self.url, authorization_endpoint=f"{self.url}/authorize",
                           token_endpoint=f"{self.url}/token", jwks_uri=f"{self.url}/jwks",
                           response_types_supported=["code"], subject_types_supported=["public"],
                           id_token_signing_alg_values_supported=["RS256"],
                           code_challenge_methods_supported=["S256"])

        @app.get("/jwks")
        def jwks():
            public = jwt.algorithms.RSAAlgorithm.to_jwk(self.key.public_key(), as_dict=True)
            return jsonify(keys=[{**public, "kid": self.kid, "use": "sig", "alg": "RS256"}])

        @app.get("/authorize")
        def authorize():
            args = request.args
            if args.get("client_id") != self.CLIENT_ID or args.get("response_type") != "code":
                abort(400)
            code = secrets.token_urlsafe(16)
            self.codes[code] = {"user": self.user, "nonce": args.get("nonce"), "redirect_uri": args["redirect_uri"],
                                "challenge": args.get("code_challenge")}
            return redirect(f"{args['redirect_uri']}?{urlencode({'code': code, 'state': args['state']})}")

        @app.post("/token")
        def token():
            client = base64.b64decode(request.headers.get("Authorization", "Basic ").split(" ", 1)[1]).decode()
            grant = self.codes.pop(request.form.get("code", ""), None)
            verifier = request.form.get("code_verifier", "")
            challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
            if client != f"{self.CLIENT_ID}:{self.CLIENT_SECRET}" or grant is None \
                    or grant["redirect_uri"] != request.form.get("redirect_uri") or grant["challenge"] != challenge:
                return jsonify(error="invalid_grant"), 400
            sub, name, roles = grant["user"]
            now = int(time.time())
            access = self.sign({"iss": self.url, "aud": "casework", "sub": sub, "name": name, "roles": roles,
                                "iat": now, "exp": now + 300})
            identity = self.sign({"iss": self.url, "aud": self.CLIENT_ID, "sub": sub, "name": name,
                                  "nonce": grant["nonce"], "iat": now, "exp": now + 300})
            return jsonify(access_token=access, id_token=identity, token_type="Bearer", expires_in=300)

        return app


@pytest.fixture(scope="module")
def production(harness_for):
    (port,) = free_ports(1)
    provider = OpenIdProvider(f"http://127.0.0.1:{port}")
    with serve(provider.app, port), two_services(
            harness_for,
            extra_env={"CASEWORK_OIDC_ISSUER": provider.url, "CASEWORK_OIDC_CLIENT_ID": provider.CLIENT_ID,
                       "CASEWORK_OIDC_CLIENT_SECRET": provider.CLIENT_SECRET,
                       "CASEWORK_SESSION_SECRET": secrets.token_hex(32),
                       # Secure is the default outside development; these servers speak plain http.
                       "CASEWORK_SESSION_COOKIE_SECURE": "false"},
            jwks_url=f"{provider.url}/jwks", jwt_issuer=provider.url, jwt_audience="casework") as (urls, _, _):
        yield urls, provider


def bearer_from(production, sub: str) -> dict[str, str]:
    """A header as an identity-aware proxy would put on: the provider's access token."""
    _, provider = production
    now = int(time.time())
    access = provider.sign({"iss": provider.url, "aud": "casework", "sub": sub, "roles": ["team_leader"],
                            "iat": now, "exp": now + 300})
    return {"Authorization": f"Bearer {access}"}


def oidc_sign_in(urls, start: str) -> tuple[requests.Session, requests.Response]:
    browser = requests.Session()
    signin = browser.get(start)  # sent to sign in on notifications, remembering where from
    assert "Sign in with your council account" in signin.text, signin.text[:2000]
    return browser, browser.get(f"{urls['notifications']}/app/sign-in/oidc")


def test_openid_connect_signs_in_on_one_service_and_the_other_takes_the_cookie(production):
    urls, provider = production
    provider.user = ("o-tso", "Sam Okafor", ["sustainment_officer"])

    browser, landed = oidc_sign_in(urls, f"{urls['intake']}/app/referrals")
    inbox = browser.get(f"{urls['notifications']}/app/inbox")

    assert landed.url == f"{urls['intake']}/app/referrals" and landed.status_code == 200
    assert "Signed in as Sam Okafor" in landed.text
    assert inbox.status_code == 200 and "Your inbox" in inbox.text


def test_the_providers_access_token_is_one_the_apis_take(production):
    urls, provider = production
    now = int(time.time())
    access = provider.sign({"iss": provider.url, "aud": "casework", "sub": "o-tso", "roles": ["sustainment_officer"],
                            "iat": now, "exp": now + 300})

    r = requests.get(f"{urls['notifications']}/tasks", headers={"Authorization": f"Bearer {access}"})

    assert r.status_code == 200


def test_someone_the_provider_signs_in_without_an_officers_role_gets_the_403_page(production):
    urls, provider = production
    provider.user = ("sys-rent", "Rent system", ["referrer"])
    try:
        browser, landed = oidc_sign_in(urls, f"{urls['intake']}/app/")
    finally:
        provider.user = ("o-tso", "Sam Okafor", ["sustainment_officer"])

    assert landed.status_code == 403 and "for council officers" in landed.text
    assert browser.get(f"{urls['intake']}/app/", allow_redirects=False).status_code == 303


def test_a_callback_the_provider_did_not_send_signs_nobody_in(production):
    urls, _ = production
    browser = requests.Session()
    browser.get(f"{urls['notifications']}/app/sign-in")

    r = browser.get(f"{urls['notifications']}/app/sign-in/oidc/callback", params={"code": "made-up", "state": "made-up"})

    assert r.status_code == 401 and "You could not be signed in" in r.text
    assert browser.get(f"{urls['intake']}/app/", allow_redirects=False).status_code == 303


def test_outside_development_the_pick_an_officer_sign_in_is_refused(production):
    urls, _ = production
    browser = requests.Session()
    page = browser.get(f"{urls['notifications']}/app/sign-in").text
    # A good CSRF token for this browser, from a page a proxy's header signed in (its sign-out form).
    token = csrf(browser.get(f"{urls['notifications']}/app/inbox", headers=bearer_from(production, "o-lead")).text)

    r = browser.post(f"{urls['notifications']}/app/sign-in/development", allow_redirects=False,
                     data={"officer": "o-tso", "csrf_token": token})

    assert "which officer are you" not in page and "<form" not in page
    assert r.status_code == 403 and "only for development" in r.text
    assert browser.get(f"{urls['intake']}/app/", allow_redirects=False).status_code == 303


def test_the_state_and_nonce_ride_in_the_signed_cookie_not_in_a_server_table(production):
    urls, _ = production
    browser = requests.Session()
    browser.get(f"{urls['notifications']}/app/sign-in")

    to_provider = browser.get(f"{urls['notifications']}/app/sign-in/oidc", allow_redirects=False)
    asked = parse_qs(urlsplit(to_provider.headers["Location"]).query)

    assert to_provider.status_code == 302
    assert asked["redirect_uri"] == [f"{urls['notifications']}/app/sign-in/oidc/callback"]
    assert asked["code_challenge_method"] == ["S256"] and asked["nonce"] and asked["state"]


# -- a service's own page tests sign in without the directory ---------------------------------


def test_a_test_client_signed_in_as_an_officer_sees_pages_and_a_role_check_holds(harness_for):
    from casework_dev.testing.pages import sign_in_as

    with harness_for(INTAKE) as intake, intake.app.test_client() as officer, intake.app.test_client() as referrer:
        sign_in_as(officer, "o-intake", "intake_officer", name="Iris Intake")
        sign_in_as(referrer, "sys-rent", "referrer")

        page = officer.get("/app/referrals")  # intake's home page
        refused = referrer.get("/app/")

    assert page.status_code == 200 and "Iris Intake" in page.get_data(as_text=True)
    assert refused.status_code == 403 and "You cannot see this page" in refused.get_data(as_text=True)


# -- signing out ends the sign-in at every service, not only in the browser ---------------------


@pytest.fixture(scope="module")
def connected(harness_for):
    """notifications and intake on real servers and one broker exchange; notifications' worker runs,
    intake's is started by the test that needs it (so an event can be seen waiting in its outbox)."""
    namespace = f"t{uuid.uuid4().hex[:10]}"
    with two_services(harness_for, exchange=f"{namespace}.casework.events", queue_prefix=f"{namespace}.") \
            as (urls, notifications, intake):
        for officer_id, name, roles in OFFICERS:
            r = notifications.client.post("/officers", headers=ADMIN, json={
                "id": officer_id, "name": name, "email": f"{officer_id}@council.test", "roles": roles,
                "email_preference": "off"})
            assert r.status_code == 201, r.json
        notifications.worker()
        yield urls, notifications, intake


def with_copy(url: str, copy: str) -> int:
    """The status of a page asked for with a copy of the cookie (a fresh client each time: a
    refused cookie is deleted from the client that sent it)."""
    return requests.get(url, cookies={COOKIE: copy}, allow_redirects=False).status_code


def signed_out_rows(harness) -> int:
    from sqlalchemy import func, select

    from casework.signouts import SignedOutSession

    with harness.db.transaction() as session:
        return session.scalar(select(func.count()).select_from(SignedOutSession))


def sign_out_at(browser: requests.Session, base: str) -> requests.Response:
    page = browser.get(f"{base}/app/").text
    out = browser.post(f"{base}/app/sign-out", data={"csrf_token": csrf(page)}, allow_redirects=False)
    assert out.status_code == 303, out.text[:2000]
    return out


def test_a_copy_of_the_cookie_is_refused_where_the_officer_signed_out_at_once_and_elsewhere_once_told(connected):
    urls, notifications, intake = connected
    browser = requests.Session()
    sign_in_over_http(browser, urls["notifications"], "o-tso")
    copy = browser.cookies.get(COOKIE)
    assert with_copy(f"{urls['intake']}/app/referrals", copy) == 200
    assert with_copy(f"{urls['notifications']}/app/inbox", copy) == 200

    sign_out_at(browser, urls["intake"])  # intake's relay is not running yet: the event waits in its outbox

    [event] = intake.events("pages.signed_out.v1")
    assert set(event.data) == {"session", "until"} and "o-tso" not in event.to_json()
    assert with_copy(f"{urls['intake']}/app/referrals", copy) == 303  # at once, where the officer signed out
    assert with_copy(f"{urls['notifications']}/app/inbox", copy) == 200  # not told yet
    assert signed_out_rows(notifications) == 0

    intake.worker()  # the relay publishes the backlog; notifications' consumer records it

    wait_until(lambda: with_copy(f"{urls['notifications']}/app/inbox", copy) == 303, timeout=20,
               message="notifications to refuse the copy once the sign-out reaches it")
    assert signed_out_rows(notifications) == 1
    assert with_copy(f"{urls['intake']}/app/referrals", copy) == 303


def test_signing_out_at_the_sign_in_service_refuses_the_copy_at_the_other_too(connected):
    urls, notifications, intake = connected
    if not intake._workers:
        intake.worker()
    browser = requests.Session()
    sign_in_over_http(browser, urls["notifications"], "o-intake")
    copy = browser.cookies.get(COOKIE)
    assert with_copy(f"{urls['intake']}/app/referrals", copy) == 200

    sign_out_at(browser, urls["notifications"])

    assert with_copy(f"{urls['notifications']}/app/inbox", copy) == 303
    wait_until(lambda: with_copy(f"{urls['intake']}/app/referrals", copy) == 303, timeout=20,
               message="intake to refuse the copy once the sign-out reaches it")
    # A new sign-in is a new session: signing out ended only the old one.
    again = requests.Session()
    sign_in_over_http(again, urls["notifications"], "o-intake")
    assert again.get(f"{urls['intake']}/app/referrals", allow_redirects=False).status_code == 200
