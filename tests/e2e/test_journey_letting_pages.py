"""Journey 2 through the officers' pages in headless Chromium, on real servers (every api and
worker as its own process on PostgreSQL and RabbitMQ) and embedded (`casework run`), signed in as
each officer in turn. A lettings officer adds a home and makes it void, finds it on the voids list,
registers three applicants, advertises the home and places their bids; a change of circumstances
excludes one of them (a bid for them now is refused with the reason); bidding closed, the shortlist
is ranked with the excluded bidder and the reason; the home is offered to the top bidder, the
inbox's chase task leads to the offer, the refusal is recorded with a reason code, the next task
leads to the advert and the home is offered to the next bidder, who accepts, passes the
pre-tenancy and affordability checks and signs up. A team leader then finds the high-risk new
tenant's onboarding case among the team's unassigned cases on sustainment's caseload.

axe-core on every kind of page visited on real servers; on the embedded system with JavaScript off
(every action works without it: ``conftest.with_javascript``); screenshots of the home, an applicant, the advert with its
shortlist and the offer (CASEWORK_SCREENSHOTS, e.g. docs/screenshots; the voids list's is the
reports' browser test's, over more homes)."""

from __future__ import annotations

import datetime as dt
import os
import re
import uuid
from pathlib import Path

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as ec
from selenium.webdriver.support.ui import Select, WebDriverWait

from casework.workdays import LONDON
from casework_dev.testing import wait_until
from casework_dev.testing.browser import assert_accessible, gone, screenshot, sign_in_in_browser

from .conftest import inbox_task_link, one_case, task_status

pytestmark = pytest.mark.slow


def wait(browser, condition, timeout: float = 20):
    return WebDriverWait(browser, timeout).until(condition)


def fill(browser, field_id: str, value: str) -> None:
    field = browser.find_element(By.ID, field_id)
    field.clear()
    field.send_keys(value)


def pick(browser, field_id: str, value: str) -> None:
    Select(browser.find_element(By.ID, field_id)).select_by_value(value)


def date_into(browser, prefix: str, day: dt.date) -> None:
    for part, value in (("day", day.day), ("month", day.month), ("year", day.year)):
        fill(browser, f"{prefix}-{part}", str(value))


def choose(browser, name: str, value: str) -> None:
    """Tick a GOV.UK radio or checkbox by clicking its label, as a person does."""
    box = browser.find_element(By.CSS_SELECTOR, f"input[name='{name}'][value='{value}']")
    browser.find_element(By.CSS_SELECTOR, f"label[for='{box.get_attribute('id')}']").click()
    assert box.is_selected()


def press(browser, label: str, action_ends: str = "") -> None:
    """Press the button labelled ``label`` (in the form posting to a URL ending ``action_ends``) and
    wait for the page it posts to (the old one gone), however slow the machine."""
    before = browser.find_element(By.TAG_NAME, "html")
    forms = [f for f in browser.find_elements(By.TAG_NAME, "form")
             if (f.get_attribute("action") or "").split("?")[0].endswith(action_ends)]
    button = next(b for f in forms for b in f.find_elements(
        By.XPATH, f".//*[(self::button or self::input[@type='submit']) and (starts-with(normalize-space(), "
                  f"'{label}') or @value='{label}')]"))
    button.click()
    wait(browser, gone(before))


def follow(browser, link) -> None:
    """Click a link and wait for the page it leads to."""
    before = browser.find_element(By.TAG_NAME, "html")
    link.click()
    wait(browser, gone(before))


def banner(browser, text: str) -> str:
    wait(browser, ec.text_to_be_present_in_element((By.CSS_SELECTOR, ".govuk-notification-banner--success"), text))
    return browser.find_element(By.CSS_SELECTOR, ".govuk-notification-banner--success").text


def problems(browser) -> str:
    return wait(browser, lambda b: b.find_elements(By.CSS_SELECTOR, ".govuk-error-summary"))[0].text


def heading(browser) -> str:
    return browser.find_element(By.TAG_NAME, "h1").text


