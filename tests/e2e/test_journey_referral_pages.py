"""Journey 1 through the officers' pages in headless Chromium, on real servers (every api and worker
as its own process on PostgreSQL and RabbitMQ; and `casework run`, embedded), signed in as each
officer in turn: a housing officer raises a referral on the form → an intake officer finds it in
the triage queue and, from the task in the inbox, on its page, and accepts it → the triage task
closes by itself → sustainment opens the case. With JavaScript on real servers (axe-core checks each
intake page), without it on the embedded system (``conftest.with_javascript``); screenshots of the queue, the referral and the new-referral form (CASEWORK_SCREENSHOTS)."""

from __future__ import annotations

import os
import re
import uuid
from pathlib import Path

import pytest

from .conftest import inbox_task_link, one_case, one_task, task_status, with_javascript

pytestmark = pytest.mark.slow

HOUSING_OFFICER = "hana-housing"


@pytest.fixture(scope="module")
def housing_officer(people):
    r = people.admin.post("notifications", "/officers", {
        "id": HOUSING_OFFICER, "name": "Hana Housing", "teams": [], "roles": ["housing_officer"],
        "email": f"{HOUSING_OFFICER}@council.example.gov.uk", "email_preference": "off"})
    assert r.status_code in (201, 409), r.text
    return HOUSING_OFFICER


def _by():
    from selenium.webdriver.common.by import By

    return By


def wait(browser, condition, timeout: float = 15):
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(browser, timeout).until(condition)


def choose(browser, name: str, value: str) -> None:
    """Tick a GOV.UK radio or checkbox by clicking its label, as a person does."""
    By = _by()  # noqa: N806 - selenium's name
    box = browser.find_element(By.CSS_SELECTOR, f"input[name='{name}'][value='{value}']")
    browser.find_element(By.CSS_SELECTOR, f"label[for='{box.get_attribute('id')}']").click()
    assert box.is_selected()


def type_into(browser, field_id: str, value: str) -> None:
    field = browser.find_element(_by().ID, field_id)
    field.clear()
    field.send_keys(value)


def press(browser, text: str) -> None:
    browser.find_element(_by().XPATH, f"//button[normalize-space()='{text}']").click()


def banner(browser) -> str:
    found = wait(browser, lambda b: b.find_elements(_by().CSS_SELECTOR, ".govuk-notification-banner--success"))
    return found[0].text


def sign_in(browser, urls, officer_id: str, page_url: str) -> None:
    """Sign out whoever is signed in (one cookie for every service), then sign in as ``officer_id``."""

    from casework_dev.testing.browser import gone, sign_in_in_browser

    browser.get(f"{urls['notifications']}/app/sign-in")
    if browser.find_elements(_by().XPATH, "//button[normalize-space()='Sign out']"):
        before = browser.find_element(_by().TAG_NAME, "html")
        press(browser, "Sign out")
        wait(browser, gone(before))  # signed out before the next sign-in, however slow the machine
    browser.delete_all_cookies()
    sign_in_in_browser(browser, page_url, officer_id)
    assert browser.current_url.startswith(page_url), browser.current_url


def check(browser, javascript: bool) -> None:
    from casework_dev.testing.browser import assert_accessible

    if javascript:  # axe-core is a script: a browser with JavaScript off runs none
        assert_accessible(browser)


def keep(browser, name: str, javascript: bool, tmp_path: Path) -> None:
    from casework_dev.testing.browser import screenshot

    if javascript:
        screenshot(browser, Path(os.environ.get("CASEWORK_SCREENSHOTS") or tmp_path) / name)


