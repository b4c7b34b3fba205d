"""Journey 3 through the case work pages in Chromium, every process real (on ``postgresql``: the
services' gunicorn apis and workers on PostgreSQL and RabbitMQ; on ``sqlite``: ``casework run``):
a team leader assigns the case on /app/cases, the officer agrees a plan, schedules and records a
visit and closes the case with an outcome — each signed in through the one sign-in — and the
tasks close themselves as each step is done. With JavaScript on real servers (axe-core on every
page), without it on the embedded system (``conftest.with_javascript``)."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as ec
from selenium.webdriver.support.ui import Select, WebDriverWait

from casework.workdays import LONDON
from casework_dev.testing import wait_until
from casework_dev.testing.browser import assert_accessible, gone, screenshot, sign_in_in_browser

from .conftest import referred_and_accepted, task_status

pytestmark = pytest.mark.slow


def banner(browser, text: str) -> None:
    WebDriverWait(browser, 30).until(ec.text_to_be_present_in_element(
        (By.CSS_SELECTOR, ".govuk-notification-banner--success"), text))


def check(browser) -> None:
    """axe-core on the open page (it runs as a script: with JavaScript off, nothing to run it)."""
    if browser.javascript:
        assert_accessible(browser)


def fill(browser, field_id: str, value: str) -> None:
    element = browser.find_element(By.ID, field_id)
    element.clear()
    element.send_keys(value)


def choose(browser, name: str, value: str) -> None:
    browser.find_element(By.CSS_SELECTOR, f"input[name='{name}'][value='{value}']").click()


def press(browser, form_action_ends: str, label: str) -> None:
    """Press the form's button and wait for the page it posts to (the old one gone), however slow
    the machine."""
    before = browser.find_element(By.TAG_NAME, "html")
    form = next(f for f in browser.find_elements(By.TAG_NAME, "form")
                if (f.get_attribute("action") or "").split("?")[0].endswith(form_action_ends))
    form.find_element(By.XPATH, f".//button[starts-with(normalize-space(), '{label}')]").click()
    WebDriverWait(browser, 30).until(gone(before))


def open_tab(browser, name: str) -> None:
    browser.find_element(By.CSS_SELECTOR, f"a.govuk-tabs__tab[href='#{name}']").click()


def date_into(browser, prefix: str, day: dt.date) -> None:
    for part, value in (("day", day.day), ("month", day.month), ("year", day.year)):
        fill(browser, f"{prefix}-{part}", str(value))


def task_made_by(officer, case_id: str, rule: str) -> dict:
    """Wait for the one open task of ``rule`` about the case that ``officer`` sees."""
    def found():
        tasks = [t for t in officer.tasks(subject_id=case_id, status="open") if t["rule"] == rule]
        assert len(tasks) <= 1, tasks
        return tasks[0] if tasks else None

    return wait_until(found, timeout=40, interval=0.2, message=f"a {rule} task for {officer.sub}")


def sign_in_as_officer(browser, url: str, officer_id: str) -> None:
    browser.delete_all_cookies()
    sign_in_in_browser(browser, url, officer_id)
    WebDriverWait(browser, 30).until(lambda b: b.current_url.startswith(url))


def test_a_case_is_assigned_planned_visited_and_closed_through_the_pages(system, people, browser, tmp_path):
    sam, tara = people.sustainment_officer, people.team_leader
    pages = system.urls()["sustainment"]
    shots = Path(os.environ.get("CASEWORK_SCREENSHOTS") or tmp_path)
    _, case = referred_and_accepted(people)
    ref = case["reference"]
    assign_task = task_made_by(tara, case["id"], "assign_case")

    # The team leader assigns the case from the team's unassigned cases.
    sign_in_as_officer(browser, f"{pages}/app/cases", tara.sub)
    assert ref in browser.find_element(By.ID, "unassigned").find_element(By.XPATH, "..").text
    check(browser)
    if browser.javascript:
        browser.refresh()  # without the "signed in" banner
        screenshot(browser, shots / "caseload.png")
    fill(browser, f"{ref}-officer_id", sam.sub)
    press(browser, f"/app/cases/{ref}/assignment", "Assign")
    banner(browser, f"Case {ref} assigned to {sam.sub}")
    task_status(tara, assign_task["id"], "done")
    first_contact = task_made_by(sam, case["id"], "first_contact")

    # The officer's inbox (notifications) leads from the first-contact task to the case page
    # (sustainment): one sign-in for both. The case is in their caseload too.
    inbox = system.urls()["notifications"]
    sign_in_as_officer(browser, f"{inbox}/app/inbox", sam.sub)
    card = browser.find_element(By.ID, f"task-{first_contact['id']}")
    assert f"First contact for case {ref}" in card.text
    card.find_element(By.CSS_SELECTOR, f"a[href='{pages}/app/cases/{case['id']}']").click()
    WebDriverWait(browser, 30).until(ec.text_to_be_present_in_element((By.TAG_NAME, "h1"), ref))
    browser.get(f"{pages}/app/cases")
    browser.find_element(By.CSS_SELECTOR, f"#main-content a[href$='/app/cases/{ref}']").click()
    WebDriverWait(browser, 30).until(ec.text_to_be_present_in_element((By.TAG_NAME, "h1"), ref))
    check(browser)
    open_tab(browser, "plan")
    browser.find_element(By.LINK_TEXT, "Agree a plan").click()  # the plan's form is a page of its own
    WebDriverWait(browser, 30).until(ec.text_to_be_present_in_element((By.TAG_NAME, "h1"), "Agree a plan"))
    check(browser)
    fill(browser, "plan-goals-0-title", "Clear the rent arrears")
    Select(browser.find_element(By.ID, "plan-goals-0-category")).select_by_value("rent_arrears")
    fill(browser, "plan-actions-0-title", "Apply for Discretionary Housing Payment")
    Select(browser.find_element(By.ID, "plan-actions-0-category")).select_by_value("income_and_benefits")
    Select(browser.find_element(By.ID, "plan-actions-0-owner")).select_by_value("tenant")
    date_into(browser, "plan-actions-0-due_date", dt.date.today() + dt.timedelta(days=14))
    press(browser, f"/app/cases/{ref}/plan", "Agree the plan")
    banner(browser, "Plan agreed")
    plan = sam.get("sustainment", f"/cases/{case['id']}").json()["plan"]
    assert (plan["version"], plan["agreed_by"], plan["goals"][0]["title"]) == (1, sam.sub, "Clear the rent arrears")

    # A home visit, scheduled for tomorrow at 10:00, then its outcome recorded.
    open_tab(browser, "visits")
    browser.find_element(By.LINK_TEXT, "Schedule a visit").click()  # a page of its own, as the plan's
    WebDriverWait(browser, 30).until(ec.text_to_be_present_in_element((By.TAG_NAME, "h1"), "Schedule a visit"))
    check(browser)
    choose(browser, "schedule-kind", "home_visit")
    tomorrow = (dt.datetime.now(LONDON) + dt.timedelta(days=1)).date()
    date_into(browser, "schedule-day", tomorrow)
    fill(browser, "schedule-time", "10:00")
    press(browser, f"/app/cases/{ref}/visits", "Schedule the visit")
    banner(browser, "Visit scheduled")
    visit_task = task_made_by(sam, case["id"], "visit")
    check(browser)
    if browser.javascript:
        browser.get(f"{pages}/app/cases/{ref}")  # the summary tab, without the banner
        screenshot(browser, shots / "case.png")
    open_tab(browser, "visits")
    choose(browser, "v0-outcome", "completed")
    fill(browser, "v0-notes", "Tenant at home; agreed to a budgeting appointment.")
    press(browser, "/outcome", "Record the outcome")
    banner(browser, "Visit outcome recorded")
    # The completed visit is the first contact: both tasks close themselves.
    task_status(sam, visit_task["id"], "done")
    task_status(sam, first_contact["id"], "done")

    # Closing: the confirmation page shows what is still open, then the case closes with its outcome.
    browser.find_element(By.LINK_TEXT, "Close the case").click()
    WebDriverWait(browser, 30).until(ec.text_to_be_present_in_element((By.TAG_NAME, "h1"), "Close the case"))
    assert "Apply for Discretionary Housing Payment" in browser.find_element(By.ID, "outstanding").text
    check(browser)
    press(browser, f"/app/cases/{ref}/closure", "Close the case")  # no outcome chosen: refused, said where
    WebDriverWait(browser, 30).until(ec.text_to_be_present_in_element(
        (By.CSS_SELECTOR, ".govuk-error-summary"), "Choose the case’s outcome"))
    assert "Choose the case’s outcome" in browser.find_element(By.CSS_SELECTOR, ".govuk-error-message").text
    check(browser)
    choose(browser, "outcome", "tenancy_sustained")
    fill(browser, "summary", "Arrears cleared with a DHP award; tenant engaging.")
    press(browser, f"/app/cases/{ref}/closure", "Close the case")
    banner(browser, f"Case {ref} closed: tenancy sustained")
    check(browser)
    closed = sam.get("sustainment", f"/cases/{case['id']}").json()
    assert (closed["status"], closed["closure_outcome"]) == ("closed", "tenancy_sustained")
    wait_until(lambda: sam.tasks(subject_id=case["id"], status="open") == [] or None, timeout=40, interval=0.2,
               message="every task about the case to close")
