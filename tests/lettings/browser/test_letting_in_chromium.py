"""Journey 2 through the lettings pages in headless Chromium on real PostgreSQL: a void home
advertised on its form → bids placed for two applicants (one refused with its reasons) → bidding
closed → the ranked shortlist → the home offered to the top bidder → refused with a reason from the
council's list → offered to the next → accepted → the checks with the residual income → signed up
→ the letters. The home, its void and the applicants are set up through the API (their pages are
another part's). Once with JavaScript off; axe-core on every page; screenshots of the advert and the
offer (CASEWORK_SCREENSHOTS, e.g. docs/screenshots)."""

from __future__ import annotations

import datetime as dt
import os
import re
from pathlib import Path

import pytest

from casework_dev.testing import bearer

pytestmark = pytest.mark.slow

OFFICER = bearer("officer-1", "lettings_officer")


def _by():
    from selenium.webdriver.common.by import By

    return By


def wait(browser, condition, timeout: float = 15):
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(browser, timeout).until(condition)


def fill(browser, field_id: str, value: str) -> None:
    field = browser.find_element(_by().ID, field_id)
    field.clear()
    field.send_keys(value)


def date_into(browser, prefix: str, day: dt.date) -> None:
    for part, value in (("day", day.day), ("month", day.month), ("year", day.year)):
        fill(browser, f"{prefix}-{part}", str(value))


def choose(browser, name: str, value: str) -> None:
    """Tick a GOV.UK radio by clicking its label, as a person does."""
    By = _by()  # noqa: N806 - selenium's name
    box = browser.find_element(By.CSS_SELECTOR, f"input[name='{name}'][value='{value}']")
    browser.find_element(By.CSS_SELECTOR, f"label[for='{box.get_attribute('id')}']").click()
    assert box.is_selected()


def press(browser, action_ends: str, label: str) -> None:
    """The button labelled ``label`` in the form posting to a URL ending ``action_ends``."""
    from selenium.webdriver.support import expected_conditions as ec

    before = browser.find_element(_by().TAG_NAME, "html")
    form = next(f for f in browser.find_elements(_by().TAG_NAME, "form")
                if (f.get_attribute("action") or "").endswith(action_ends))
    form.find_element(_by().XPATH, f".//button[starts-with(normalize-space(), '{label}')]").click()
    wait(browser, ec.staleness_of(before))  # the answer's page, however slow the machine


def banner(browser, text: str) -> None:
    """Wait for the next page's success banner saying ``text`` (the last page's may still be showing)."""
    from selenium.webdriver.support import expected_conditions as ec

    wait(browser, ec.text_to_be_present_in_element((_by().CSS_SELECTOR, ".govuk-notification-banner--success"), text))


def problems(browser) -> str:
    return wait(browser, lambda b: b.find_elements(_by().CSS_SELECTOR, ".govuk-error-summary"))[0].text


def check(browser, javascript: bool) -> None:
    from casework_dev.testing.browser import assert_accessible

    if javascript:  # axe-core is a script: a browser with JavaScript off runs none
        assert_accessible(browser)


def keep(browser, name: str, javascript: bool, tmp_path: Path) -> None:
    from casework_dev.testing.browser import screenshot

    if javascript:
        screenshot(browser, Path(os.environ.get("CASEWORK_SCREENSHOTS") or tmp_path) / name)


def api(lettings, method: str, path: str, body: dict | None = None) -> dict:
    r = getattr(lettings.client, method)(path, json=body, headers=OFFICER)
    assert r.status_code in (200, 201), r.json
    return r.json


def applicant(lettings, band: str, children: int = 2, **changes) -> dict:
    def person(relationship, age, sex):
        born = dt.date.today().replace(year=dt.date.today().year - age) - dt.timedelta(days=10)
        return {"name": f"{relationship.title()} {age}", "date_of_birth": born.isoformat(), "sex": sex,
                "relationship": relationship}

    household = [person("applicant", 35, "F"), *[person("child", 4 + 2 * i, "MF"[i % 2]) for i in range(children)]]
    return api(lettings, "post", "/applicants", {
        "household": household, "band": band, "effective_date": "2024-01-10", "application_date": "2023-12-01",
        "income": {"monthly_net": "2100.00", "monthly_outgoings": "900.00"},
        "contact": {"phone": "07700 900123", "email": "tenant@example.org"}, **changes})


