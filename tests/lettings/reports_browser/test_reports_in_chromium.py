"""The live voids and performance pages in a real browser on PostgreSQL: what a manager sees,
filtering by a plain GET form, axe-core's check, and the screenshots in docs/screenshots
(written there when ``CASEWORK_SCREENSHOTS`` names the folder)."""

import os
from pathlib import Path

from lettings_reports_data import made_data
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select, WebDriverWait

from casework.workdays import london_today
from casework_dev.testing.browser import assert_accessible, gone, screenshot, sign_in_as


def test_a_manager_reads_the_voids_and_the_performance_pages(lettings, server, browser, tmp_path):
    with lettings.db.transaction() as session:
        made = made_data(session, london_today())
    shots = Path(os.environ.get("CASEWORK_SCREENSHOTS") or tmp_path)
    sign_in_as(browser, server, lettings.app, "leader-1", "team_leader", name="Tara Leader")

    browser.get(f"{server}/app/")
    assert browser.current_url == f"{server}/app/voids"
    assert browser.find_element(By.TAG_NAME, "h1").text == "Homes standing empty"
    rows = browser.find_elements(By.CSS_SELECTOR, "tbody tr")
    assert [r.find_element(By.TAG_NAME, "th").text.splitlines()[-1] for r in rows] == [
        "P-900001", "P-900004", "P-900002", "P-900006", "P-900003", "P-900005"]
    assert f"Offered to {made['a1']}" in rows[4].text and "£120.00" in rows[4].text
    assert_accessible(browser)
    screenshot(browser, shots / "lettings-voids.png")

    Select(browser.find_element(By.ID, "stage")).select_by_visible_text("Accepted")
    before = browser.find_element(By.TAG_NAME, "html")
    browser.find_element(By.XPATH, "//button[normalize-space()='Show voids']").click()
    WebDriverWait(browser, 30).until(gone(before))  # the filtered list, not the one before
    rows = browser.find_elements(By.CSS_SELECTOR, "tbody tr")
    assert len(rows) == 1 and f"Accepted by {made['a2']}" in rows[0].text

    browser.get(f"{server}/app/performance?from=2025-01-01&to=2025-03-31")
    assert browser.find_element(By.TAG_NAME, "h1").text == "Lettings performance"
    assert "2025-01\n2\n21.0\n£140.00\n£280.00" in browser.find_element(By.ID, "void-months").find_element(
        By.XPATH, "following-sibling::div").text.replace(" ", "\n")
    assert len(browser.find_elements(By.CSS_SELECTOR, "figure svg[role=img]")) == 2
    assert_accessible(browser)
    screenshot(browser, shots / "lettings-performance.png")
