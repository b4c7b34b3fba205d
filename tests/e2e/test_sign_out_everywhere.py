"""Signing out at one service ends the sign-in at all four, as the system runs: separate processes on
PostgreSQL and RabbitMQ, and `casework run` (SQLite files, the in-process broker), where the
sign-out event is routed between the services inside one process."""

import requests

from casework_dev.testing import wait_until
from casework_dev.testing.pages import COOKIE, csrf, sign_in_over_http

SERVICES = ("intake", "sustainment", "lettings", "notifications")


def test_a_copy_of_the_cookie_taken_before_sign_out_is_refused_by_every_service(system, people):
    urls = system.urls()
    browser = requests.Session()
    sign_in_over_http(browser, urls["notifications"], people.lettings_officer.sub)
    copy = browser.cookies.get(COOKIE)

    def signed_in() -> dict[str, bool]:
        """Whether each service's /app/ takes the copy (its page, or its home), or sends it to sign in."""
        answers = {name: requests.get(f"{urls[name]}/app/", cookies={COOKIE: copy}, allow_redirects=False,
                                      timeout=10) for name in SERVICES}
        return {name: "/app/sign-in" not in r.headers.get("Location", "") for name, r in answers.items()}

    assert all(signed_in().values()), signed_in()
    page = browser.get(f"{urls['sustainment']}/app/", timeout=10).text
    out = browser.post(f"{urls['sustainment']}/app/sign-out", data={"csrf_token": csrf(page)}, allow_redirects=False,
                       timeout=10)
    assert out.status_code == 303

    assert not signed_in()["sustainment"]  # where the officer signed out: at once
    wait_until(lambda: not any(signed_in().values()), timeout=30, interval=0.2,
               message="every service to refuse the copy once the sign-out reaches it")