@pytest.mark.parametrize("javascript", [True, False], ids=["javascript", "no-javascript"])
def test_a_void_home_advertised_shortlisted_offered_refused_offered_again_and_signed_up(
        lettings, server, javascript, tmp_path):
    from casework_dev.testing.browser import chromium, sign_in_as

    By = _by()  # noqa: N806 - selenium's name
    home = api(lettings, "post", "/properties", {
        "address": "Flat 3, 12 Fleming Way, Swindon SN1 2NG", "uprn": "10008123456", "property_type": "flat",
        "bedrooms": 2, "floor": 0, "wheelchair_accessible": False, "weekly_rent": "98.00", "service_charge": "7.00"})
    api(lettings, "post", f"/properties/{home['id']}/void",
        {"void_date": (dt.date.today() - dt.timedelta(days=14)).isoformat(), "reason": "transfer"})
    top, next_one = applicant(lettings, "A"), applicant(lettings, "B")
    too_many = applicant(lettings, "A", children=5)

    with chromium(javascript=javascript) as browser:
        sign_in_as(browser, server, lettings.app, "officer-1", "lettings_officer", name="Lee Lettings")

        # Advertise the void on its form.
        browser.get(f"{server}/app/properties/{home['id']}/advertise")
        assert browser.find_element(By.TAG_NAME, "h1").text == "Advertise the home"
        check(browser, javascript)
        date_into(browser, "closes_on", dt.date.today() + dt.timedelta(days=7))
        press(browser, "/advertise", "Advertise the home")
        banner(browser, "advertised as ADV-")
        advert_url = browser.current_url
        assert re.search(r"/app/adverts/ADV-\d+$", advert_url), advert_url

        # Bids placed for applicants who ask for help; one who cannot be eligible is refused with the reasons.
        for who in (next_one, top, too_many):
            fill(browser, "applicant", who["reference"])
            press(browser, "/bids", "Place the bid")
            if who is too_many:
                assert "There is a problem" in problems(browser)
                assert browser.find_element(By.ID, "applicant-error").text
                check(browser, javascript)
            else:
                banner(browser, f"Bid placed for {who['reference']}")

        # Close bidding: the shortlist, ranked with band and dates.
        press(browser, "/close", "Close bidding")
        banner(browser, "the shortlist is final")
        rows = browser.find_elements(By.CSS_SELECTOR, "#ranked tbody tr")
        assert [r.find_elements(By.TAG_NAME, "td")[1].text.split("\n")[0] for r in rows] == [
            top["reference"], next_one["reference"]]
        assert "10 January 2024" in rows[0].text
        check(browser, javascript)
        browser.get(advert_url)  # without the banner
        keep(browser, "lettings-advert.png", javascript, tmp_path)

        # Offer to the top bidder (chosen already), who refuses: a reason from the council's list.
        press(browser, "/offers", "Make the offer")
        banner(browser, f"made to {top['reference']}")
        first_offer = browser.current_url
        check(browser, javascript)
        press(browser, "/refuse", "Record the refusal")
        assert "Choose why the applicant refused" in problems(browser)
        choose(browser, "reason_code", "location")
        fill(browser, "reason", "Too far from the children's school.")
        choose(browser, "reasonable", "yes")
        press(browser, "/refuse", "Record the refusal")
        banner(browser, "Refusal of")
        details = browser.find_element(By.ID, "offer-details").text
        assert "The area or location does not suit the household: Too far from the children's school." in details
        browser.find_element(By.LINK_TEXT, "Refusal letter").click()
        assert "Refusal letter" in browser.find_element(By.TAG_NAME, "h1").text
        browser.get(first_offer)

        # The next bidder is offered the home, accepts, is checked and signed up.
        browser.find_element(By.PARTIAL_LINK_TEXT, "advert ADV-").click()
        press(browser, "/offers", "Make the offer")
        banner(browser, f"made to {next_one['reference']}")
        press(browser, "/accept", "The applicant accepts")
        banner(browser, "run the pre-tenancy checks next")
        press(browser, "/checks", "Run the pre-tenancy checks")
        banner(browser, "Pre-tenancy checks: pass")
        figures = browser.find_element(By.ID, "check-figures").text
        assert "Residual income each month" in figures and "£745.00" in figures
        check(browser, javascript)
        browser.get(browser.current_url.split("#")[0])
        keep(browser, "lettings-offer.png", javascript, tmp_path)
        date_into(browser, "tenancy_start", dt.date.today())
        press(browser, "/sign-up", "Sign the tenancy up")
        banner(browser, "signed up")
        assert re.search(r"Tenancy T-\d+ signed up", browser.find_element(By.CSS_SELECTOR, ".govuk-notification-banner--success").text)
        assert "Signed up" in browser.find_element(By.ID, "offer-status").text
        browser.find_element(By.LINK_TEXT, "Offer letter").click()
        assert next_one["reference"] in browser.page_source or "Offer letter" in browser.page_source
        check(browser, javascript)

    assert [a["status"] for a in api(lettings, "get", f"/adverts?property_id={home['id']}")] == ["let"]
