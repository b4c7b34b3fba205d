"""An officer's inbox in a real browser: live tasks, plain form posts, and accessibility checks."""

import datetime as dt
import os
import uuid
from pathlib import Path

from notifications_support import ADMIN, add_directory, case, event, handle, publish, referral
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support import expected_conditions as ec
from selenium.webdriver.support.ui import WebDriverWait

from casework_dev.testing import bearer, wait_until
from casework_dev.testing.browser import assert_accessible, screenshot, sign_in_in_browser

TSO = bearer("o-tso", "sustainment_officer")
YELLOW = "rgb(255, 221, 0)"


def sign_in(browser, server, officer_id="o-tso"):
    browser.delete_all_cookies()
    sign_in_in_browser(browser, f"{server}/inbox", officer_id)  # the old address leads there too
    WebDriverWait(browser, 10).until(ec.text_to_be_present_in_element((By.TAG_NAME, "h1"), "Your inbox"))
    assert browser.current_url == f"{server}/app/inbox"


def card_titled(browser, title):
    cards = [c for c in browser.find_elements(By.CSS_SELECTOR, "li[id^='task-']") if title in c.text]
    return cards[0] if cards else None


def test_an_event_shows_up_live_and_the_task_closes_itself_when_its_work_is_recorded(notifications, worker, server,
                                                                                       browser):
    add_directory(notifications)
    sign_in(browser, server)
    assert browser.find_element(By.ID, "mine-empty").is_displayed()
    browser.execute_script("window.notReloaded = true;")
    case_id = uuid.uuid4()

    publish(notifications, case("opened", case_id), case("assigned", case_id))

    card = WebDriverWait(browser, 20).until(lambda b: card_titled(b, "First contact for case C-000045"))
    assert browser.execute_script("return window.notReloaded === true;"), "the page must not reload"
    assert not browser.find_element(By.ID, "mine-empty").is_displayed()
    assert "Your tasks (1)" in browser.find_element(By.ID, "mine-heading").text
    assert "New task: First contact for case C-000045" in browser.find_element(By.ID, "live-status").get_attribute(
        "textContent")
    task_id = card.get_attribute("id").removeprefix("task-")

    # Marking it done is refused (the contact is recorded on the case instead)…
    card.find_element(By.XPATH, ".//button[starts-with(normalize-space(), 'Mark as done')]").click()
    WebDriverWait(browser, 10).until(ec.text_to_be_present_in_element((By.CSS_SELECTOR, ".govuk-error-summary, "
                                                                       ".govuk-notification-banner"), "closes itself"))
    assert notifications.client.get(f"/tasks/{task_id}", headers=TSO).json["status"] == "open"

    # …and recording the contact closes it.
    publish(notifications, event("sustainment.contact.recorded", {
        "case_id": case_id, "reference": "C-000045", "case_type": "sustainment", "officer_id": "o-tso",
        "first_contact_at": dt.datetime.now(dt.UTC)}, subject=str(case_id)))
    wait_until(lambda: notifications.client.get(f"/tasks/{task_id}", headers=TSO).json["status"] == "done",
               message="the first-contact task to close itself")
    browser.refresh()
    assert card_titled(browser, "First contact for case C-000045") is None


def test_signed_out_elsewhere_the_open_page_stops_asking_and_says_so(notifications, server, browser):
    add_directory(notifications)
    sign_in(browser, server)
    csrf = browser.find_element(By.CSS_SELECTOR, "input[name=csrf_token]").get_attribute("value")

    # As if signed out in another tab: the same cookie, a plain form post.
    browser.execute_script("fetch('/app/sign-out', {method: 'POST', credentials: 'same-origin', "
                           "body: new URLSearchParams({csrf_token: arguments[0]})});", csrf)

    WebDriverWait(browser, 10).until(ec.text_to_be_present_in_element_attribute(
        (By.ID, "live-status"), "textContent", "Your session has ended"))
    browser.get(f"{server}/app/inbox")
    assert "/app/sign-in" in browser.current_url


def test_the_sign_in_page_is_accessible(notifications, server, browser, tmp_path):
    add_directory(notifications)
    browser.delete_all_cookies()
    browser.get(f"{server}/app/sign-in")

    assert_accessible(browser)
    browser.find_element(By.XPATH, "//button[normalize-space()='Sign in as this officer']").click()  # none chosen
    WebDriverWait(browser, 10).until(ec.presence_of_element_located((By.CSS_SELECTOR, ".govuk-error-summary")))
    assert "Select the officer you are signing in as" in browser.find_element(By.CSS_SELECTOR, ".govuk-error-message").text
    # GOV.UK Frontend's own scripts run under the pages' Content-Security-Policy: the template's
    # inline line (by its nonce) marks the body, and the error summary module takes the focus.
    assert "govuk-frontend-supported" in browser.find_element(By.TAG_NAME, "body").get_attribute("class")
    WebDriverWait(browser, 5).until(lambda b: "govuk-error-summary" in b.switch_to.active_element.get_attribute("class"))
    assert_accessible(browser)
    screenshot(browser, Path(os.environ.get("CASEWORK_SCREENSHOTS") or tmp_path) / "sign-in.png")


def test_the_inbox_is_accessible_and_keeps_a_screenshot(notifications, server, browser, tmp_path):
    add_directory(notifications)
    _populate(notifications)
    sign_in(browser, server)

    assert_accessible(browser)
    _assert_headings_in_order(browser)
    _assert_every_control_is_labelled(browser)
    _assert_statuses_are_words(browser)
    _assert_focus_is_visible(browser)
    browser.refresh()  # without the "signed in" banner
    screenshot(browser, Path(os.environ.get("CASEWORK_SCREENSHOTS") or tmp_path) / "inbox.png")


