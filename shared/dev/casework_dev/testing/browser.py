"""Pages in a real browser: Debian's headless Chromium driven by Selenium, a real threaded HTTP
server for an app, screenshots, and axe-core's accessibility check.

    with serve(app, port) as url, chromium() as browser:
        sign_in_in_browser(browser, url + "/app/inbox", "o-tso")   # or sign_in_as(browser, url, app, ...)
        assert_accessible(browser)              # no serious or critical axe-core violation (one documented exception)
        screenshot(browser, path)

``performance_page_in_chromium(app, start, end, ...)`` is a team leader's performance page
(``casework.reports.performance_page``) showing a date range asked on its form.

``chromium(javascript=False)`` is a browser with JavaScript turned off: every action must work
in it. Without Chromium (``/usr/bin/chromium``, ``/usr/bin/chromedriver``) the tests fail in CI
(``CI=true``) and are skipped elsewhere. axe-core is vendored beside this module (``axe/``, with its
licence), refreshed by ``scripts/vendor_frontend.sh``.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import shutil
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path

from .servers import unavailable

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--disable-dev-shm-usage", "--window-size=1100,900")
AXE = Path(__file__).resolve().parent / "axe" / "axe.min.js"
#: The impacts axe-core reports that fail a page.
FAILING_IMPACTS = ("serious", "critical")


@contextlib.contextmanager
def serve(app, port: int = 0) -> Iterator[str]:
    """``app`` on a real threaded HTTP server on 127.0.0.1 (``port`` 0: any free one); yields its URL.

    On leaving, waits for requests in flight (a page's poll) to end before the caller drops its database.
    """
    from werkzeug.serving import make_server

    active: set[object] = set()

    def counted(environ, start_response):
        request = object()
        active.add(request)
        try:
            yield from app(environ, start_response)
        finally:
            active.discard(request)

    http = make_server("127.0.0.1", port, counted, threaded=True)
    thread = threading.Thread(target=http.serve_forever, daemon=True, name=f"pages-http-{http.server_port}")
    thread.start()
    try:
        yield f"http://127.0.0.1:{http.server_port}"
    finally:
        http.shutdown()
        thread.join(timeout=10)
        deadline = time.monotonic() + 15
        while active and time.monotonic() < deadline:
            time.sleep(0.1)


@contextlib.contextmanager
def chromium(*, javascript: bool = True):
    """A headless Chromium (a fresh profile: no cookies), quit on leaving."""
    try:
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service
    except ImportError:
        unavailable("Selenium (pip install selenium)")
    for binary in (CHROMIUM, CHROMEDRIVER):
        if not Path(binary).exists():
            unavailable(f"{binary} (apt-get install chromium chromium-driver)")
    profile = tempfile.mkdtemp(prefix="casework-chromium-")
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in (*FLAGS, f"--user-data-dir={profile}"):
        options.add_argument(flag)
    if not javascript:
        options.add_experimental_option("prefs", {"profile.managed_default_content_settings.javascript": 2})
    try:
        driver = webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=options)
    except Exception as exc:  # a Chromium that will not start is as good as none
        shutil.rmtree(profile, ignore_errors=True)
        unavailable(f"headless Chromium ({type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''})")
    driver.set_page_load_timeout(20)
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


def gone(element):
    """A wait condition: ``element`` (of the page before a click) no longer in the window's page.

    Selenium's ``staleness_of`` asks the element for a property and takes only a "stale element"
    answer as gone; Chromium, asked while the next page replaces the old, may instead answer
    "Node with given id does not belong to the document" (an unknown error), which raised out of
    the wait in a run on a busy machine. Either answer means the page was left."""
    from selenium.common.exceptions import StaleElementReferenceException, WebDriverException

    def left(_driver) -> bool:
        try:
            element.is_enabled()
        except StaleElementReferenceException:
            return True
        except WebDriverException as exc:
            if "does not belong to the document" in str(exc):
                return True
            raise
        return False

    return left


def sign_in_in_browser(browser, page_url: str, officer_id: str) -> None:
    """Open ``page_url``, be sent to the development sign-in, pick ``officer_id``, and come back."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    browser.get(page_url)
    assert "/app/sign-in" in browser.current_url, browser.current_url
    browser.find_element(By.CSS_SELECTOR, f"input[name=officer][value='{officer_id}']").click()
    browser.find_element(By.XPATH, "//button[normalize-space()='Sign in as this officer']").click()
    WebDriverWait(browser, 10).until(lambda b: "/app/sign-in" not in b.current_url)


def sign_in_as(browser, base_url: str, app, sub: str, *roles: str, name: str = "") -> None:
    """Give the browser the sign-in cookie of an officer with ``roles`` for the server at
    ``base_url`` (serving ``app``), without a sign-in page."""
    from .pages import COOKIE, cookie_for

    browser.get(f"{base_url}/app/static/casework-pages.mjs")  # a page on the host, to set its cookie
    browser.add_cookie({"name": COOKIE, "value": cookie_for(app, sub, *roles, name=name), "path": "/",
                        "httpOnly": True, "sameSite": "Lax"})


def govuk_conditional_reveal(rule: str, node: dict) -> bool:
    """axe-core's one finding on GOV.UK Frontend's own markup that is let through: a radio that
    reveals a question carries ``aria-expanded``, which ARIA does not yet allow on a radio, so
    axe-core's ``aria-allowed-attr`` calls it critical. The Design System keeps it on purpose and
    documents it as a known issue: screen readers announce it and research found no barrier
    (alphagov/govuk-frontend#979 and #1280; the maintainers' answer on #2823; the proposal to allow
    it, w3c/aria#1404). Only that attribute, and only on a GOV.UK radio, passes."""
    unallowed = [value for check in (*node.get("any", []), *node.get("all", []), *node.get("none", []))
                 for value in _values(check.get("data"))]
    return rule == "aria-allowed-attr" and "govuk-radios__input" in node.get("html", "") and bool(unallowed) \
        and all(str(value).startswith("aria-expanded=") for value in unallowed)


def _values(data: object) -> list:
    """A check's data: a list of ``name="value"`` (older axe-core) or ``{"values": [...]}``."""
    if isinstance(data, dict):
        data = data.get("values")
    return list(data) if isinstance(data, list) else []


def axe_violations(browser, impacts: tuple[str, ...] = FAILING_IMPACTS) -> list[dict]:
    """axe-core's violations on the open page with one of ``impacts`` (WCAG 2.2 A and AA rules),
    but for GOV.UK's conditional reveal (:func:`govuk_conditional_reveal`).

    Injected through the driver; a browser with JavaScript off runs no script at all, axe-core's
    included, so check the same page with JavaScript on.
    """
    browser.set_script_timeout(30)
    browser.execute_script(AXE.read_text())
    found = browser.execute_async_script("""
        const done = arguments[arguments.length - 1];
        axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa']}})
           .then(result => done(result.violations), error => done([{id: 'axe-error', impact: 'critical',
                                                                    help: String(error), nodes: []}]));""")
    failing = []
    for violation in found:
        nodes = [n for n in violation.get("nodes", []) if not govuk_conditional_reveal(violation["id"], n)]
        if violation.get("impact") in impacts and (nodes or not violation.get("nodes")):
            failing.append({"id": violation["id"], "impact": violation["impact"], "help": violation["help"],
                            "nodes": [n.get("html", "")[:200] for n in nodes][:5]})
    return failing


def assert_accessible(browser) -> None:
    """No serious or critical axe-core violation on the open page (GOV.UK's conditional-reveal
    radios' ``aria-expanded`` aside: :func:`govuk_conditional_reveal`)."""
    violations = axe_violations(browser)
    assert violations == [], f"axe-core on {browser.current_url}: {violations}"


def screenshot(browser, path: Path, *, width: int = 1100) -> Path:
    """The whole open page as a PNG at ``path`` (the window grown to the page's height)."""
    browser.execute_script("window.scrollTo(0, 0); document.activeElement && document.activeElement.blur();")
    height = browser.execute_script("return document.documentElement.scrollHeight;")
    browser.set_window_size(width, min(height + 140, 4000))
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        assert browser.save_screenshot(str(path))
    finally:
        browser.set_window_size(1100, 900)
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    return path


@contextlib.contextmanager
def performance_page_in_chromium(app, start: dt.date, end: dt.date, *, javascript: bool, shot: Path) -> Iterator:
    """A team leader's ``/app/performance`` of ``app`` on a real server in Chromium, showing
    ``start`` to ``end`` asked on its date form (a plain GET form, so it works with JavaScript off).
    Yields the browser for the page's own checks; then, with JavaScript on, axe-core finds nothing
    serious and the page is kept as a screenshot at ``shot``."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    with serve(app) as url, chromium(javascript=javascript) as browser:
        sign_in_as(browser, url, app, "leader-1", "team_leader", name="Leader One")
        browser.get(f"{url}/app/performance")
        for name, day in (("from", start), ("to", end)):
            for part in ("day", "month", "year"):
                field = browser.find_element(By.ID, f"{name}-{part}")
                field.clear()
                field.send_keys(str(getattr(day, part)))
        browser.find_element(By.XPATH, "//button[normalize-space()='Show figures']").click()
        # The GET form's answer, however slow the machine (the address changes when it arrives).
        WebDriverWait(browser, 30).until(lambda b: f"from-year={start.year}" in b.current_url)
        yield browser
        if javascript:  # axe-core is a script: a browser with JavaScript off runs none
            assert_accessible(browser)
            screenshot(browser, shot)
