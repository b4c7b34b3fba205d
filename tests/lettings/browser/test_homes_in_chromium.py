"""A lettings officer in headless Chromium, on real PostgreSQL: adds a home on the form, makes it
void (and is offered to advertise it), registers an applicant and records a change of circumstances
that moves the band, with its reason and decision date. Once with JavaScript off; axe-core checks
each page; screenshots of the home's and the applicant's pages (CASEWORK_SCREENSHOTS, else docs/)."""

from __future__ import annotations

import datetime as dt
import os
import re
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[3]


def _by():
    from selenium.webdriver.common.by import By

    return By


def type_into(browser, field_id: str, value: str) -> None:
    field = browser.find_element(_by().ID, field_id)
    field.clear()
    field.send_keys(value)


def pick(browser, field_id: str, value: str) -> None:
    from selenium.webdriver.support.ui import Select

    Select(browser.find_element(_by().ID, field_id)).select_by_value(value)


def tick(browser, field_id: str) -> None:
    box = browser.find_element(_by().ID, field_id)
    browser.find_element(_by().CSS_SELECTOR, f"label[for='{field_id}']").click()
    assert box.is_selected()


def date_into(browser, name: str, day: dt.date) -> None:
    type_into(browser, f"{name}-day", str(day.day))
    type_into(browser, f"{name}-month", str(day.month))
    type_into(browser, f"{name}-year", str(day.year))


def press(browser, text: str) -> None:
    """Press a form's button and wait for the page it posts to (the old page gone), so what is
    asked next is asked of the answer, however slow the machine."""
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    before = browser.find_element(_by().TAG_NAME, "html")
    browser.find_element(_by().XPATH, f"//*[(self::button or self::input) and (normalize-space()='{text}' "
                                      f"or @value='{text}')]").click()
    WebDriverWait(browser, 30).until(ec.staleness_of(before))


def banner(browser) -> str:
    from selenium.webdriver.support.ui import WebDriverWait

    found = WebDriverWait(browser, 15).until(
        lambda b: b.find_elements(_by().CSS_SELECTOR, ".govuk-notification-banner--success"))
    return found[0].text


def check(browser, javascript: bool) -> None:
    from casework_dev.testing.browser import assert_accessible

    if javascript:  # axe-core is a script: with JavaScript off none runs
        assert_accessible(browser)


def keep(browser, name: str, javascript: bool) -> None:
    from casework_dev.testing.browser import screenshot

    if javascript:
        browser.refresh()  # without the success banner
        screenshot(browser, Path(os.environ.get("CASEWORK_SCREENSHOTS") or ROOT / "docs" / "screenshots") / name)


@pytest.mark.parametrize("javascript", [True, False], ids=["javascript", "no-javascript"])
def test_a_home_made_void_and_an_applicant_whose_band_moves(lettings, server, javascript):
    from casework_dev.testing.browser import chromium, sign_in_as

    By = _by()  # noqa: N806 - selenium's name
    today = dt.date.today()
    with chromium(javascript=javascript) as browser:
        sign_in_as(browser, server, lettings.app, "lola-lettings", "lettings_officer", name="Lola Lettings")

        browser.get(f"{server}/app/properties/new")
        assert browser.find_element(By.TAG_NAME, "h1").text == "Add a home"
        check(browser, javascript)
        press(browser, "Add the home")  # nothing filled in: refused, naming the fields
        summary = browser.find_element(By.CSS_SELECTOR, ".govuk-error-summary").text
        assert summary.count("\n") >= 3
        check(browser, javascript)
        type_into(browser, "address", "Flat 4, 9 Brunel Walk, Swindon SN1 3PQ")
        pick(browser, "property_type", "flat")
        type_into(browser, "bedrooms", "2")
        type_into(browser, "weekly_rent", "104.20")
        tick(browser, "wheelchair_accessible")
        press(browser, "Add the home")
        assert "added" in banner(browser)
        assert re.search(r"/app/properties/P-\d{6}$", browser.current_url), browser.current_url

        date_into(browser, "void-void_date", today - dt.timedelta(days=2))
        pick(browser, "void-reason", "tenant_moved_out")
        press(browser, "Make the home void")
        assert "is void" in banner(browser)
        assert browser.find_element(By.ID, "advertise").get_attribute("href").endswith("/advertise")
        check(browser, javascript)
        keep(browser, "lettings-property.png", javascript)

        browser.get(f"{server}/app/applicants/new")
        check(browser, javascript)
        type_into(browser, "household-0-name", "Priya Shah")
        date_into(browser, "household-0-date_of_birth", dt.date(1988, 7, 3))
        pick(browser, "household-0-sex", "F")
        pick(browser, "household-0-relationship", "applicant")
        type_into(browser, "household-1-name", "Dev Shah")
        date_into(browser, "household-1-date_of_birth", today.replace(year=today.year - 12))
        pick(browser, "household-1-sex", "M")
        pick(browser, "household-1-relationship", "child")
        type_into(browser, "household-2-name", "Mira Shah")
        date_into(browser, "household-2-date_of_birth", today.replace(year=today.year - 8))
        pick(browser, "household-2-sex", "F")
        pick(browser, "household-2-relationship", "child")
        pick(browser, "band", "C")
        date_into(browser, "effective_date", dt.date(2025, 2, 3))
        type_into(browser, "monthly_net", "1450.00")
        press(browser, "Register the applicant")
        assert "registered" in banner(browser)
        assert "3 bedrooms" in browser.find_element(By.ID, "bedroom-need").text

        pick(browser, "band", "A")
        type_into(browser, "monthly_net", "1600.00")
        press(browser, "Record the change")  # a band moved without its decision: refused
        assert browser.find_elements(By.CSS_SELECTOR, "a[href='#band_reason']")
        check(browser, javascript)
        pick(browser, "band", "A")
        type_into(browser, "band_reason", "Medical priority awarded by the medical adviser.")
        date_into(browser, "decision_date", today - dt.timedelta(days=1))
        press(browser, "Record the change")
        assert "Change of circumstances recorded" in banner(browser)
        assert browser.find_element(By.ID, "band-now").text.startswith("Band A")
        assert "Medical priority awarded" in browser.find_element(By.ID, "band-history").text
        check(browser, javascript)
        keep(browser, "lettings-applicant.png", javascript)