def test_with_javascript_off_an_officer_signs_in_takes_and_finishes_a_task(notifications, server,
                                                                           browser_without_javascript):
    browser = browser_without_javascript
    add_directory(notifications)
    handle(notifications, case("opened", uuid.uuid4()))
    sign_in(browser, server)
    assert "js-enabled" not in browser.find_element(By.TAG_NAME, "body").get_attribute("class")

    browser.find_element(By.XPATH, "//button[starts-with(normalize-space(), 'Take this task')]").click()
    banner = (By.CSS_SELECTOR, ".govuk-notification-banner")
    WebDriverWait(browser, 10).until(ec.text_to_be_present_in_element(banner, "Task taken"))
    card = card_titled(browser, "Assign case C-000045")
    card.find_element(By.XPATH, ".//button[starts-with(normalize-space(), 'Mark as done')]").click()

    WebDriverWait(browser, 10).until(ec.text_to_be_present_in_element(banner, "Task done: Assign case C-000045"))
    assert card_titled(browser, "Assign case C-000045") is None
    browser.find_element(By.XPATH, "//button[normalize-space()='Sign out']").click()
    assert "/app/sign-in" in browser.current_url and "You have signed out" in browser.page_source


def test_at_400_percent_zoom_nothing_scrolls_sideways_and_the_keyboard_still_works(notifications, server,
                                                                                    browser):
    add_directory(notifications)
    _populate(notifications)
    sign_in(browser, server)
    # 1280 CSS pixels at 400% zoom are 320: WCAG 1.4.10's reflow width.
    browser.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                            {"width": 320, "height": 640, "deviceScaleFactor": 1, "mobile": False})
    try:
        browser.refresh()
        width = browser.execute_script("return window.innerWidth;")
        scroll = browser.execute_script("return document.documentElement.scrollWidth;")
        assert width == 320 and scroll <= width, f"the page is {scroll}px wide in a {width}px viewport"
        claim = browser.find_element(By.XPATH, "//button[starts-with(normalize-space(), 'Take this task')]")
        claim.send_keys(Keys.ENTER)
        WebDriverWait(browser, 10).until(ec.text_to_be_present_in_element(
            (By.CSS_SELECTOR, ".govuk-notification-banner"), "Task taken"))
    finally:
        browser.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
    mine = browser.find_element(By.ID, "mine-list").text
    assert "Assign case C-000045" in mine


def _populate(harness):
    """A day's work for o-tso: an overdue case, a new one, a team task, another team's referral."""
    import datetime as dt

    late, fresh, queued = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    handle(harness, case("opened", queued))
    handle(harness, case("opened", late, reference="C-000031"))
    handle(harness, case("assigned", late, reference="C-000031",
                         first_contact_due=dt.datetime.now(dt.UTC) - dt.timedelta(days=2)))
    handle(harness, case("opened", fresh, reference="C-000052", case_type="onboarding", risk_level="critical"))
    handle(harness, case("assigned", fresh, reference="C-000052", case_type="onboarding", risk_level="critical"))
    handle(harness, referral())
    assert len(harness.client.get("/tasks", headers=ADMIN).json) == 6
    r = harness.client.put("/officers/o-tso", headers=ADMIN, json={
        "name": "Sam Okafor", "email": "sam.okafor@council.test", "teams": ["sustainment"],
        "roles": ["sustainment_officer"]})
    assert r.status_code == 200, r.json


def _assert_headings_in_order(browser):
    levels = browser.execute_script(
        "return Array.from(document.querySelectorAll('h1,h2,h3,h4,h5,h6')).map(h => +h.tagName[1]);")
    assert levels.count(1) == 1
    previous = 1
    for level in levels:
        assert level <= previous + 1, f"a heading level is skipped: {levels}"
        previous = level


def _assert_every_control_is_labelled(browser):
    unlabelled = browser.execute_script("""
        return Array.from(document.querySelectorAll('input:not([type=hidden]), select, textarea, button'))
          .filter(el => !(el.labels && el.labels.length) && !el.getAttribute('aria-label')
                        && !(el.tagName === 'BUTTON' && el.textContent.trim()))
          .map(el => el.outerHTML);""")
    assert unlabelled == []


def _assert_statuses_are_words(browser):
    tags = browser.find_elements(By.CSS_SELECTOR, ".govuk-tag")
    assert tags and all(tag.get_attribute("textContent").strip() for tag in tags)
    overdue = card_titled(browser, "First contact for case C-000031")
    assert "Overdue" in overdue.text and "2 days overdue" in overdue.text


def _assert_focus_is_visible(browser):
    body = browser.find_element(By.TAG_NAME, "body")
    body.click()
    seen = []
    for _ in range(8):
        browser.switch_to.active_element.send_keys(Keys.TAB)
        style = browser.execute_script("""
            const el = document.activeElement, s = getComputedStyle(el);
            return [el.tagName, s.backgroundColor, s.outlineColor, s.borderColor, s.boxShadow];""")
        seen.append(style[0])
        assert any(YELLOW in part for part in style[1:]), f"no yellow focus ring on {style}"
    assert "BUTTON" in seen and "A" in seen


def test_a_browser_given_an_officers_cookie_opens_the_inbox_without_the_sign_in_page(notifications, server, browser):
    from casework_dev.testing.browser import sign_in_as

    browser.delete_all_cookies()
    sign_in_as(browser, server, notifications.app, "o-tso", "sustainment_officer", name="Sam Okafor")
    browser.get(f"{server}/app/inbox")

    assert browser.current_url == f"{server}/app/inbox"
    assert browser.find_element(By.TAG_NAME, "h1").text == "Your inbox"
    assert "Sam Okafor" in browser.find_element(By.CSS_SELECTOR, ".govuk-service-navigation").text