def check(browser) -> None:
    """axe-core on the open page (a script: with JavaScript off there is nothing to run it)."""
    if browser.javascript:
        assert_accessible(browser)


def keep(browser, name: str, tmp_path: Path) -> None:
    """A screenshot of the open page as it stands without the last action's banner."""
    if browser.javascript:
        browser.get(browser.current_url.split("#")[0])
        screenshot(browser, Path(os.environ.get("CASEWORK_SCREENSHOTS") or tmp_path) / name)


def sign_in(browser, officer_id: str, page_url: str) -> None:
    """Whoever was signed in forgotten (one cookie for every service), ``officer_id`` signs in."""
    browser.delete_all_cookies()
    sign_in_in_browser(browser, page_url, officer_id)
    wait(browser, lambda b: b.current_url.startswith(page_url))


def from_inbox(browser, inbox: str, title: str, page_path: str, *, checked: bool = False) -> None:
    """Find the task titled ``title`` in the inbox (its worker makes it moments after the event)
    and follow its link to the page where its work is done."""
    link = inbox_task_link(browser, inbox, title, page_path)
    if checked:
        check(browser)
    follow(browser, link)


def register(browser, lettings: str, *, name: str, band: str, child: tuple[int, str], **needs) -> str:
    """Register an applicant and a child on the form (from the housing register); their reference."""
    today = dt.datetime.now(LONDON).date()
    browser.get(f"{lettings}/app/applicants")
    follow(browser, browser.find_element(By.LINK_TEXT, "Register an applicant"))
    for i, (who, born, sex, relationship) in enumerate((
            (name, dt.date(1989, 5, 17), "F", "applicant"),
            (f"{name.split()[0]}’s child", today.replace(year=today.year - child[0]) - dt.timedelta(days=30), child[1],
             "child"))):
        fill(browser, f"household-{i}-name", who)
        date_into(browser, f"household-{i}-date_of_birth", born)
        pick(browser, f"household-{i}-sex", sex)
        pick(browser, f"household-{i}-relationship", relationship)
    pick(browser, "band", band)
    date_into(browser, "effective_date", dt.date(2024, 1, 10))
    date_into(browser, "application_date", dt.date(2023, 12, 1))
    for code in needs.get("support_needs", ()):
        choose(browser, "support_needs", code)
    fill(browser, "monthly_net", "2100.00")
    fill(browser, "monthly_outgoings", "900.00")
    press(browser, "Register the applicant")
    reference = banner(browser, "registered").split("Applicant ")[1].split()[0]
    assert re.fullmatch(r"A-\d+", reference), reference
    assert "2 bedrooms" in browser.find_element(By.ID, "bedroom-need").text
    return reference


