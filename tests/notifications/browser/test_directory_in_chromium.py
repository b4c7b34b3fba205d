"""The officer directory in a real browser: accessible, and every action a plain form post that
works with JavaScript off (mark an officer away, their tasks moved; change their roles)."""

import os
import uuid
from pathlib import Path

from notifications_support import ADMIN, add_directory, case, handle
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as ec
from selenium.webdriver.support.ui import Select, WebDriverWait

from casework_dev.testing.browser import assert_accessible, gone, screenshot, sign_in_in_browser

BANNER = (By.CSS_SELECTOR, ".govuk-notification-banner")


def directory_with_an_admin(harness) -> None:
    add_directory(harness)
    r = harness.client.post("/officers", headers=ADMIN, json={
        "id": "o-admin", "name": "Ada Admin", "email": "ada@council.test", "roles": ["admin"],
        "email_preference": "off"})
    assert r.status_code == 201, r.json
    for officer_id, name in (("o-tso", "Sam Okafor"), ("o-leader", "Lee Leader")):
        current = harness.client.get(f"/officers/{officer_id}", headers=ADMIN).json
        harness.client.put(f"/officers/{officer_id}", headers=ADMIN, json={
            "name": name, "email": current["email"], "teams": current["teams"], "roles": current["roles"]})


def press(browser, element) -> None:
    """Click a button or link and wait for the page it leads to (the old one gone), so what is
    read next is read from the answer, however slow the machine."""
    before = browser.find_element(By.TAG_NAME, "html")
    element.click()
    WebDriverWait(browser, 30).until(gone(before))


def open_directory(browser, server):
    browser.delete_all_cookies()
    sign_in_in_browser(browser, f"{server}/app/admin/officers", "o-admin")
    WebDriverWait(browser, 10).until(ec.text_to_be_present_in_element((By.TAG_NAME, "h1"), "Officers"))


def test_the_directory_and_an_officers_page_are_accessible(notifications, server, browser, tmp_path):
    directory_with_an_admin(notifications)
    open_directory(browser, server)

    assert_accessible(browser)
    assert "Officers" in browser.find_element(By.CSS_SELECTOR, ".govuk-service-navigation").text
    screenshot(browser, Path(os.environ.get("CASEWORK_SCREENSHOTS") or tmp_path) / "admin-officers.png")

    press(browser, browser.find_element(By.LINK_TEXT, "Sam Okafor"))
    WebDriverWait(browser, 10).until(ec.text_to_be_present_in_element((By.TAG_NAME, "h1"), "Sam Okafor"))
    assert_accessible(browser)
    # A refused form: the error summary and the inline error, still accessible.
    press(browser, browser.find_element(By.XPATH, "//button[normalize-space()='Mark away and move their tasks']"))
    WebDriverWait(browser, 10).until(ec.presence_of_element_located((By.CSS_SELECTOR, ".govuk-error-summary")))
    assert "Select the colleague" in browser.find_element(By.ID, "away-tasks_to-error").text
    assert_accessible(browser)


def test_with_javascript_off_an_admin_marks_an_officer_away_and_their_tasks_move(
        notifications, server, browser_without_javascript):
    browser = browser_without_javascript
    directory_with_an_admin(notifications)
    for _ in range(2):
        handle(notifications, case("assigned", uuid.uuid4(), officer_id="o-tso"))
    open_directory(browser, server)
    assert "js-enabled" not in browser.find_element(By.TAG_NAME, "body").get_attribute("class")

    Select(browser.find_element(By.ID, "team")).select_by_visible_text("Sustainment")
    press(browser, browser.find_element(By.XPATH, "//button[normalize-space()='Show officers']"))
    assert "Lettings" not in browser.find_element(By.ID, "officers").text
    press(browser, browser.find_element(By.LINK_TEXT, "Sam Okafor"))
    Select(browser.find_element(By.ID, "away-tasks_to")).select_by_visible_text("Lee Leader")
    browser.find_element(By.ID, "away-reason").send_keys("Annual leave")
    press(browser, browser.find_element(By.XPATH, "//button[normalize-space()='Mark away and move their tasks']"))

    WebDriverWait(browser, 10).until(ec.text_to_be_present_in_element(BANNER, "2 open tasks moved"))
    tasks = notifications.client.get("/tasks", headers=ADMIN).json
    assert [t["assignee"] for t in tasks if t["status"] == "open" and t["assignee"]] == ["o-leader", "o-leader"]

    press(browser, browser.find_element(By.XPATH, "//button[normalize-space()='Mark Sam Okafor back']"))
    WebDriverWait(browser, 10).until(ec.text_to_be_present_in_element(BANNER, "is back"))

    browser.find_element(By.CSS_SELECTOR, "input[name=roles][value=team_leader]").click()
    press(browser, browser.find_element(By.XPATH, "//button[normalize-space()='Save changes']"))
    WebDriverWait(browser, 10).until(ec.text_to_be_present_in_element(BANNER, "teams and roles saved"))
    assert "team_leader" in notifications.client.get("/officers/o-tso", headers=ADMIN).json["roles"]