def test_a_referral_raised_on_the_form_is_triaged_on_its_page_and_its_task_closes_itself(
        system, people, housing_officer, backend, tmp_path):
    from selenium.webdriver.support.ui import Select as Choice

    from casework_dev.testing.browser import chromium, gone

    By = _by()  # noqa: N806 - selenium's name
    javascript = with_javascript(backend)
    urls = system.urls()
    iris = people.intake_officer
    tenancy = f"T-{uuid.uuid4().hex[:8].upper()}"

    with chromium(javascript=javascript) as browser:
        # The housing officer raises the referral on the form.
        sign_in(browser, urls, housing_officer, f"{urls['intake']}/app/referrals/new")
        assert browser.find_element(By.TAG_NAME, "h1").text == "Raise a referral"
        check(browser, javascript)
        browser.refresh()  # without the "signed in" banner
        keep(browser, "intake-new-referral.png", javascript, tmp_path)
        press(browser, "Raise referral")  # nothing filled in: refused, naming the fields
        summary = wait(browser, lambda b: b.find_elements(By.CSS_SELECTOR, ".govuk-error-summary"))[0].text
        assert "Enter the person’s full name" in summary and "Select at least one reason" in summary
        check(browser, javascript)

        type_into(browser, "person_name", "Alex Morgan")
        type_into(browser, "date_of_birth-day", "2")
        type_into(browser, "date_of_birth-month", "3")
        type_into(browser, "date_of_birth-year", "1984")
        type_into(browser, "tenancy_ref", tenancy)
        choose(browser, "reasons", "rent_arrears")
        choose(browser, "reasons", "mental_health")
        type_into(browser, "details", "Tenant has stopped engaging and mentioned feeling low.")
        type_into(browser, "arrears_balance", "1300.00")
        type_into(browser, "weekly_rent", "130.00")
        choose(browser, "consent", "yes")
        method = browser.find_element(By.CSS_SELECTOR, "input[name='consent_method'][value='verbal']")
        wait(browser, lambda b: b.find_element(By.CSS_SELECTOR, f"label[for='{method.get_attribute('id')}']").is_displayed())
        choose(browser, "consent_method", "verbal")
        if javascript:  # the safeguarding exemption's reason is revealed only for "No"
            assert not browser.find_element(By.ID, "exemption_reason").is_displayed()
        press(browser, "Raise referral")
        assert "raised: the intake team will triage it" in banner(browser)
        reference = browser.current_url.rsplit("/", 1)[1]
        assert re.fullmatch(r"R-\d{6}", reference), browser.current_url
        assert "Alex Morgan" in browser.page_source and "Triage this referral" not in browser.page_source

        # The intake officer finds it in the triage queue…
        sign_in(browser, urls, iris.sub, f"{urls['intake']}/app/referrals")
        Choice(browser.find_element(By.ID, "risk_level")).select_by_value("high")
        press(browser, "Apply filters")
        wait(browser, lambda b: "risk_level=high" in b.current_url)
        row = browser.find_element(By.XPATH, f"//table[@id='triage-queue']//tr[.//a[normalize-space()='{reference}']]")
        assert "High" in row.text and "Rent arrears, 1 restricted reason" in row.text
        check(browser, javascript)
        keep(browser, "intake-triage-queue.png", javascript, tmp_path)

        # …and in the inbox, whose triage task leads to the referral's page.
        link = inbox_task_link(browser, urls["notifications"], f"Triage referral {reference}", "/app/referrals/")
        inbox = browser.find_element(By.TAG_NAME, "html")
        link.click()
        wait(browser, gone(inbox))  # the referral's page, not the inbox still
        referral_id = browser.current_url.rsplit("/", 1)[1]
        assert browser.current_url == f"{urls['intake']}/app/referrals/{referral_id}"
        assert f"Referral {reference}" in browser.find_element(By.TAG_NAME, "h1").text
        assert "mentioned feeling low" in browser.page_source  # intake officers see restricted details
        check(browser, javascript)
        keep(browser, "intake-referral.png", javascript, tmp_path)
        task = one_task(iris, subject_id=referral_id)
        assert (task["status"], task["closes_itself"]) == ("open", True)

        # The intake officer accepts it on the form.
        choose(browser, "outcome", "accept")
        Choice(browser.find_element(By.ID, "priority")).select_by_value("urgent")
        press(browser, "Record triage decision")
        assert f"Referral {reference} accepted." in banner(browser)
        assert "Triage this referral" not in browser.page_source
        check(browser, javascript)

    # The triage task closes by itself, and sustainment opens the case.
    closed = task_status(iris, task["id"], "done", timeout=30)
    assert closed["closed_by"] == "event"
    case = one_case(people.team_leader, timeout=30, referral_id=referral_id)
    assert (case["referral_id"], case["risk_level"], case["tenancy_ref"], case["officer_id"]) == (
        referral_id, "high", tenancy, None)