def test_a_void_is_let_through_the_pages_and_the_new_tenant_appears_in_sustainments_caseload(
        system, people, browser, tmp_path):
    lee, tara = people.lettings_officer, people.team_leader
    urls = system.urls()
    lettings = urls["lettings"]
    today = dt.datetime.now(LONDON).date()
    street = f"{uuid.uuid4().int % 90 + 10} Brunel Walk"

    # The lettings officer adds the home on the form (refused first: nothing filled in) and makes it void.
    sign_in(browser, lee.sub, f"{lettings}/app/voids")
    check(browser)
    follow(browser, browser.find_element(By.LINK_TEXT, "Add a home"))
    assert heading(browser) == "Add a home"
    press(browser, "Add the home")
    assert problems(browser).count("\n") >= 3  # each field it needs, named
    check(browser)
    fill(browser, "address", f"Flat 2, {street}, Swindon SN1 3PQ")
    pick(browser, "property_type", "flat")
    fill(browser, "bedrooms", "2")
    fill(browser, "weekly_rent", "98.00")
    fill(browser, "service_charge", "7.00")
    press(browser, "Add the home")
    home = banner(browser, "added").split("Home ")[1].split()[0]
    assert browser.current_url.endswith(f"/app/properties/{home}")
    follow(browser, browser.find_element(By.ID, "make-void"))
    assert heading(browser) == "Make the home void"
    date_into(browser, "void-void_date", today - dt.timedelta(days=40))
    pick(browser, "void-reason", "tenant_moved_out")
    press(browser, "Make the home void")
    banner(browser, f"Home {home} is void")

    # It stands on the voids list, not yet advertised, with its days void and the rent lost so far.
    browser.get(f"{lettings}/app/voids")
    row = browser.find_element(By.XPATH, f"//tr[contains(., '{home}')]")  # its own among the session's homes
    assert "40" in row.text and "£560.00" in row.text and "Not advertised" in row.text  # £98 × 40 ÷ 7

    # Three applicants registered; the second has a support need (a high-risk new tenant if housed).
    top = register(browser, lettings, name="Priya Shah", band="A", child=(6, "M"))
    check(browser)
    following = register(browser, lettings, name="Grace Okafor", band="B", child=(4, "F"),
                         support_needs=["mental_health"])
    third = register(browser, lettings, name="Dana Wells", band="A", child=(8, "F"))
    third_page = browser.current_url

    # The home is advertised from the voids list, and bids placed for the three.
    browser.get(f"{lettings}/app/voids")
    follow(browser, browser.find_element(By.XPATH, f"//tr[contains(., '{home}')]//a"))
    follow(browser, browser.find_element(By.ID, "advertise"))
    assert heading(browser) == "Advertise the home"
    check(browser)
    date_into(browser, "closes_on", today + dt.timedelta(days=7))
    press(browser, "Advertise the home")
    advert = banner(browser, "advertised as ADV-").rsplit(" ", 1)[1]
    advert_page = browser.current_url
    for bidder in (following, top, third):
        fill(browser, "applicant", bidder)
        press(browser, "Place the bid", "/bids")
        banner(browser, f"Bid placed for {bidder}")

    # The third's circumstances change: a band moved needs its decision (refused without it), and
    # they now need a wheelchair-accessible home, which this is not.
    browser.get(third_page)
    follow(browser, browser.find_element(By.ID, "record-change"))
    assert heading(browser) == "Record a change of circumstances"
    check(browser)
    browser.find_element(By.CSS_SELECTOR, "label[for='wheelchair']").click()
    pick(browser, "band", "B")
    press(browser, "Record the change")
    assert browser.find_elements(By.CSS_SELECTOR, ".govuk-error-summary a[href='#band_reason']")
    check(browser)
    assert browser.find_element(By.ID, "wheelchair").is_selected()  # what was typed is kept
    fill(browser, "band_reason", "Band reviewed after the household's move to a friend's flat.")
    date_into(browser, "decision_date", today - dt.timedelta(days=1))
    press(browser, "Record the change")
    banner(browser, "Change of circumstances recorded")
    assert browser.find_element(By.ID, "band-now").text.startswith("Band B")
    assert "Band reviewed" in browser.find_element(By.ID, "band-history").text
    keep(browser, "lettings-applicant.png", tmp_path)

    # A bid for them now is refused with the reason; bidding closed: the shortlist ranked by band
    # and dates, the third excluded with the reason.
    browser.get(advert_page)
    fill(browser, "applicant", third)
    press(browser, "Place the bid", "/bids")
    assert "There is a problem" in problems(browser)
    assert "not wheelchair accessible" in browser.find_element(By.ID, "applicant-error").text
    press(browser, "Close bidding", "/close")
    banner(browser, "the shortlist is final")
    ranked = browser.find_elements(By.CSS_SELECTOR, "#ranked tbody tr")
    assert [r.find_elements(By.TAG_NAME, "td")[1].text.split("\n")[0] for r in ranked] == [top, following]
    assert [r.find_elements(By.TAG_NAME, "td")[2].text for r in ranked] == ["A", "B"]
    assert "10 January 2024" in ranked[0].text
    excluded = browser.find_element(By.ID, "excluded").text
    assert third in excluded and "needs wheelchair access and the home is not wheelchair accessible" in excluded
    check(browser)
    keep(browser, "lettings-advert.png", tmp_path)

    # Offered to the top bidder (chosen already); the inbox's chase task leads to the offer.
    press(browser, "Make the offer", "/offers")
    first_offer = banner(browser, f"made to {top}").split("Offer ")[1].split()[0]
    from_inbox(browser, urls["notifications"], f"Chase the response to offer {first_offer}", "/app/offers/",
               checked=True)
    assert browser.current_url.startswith(f"{lettings}/app/offers/") and heading(browser) == f"Offer {first_offer}"

    # They refuse: the reason from the council's list is asked for, then recorded.
    press(browser, "Record the refusal", "/refuse")
    assert "Choose why the applicant refused" in problems(browser)
    check(browser)
    choose(browser, "reason_code", "location")
    fill(browser, "reason", "Too far from the children's school.")
    choose(browser, "reasonable", "yes")
    press(browser, "Record the refusal", "/refuse")
    banner(browser, f"Refusal of {first_offer} recorded")
    assert ("The area or location does not suit the household: Too far from the children's school."
            in browser.find_element(By.ID, "offer-details").text)
    follow(browser, browser.find_element(By.LINK_TEXT, "Refusal letter"))
    assert "Refusal letter" in heading(browser)
    check(browser)

    # The next task leads to the advert, where the home is offered to the next bidder.
    from_inbox(browser, urls["notifications"], f"Offer the next bidder (offer {first_offer} was not taken up)",
               "/app/adverts/")
    assert heading(browser) == f"Advert {advert}"
    press(browser, "Make the offer", "/offers")
    second_offer = banner(browser, f"made to {following}").split("Offer ")[1].split()[0]

    # Accepted; the pre-tenancy and affordability checks pass with the residual income shown.
    press(browser, "The applicant accepts", "/accept")
    banner(browser, "run the pre-tenancy checks next")
    press(browser, "Run the pre-tenancy checks", "/checks")
    banner(browser, "Pre-tenancy checks: pass")
    figures = browser.find_element(By.ID, "check-figures").text
    assert "Residual income each month" in figures and "£745.00" in figures  # 2,100 − 900 − 105 × 52 ÷ 12
    check(browser)
    keep(browser, "lettings-offer.png", tmp_path)

    # Signed up: the tenancy starts today, high-risk for the support need.
    date_into(browser, "tenancy_start", today)
    press(browser, "Sign the tenancy up", "/sign-up")
    tenancy = re.search(r"Tenancy (T-\d+) signed up", banner(browser, "signed up")).group(1)
    assert "Signed up" in browser.find_element(By.ID, "offer-status").text
    assert "Yes: support needs" in browser.find_element(By.ID, "tenancy").find_element(By.XPATH, "..").text

    # The home's page tells its whole life: the void let, the advert, both offers, the tenancy.
    follow(browser, browser.find_element(By.XPATH, f"//a[normalize-space()='{home}']"))
    assert f"Flat 2, {street}" in heading(browser)
    assert first_offer in browser.find_element(By.ID, "offers").text
    assert second_offer in browser.find_element(By.ID, "offers").text
    assert tenancy in browser.find_element(By.ID, "tenancies").text
    check(browser)
    keep(browser, "lettings-property.png", tmp_path)

    # The advert's task (offer the next bidder) closed itself when the next offer was made.
    advert_id = browser.find_element(By.CSS_SELECTOR, "#adverts a").get_attribute("href").rsplit("/", 1)[1]
    (next_bidder,) = lee.tasks(subject_id=advert_id)
    task_status(lee, next_bidder["id"], "done")

    # The team leader, signed in to sustainment's pages, finds the onboarding case unassigned.
    case = one_case(tara, timeout=30, tenancy_ref=tenancy)
    sign_in(browser, tara.sub, f"{urls['sustainment']}/app/cases")

    def listed():
        unassigned = browser.find_element(By.ID, "unassigned").find_element(By.XPATH, "..").text
        if case["reference"] not in unassigned:
            browser.refresh()
            return None
        return unassigned

    assert "Onboarding" in wait_until(listed, timeout=20, interval=0.5, message="the case among the unassigned")
    check(browser)
    follow(browser, browser.find_element(By.CSS_SELECTOR, f"a[href$='/app/cases/{case['reference']}']"))
    assert case["reference"] in heading(browser)
    check(browser)

