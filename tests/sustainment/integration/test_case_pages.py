"""The case work pages (/app/cases, /app/cases/{id or S-reference}) through the Flask test client,
on both backends: what they show, what their forms do, and what they audit (as the API does)."""

from __future__ import annotations

import datetime as dt
import html
import re
import uuid

import pytest
from sqlalchemy import func, select, update

from casework.audit import AuditEntry
from casework.workdays import LONDON
from casework_dev.testing import bearer
from casework_dev.testing.pages import csrf, sign_in_as
from casework_dev.testing.times import plain_monday
from sustainment.models import Case

LEADER = bearer("leader-1", "team_leader")
#: Ahead of the clock, however long these tests live (a Monday in March, two years on).
YEAR = plain_monday().year
OFFICER = bearer("officer-1", "sustainment_officer")


@pytest.fixture
def opened(sustainment, deliver, referral_accepted):
    """Open a case from an accepted referral; returns its id and reference."""

    def open_one(**overrides) -> tuple[str, str]:
        deliver(referral_accepted(**overrides))
        with sustainment.db.transaction() as session:
            case = session.scalars(select(Case).order_by(Case.number.desc())).first()
            return str(case.id), case.reference

    return open_one


@pytest.fixture
def browser(sustainment):
    with sustainment.app.test_client() as client:
        yield client


def signed_in(client, sub="officer-1", *roles):
    sign_in_as(client, sub, *(roles or ("sustainment_officer",)), name=sub.replace("-", " ").title())
    return client


def assign(sustainment, case_id, officer="officer-1"):
    r = sustainment.client.post(f"/cases/{case_id}/assignment", json={"officer_id": officer}, headers=LEADER)
    assert r.status_code == 200, r.json


def api_case(sustainment, case_id, headers=LEADER) -> dict:
    r = sustainment.client.get(f"/cases/{case_id}", headers=headers)
    assert r.status_code == 200, r.json
    return r.json


def audits(sustainment, case_id, action="read") -> int:
    with sustainment.db.transaction() as session:
        return session.scalar(select(func.count()).select_from(AuditEntry).where(
            AuditEntry.record_id == str(case_id), AuditEntry.action == action))


def page_of(client, url: str, status: int = 200) -> str:
    r = client.get(url)
    assert r.status_code == status, r.get_data(as_text=True)[:2000]
    return r.get_data(as_text=True)


def version(page: str) -> str:
    found = re.search(r'name="plan-version"[^>]*value="([^"]*)"', page)
    assert found, "the plan's form carries the case's version"
    return html.unescape(found.group(1))


def post(client, url: str, page: str, data: dict, status: int = 303):
    r = client.post(url, data={"csrf_token": csrf(page), **data})
    body = r.get_data(as_text=True)
    assert r.status_code == status, (re.findall(r'govuk-error-summary__list.*?</ul>', body, re.S) or [body[:3000]])[0]
    return r


def day_of(moment: dt.datetime) -> list[str]:
    local = moment.astimezone(LONDON)
    return [str(local.day), str(local.month), str(local.year)]


def error_summary(page: str) -> list[tuple[str, str]]:
    """The error summary's links: (the field's id it points to, the message)."""
    summary = re.search(r'<div class="govuk-error-summary".*?</ul>', page, re.S)
    assert summary, "the page has an error summary"
    return [(href, html.unescape(text).strip()) for href, text in re.findall(r'<a href="#([^"]+)">(.*?)</a>', summary.group(0), re.S)]


def inline_errors(page: str) -> list[str]:
    return [html.unescape(re.sub(r"<[^>]+>", "", m)).replace("Error:", "").strip()
            for m in re.findall(r'<p id="[^"]*-error" class="govuk-error-message">(.*?)</p>', page, re.S)]


PLAN = {"plan-goals-0-title": "Clear the rent arrears", "plan-goals-0-category": "rent_arrears",
        "plan-goals-0-status": "open", "plan-actions-0-title": "Apply for Discretionary Housing Payment",
        "plan-actions-0-category": "income_and_benefits", "plan-actions-0-owner": "tenant",
        "plan-actions-0-due_date": ["10", "1", str(YEAR)], "plan-actions-0-status": "open"}


# -- who may see the pages -----------------------------------------------------------------------


def test_without_a_sign_in_the_caseload_sends_you_to_sign_in(browser):
    r = browser.get("/app/cases")

    assert r.status_code == 303 and "/app/sign-in?next=" in r.headers["Location"]


@pytest.mark.parametrize("role", ["intake_officer", "lettings_officer"])
def test_other_roles_get_the_403_page(sustainment, opened, browser, role):
    _, ref = opened()
    signed_in(browser, "someone", role)

    for url in ("/app/cases", f"/app/cases/{ref}", f"/app/cases/{ref}/closure"):
        r = browser.get(url)
        assert r.status_code == 403 and "text/html" in r.content_type
    token = csrf(r.get_data(as_text=True))  # the 403 page's sign-out form
    r = browser.post(f"/app/cases/{ref}/notes", data={"csrf_token": token, "note-text": "Hello", "note-category": "general"})
    assert r.status_code == 403


def test_an_unknown_case_is_the_404_page(sustainment, browser):
    signed_in(browser)

    assert browser.get("/app/cases/S-999999").status_code == 404
    page = page_of(browser, "/app/cases/not-a-case", 404)
    assert "Page not found" in page
    assert browser.post("/app/cases/S-999999/notes", data={"csrf_token": csrf(page)}).status_code == 404
    assert browser.post("/app/cases/S-999999/notes", data={"csrf_token": csrf(page), "note-text": "Hi",
                                                           "note-category": "general"}).status_code == 404


# -- caseloads ----------------------------------------------------------------------------------


def test_my_caseload_shows_risk_first_contact_next_visit_and_action_and_audits_each_case(sustainment, opened, browser):
    case_id, ref = opened(level="critical")
    other_id, other_ref = opened(level="low")
    assign(sustainment, case_id)
    assign(sustainment, other_id, "officer-2")
    sustainment.client.post(f"/cases/{case_id}/visits", headers=OFFICER, json={
        "kind": "home_visit", "scheduled_for": (dt.datetime.now(dt.UTC) + dt.timedelta(days=3)).isoformat()})
    before, others = audits(sustainment, case_id), audits(sustainment, other_id)

    page = page_of(signed_in(browser), "/app/cases")

    assert ref in page and other_ref not in page
    assert "Critical risk" in page and "Jane Doe" in page
    assert "Home visit," in page and "Due " in page
    assert "The team’s unassigned cases" not in page  # not a team leader
    assert audits(sustainment, case_id) == before + 1
    assert audits(sustainment, other_id) == others


def test_a_team_leader_sees_the_unassigned_cases_and_each_officers_load_and_assigns_from_the_list(
        sustainment, opened, browser):
    waiting_id, waiting = opened(level="high")
    busy_id, _ = opened(level="medium")
    assign(sustainment, busy_id, "officer-2")
    signed_in(browser, "leader-1", "team_leader")

    page = page_of(browser, "/app/cases")
    assert "The team’s unassigned cases (1)" in page and waiting in page
    officers = re.search(r"Open cases by officer and risk.*?</table>", page, re.S).group(0)
    assert "officer-2" in officers
    assert audits(sustainment, waiting_id) == 1  # the unassigned case shown, as GET /caseload/team audits it

    r = post(browser, f"/app/cases/{waiting}/assignment?from=caseload", page, {f"{waiting}-officer_id": "officer-1"})
    assert r.headers["Location"].endswith("/app/cases")
    assert api_case(sustainment, waiting_id)["officer_id"] == "officer-1"
    after = page_of(browser, "/app/cases")
    assert f"Case {waiting} assigned to officer-1" in after and "Every open case has an officer." in after
    assert [e.data["officer_id"] for e in sustainment.events("sustainment.case.assigned.v1")][-1] == "officer-1"


def test_assigning_without_an_officer_names_the_field(sustainment, opened, browser):
    case_id, ref = opened()
    signed_in(browser, "leader-1", "team_leader")
    page = page_of(browser, "/app/cases")

    refused = post(browser, f"/app/cases/{ref}/assignment?from=caseload", page, {f"{ref}-officer_id": ""}, 422)

    body = refused.get_data(as_text=True)
    assert error_summary(body) == [(f"{ref}-officer_id", "Enter the officer to assign the case to")]
    assert "Enter the officer to assign the case to" in inline_errors(body)
    assert api_case(sustainment, case_id)["officer_id"] is None


def test_only_team_leaders_assign(sustainment, opened, browser):
    case_id, ref = opened()
    page = page_of(signed_in(browser), f"/app/cases/{ref}")

    assert "Assign the case to" not in page
    post(browser, f"/app/cases/{ref}/assignment", page, {f"{ref}-officer_id": "officer-1"}, 403)
    assert api_case(sustainment, case_id)["officer_id"] is None


# -- the case page --------------------------------------------------------------------------------


def test_the_case_page_by_reference_or_id_is_audited_as_the_apis_read(sustainment, opened, browser):
    case_id, ref = opened()
    assign(sustainment, case_id)
    signed_in(browser)

    page = page_of(browser, f"/app/cases/{ref}")
    assert f"{ref}: Jane Doe" in page and "First contact with the tenant" in page
    for tab in ("summary", "plan", "visits", "agencies", "contacts", "notes", "risk", "timeline"):
        assert f'class="govuk-tabs__tab" href="#{tab}"' in page and f'id="{tab}"' in page
    ids = re.findall(r'\sid="([^"]+)"', page)
    assert len(ids) == len(set(ids)), "every form's fields have ids of their own"
    by_page = audits(sustainment, case_id), audits(sustainment, case_id, "read_restricted")

    page_of(browser, f"/app/cases/{case_id}")
    api_case(sustainment, case_id, OFFICER)

    assert (audits(sustainment, case_id), audits(sustainment, case_id, "read_restricted")) == \
        (by_page[0] + 2, by_page[1] + 2)


def test_the_plan_is_agreed_under_the_cases_version(sustainment, opened, browser):
    case_id, ref = opened()
    assign(sustainment, case_id)
    case_page = page_of(signed_in(browser), f"/app/cases/{ref}")
    assert f'href="/app/cases/{ref}/plan"' in case_page and 'name="plan-version"' not in case_page
    reads = audits(sustainment, case_id)
    page = page_of(browser, f"/app/cases/{ref}/plan")
    assert audits(sustainment, case_id) == reads + 1  # the plan's page is a read of the case

    r = post(browser, f"/app/cases/{ref}/plan", page, {"plan-version": version(page), **PLAN,
                                                        "plan-review_date": ["1", "2", str(YEAR)]})

    assert r.headers["Location"].endswith(f"/app/cases/{ref}#plan")
    plan = api_case(sustainment, case_id)["plan"]
    assert [g["title"] for g in plan["goals"]] == ["Clear the rent arrears"]
    assert [(a["owner"], a["due_date"]) for a in plan["actions"]] == [("tenant", f"{YEAR}-01-10")]
    assert plan["review_date"] == f"{YEAR}-02-01" and plan["agreed_by"] == "officer-1"
    shown = page_of(browser, f"/app/cases/{ref}")
    assert "Plan agreed" in shown and f"10 January {YEAR}" in shown and "Apply for Discretionary Housing Payment" in shown
    # The form comes back filled with the plan, ids kept: a second version changes one action.
    goal_id = plan["goals"][0]["id"]
    form = page_of(browser, f"/app/cases/{ref}/plan")
    assert f'value="{goal_id}"' in form and "This is version 1 of the plan" in form


def test_a_plan_form_made_on_an_older_version_is_refused_with_the_plan_as_it_is_now(sustainment, opened, browser):
    case_id, ref = opened()
    assign(sustainment, case_id)
    page = page_of(signed_in(browser), f"/app/cases/{ref}/plan")
    old = version(page)
    post(browser, f"/app/cases/{ref}/plan", page, {"plan-version": old, **PLAN})  # someone else's change, first

    refused = post(browser, f"/app/cases/{ref}/plan", page, {
        "plan-version": old, "plan-goals-0-title": "Stop the eviction", "plan-goals-0-category": "rent_arrears"}, 409)

    body = refused.get_data(as_text=True)
    assert "Someone changed this case after you opened it" in body
    assert "Clear the rent arrears" in body and version(body) != old
    plan = api_case(sustainment, case_id)["plan"]
    assert plan["version"] == 1 and [g["title"] for g in plan["goals"]] == ["Clear the rent arrears"]
    # …and made again on the version shown, it goes through.
    post(browser, f"/app/cases/{ref}/plan", body, {"plan-version": version(body), "plan-goals-0-title": "Stop the eviction",
                                                    "plan-goals-0-category": "rent_arrears"})
    assert api_case(sustainment, case_id)["plan"]["version"] == 2


def test_a_plan_without_a_goal_or_with_an_action_half_filled_names_the_fields(sustainment, opened, browser):
    case_id, ref = opened()
    page = page_of(signed_in(browser, "leader-1", "team_leader"), f"/app/cases/{ref}/plan")
    reads = audits(sustainment, case_id)

    refused = post(browser, f"/app/cases/{ref}/plan", page, {
        "version": version(page), "plan-actions-0-title": "Ring the tenant", "plan-actions-0-owner": "officer"}, 422)

    body = refused.get_data(as_text=True)
    assert dict(error_summary(body)) == {
        "plan-goals-0-title": "Enter at least one goal", "plan-actions-0-category": "Choose the action’s category",
        "plan-actions-0-due_date": "Enter the date the action is due"}
    assert "Enter at least one goal" in inline_errors(body)
    assert 'value="Ring the tenant"' in body  # what was typed stays
    assert audits(sustainment, case_id) == reads + 1  # the refused page's read is audited too
    assert api_case(sustainment, case_id)["plan"] is None


def test_a_visit_is_scheduled_and_its_outcome_recorded_with_notes_and_risks(sustainment, opened, browser):
    case_id, ref = opened()
    assign(sustainment, case_id)
    case_page = page_of(signed_in(browser), f"/app/cases/{ref}")
    assert f'href="/app/cases/{ref}/visits/new"' in case_page and 'name="schedule-kind"' not in case_page
    page = page_of(browser, f"/app/cases/{ref}/visits/new")  # a page of its own
    when = dt.datetime.now(dt.UTC) + dt.timedelta(days=2)

    post(browser, f"/app/cases/{ref}/visits", page, {"schedule-kind": "home_visit", "schedule-day": day_of(when), "schedule-time": "10:30"})

    [visit] = api_case(sustainment, case_id)["visits"]
    assert visit["status"] == "scheduled"
    local = dt.datetime.fromisoformat(visit["scheduled_for"]).astimezone(LONDON)
    assert (local.date(), local.hour, local.minute) == (when.astimezone(LONDON).date(), 10, 30)
    page = page_of(browser, f"/app/cases/{ref}")
    assert "Visit scheduled" in page

    post(browser, f"/app/cases/{ref}/visits/{visit['id']}/outcome", page, {
        "v0-outcome": "completed", "v0-notes": "Tenant at home.", "v0-risks": "hoarding\nfire risk"})

    [visit] = api_case(sustainment, case_id)["visits"]
    assert (visit["status"], visit["notes"], visit["risks_identified"]) == (
        "completed", "Tenant at home.", ["hoarding", "fire risk"])
    assert api_case(sustainment, case_id)["status"] == "active"  # the first contact


def test_a_visit_already_made_is_recorded_in_one_step_without_a_missed_deadline(sustainment, opened, browser):
    case_id, ref = opened()
    assign(sustainment, case_id)
    with sustainment.db.transaction() as session:
        session.execute(update(Case).where(Case.id == uuid.UUID(case_id))
                        .values(opened_at=dt.datetime.now(dt.UTC) - dt.timedelta(days=2)))
    page = page_of(signed_in(browser), f"/app/cases/{ref}/visits/made")
    earlier = dt.datetime.now(dt.UTC) - dt.timedelta(hours=3)
    hhmm = earlier.astimezone(LONDON).strftime("%H:%M")

    post(browser, f"/app/cases/{ref}/visits/made", page, {
        "made-kind": "welfare_check", "made-day": day_of(earlier), "made-time": hhmm, "made-outcome": "no_access",
        "made-notes": "No answer."})

    [visit] = api_case(sustainment, case_id)["visits"]
    assert (visit["kind"], visit["status"], visit["notes"]) == ("welfare_check", "no_access", "No answer.")
    assert sustainment.events("sustainment.deadline.missed.v1") == []


def test_a_visit_made_in_the_future_is_refused_on_its_date(sustainment, opened, browser):
    case_id, ref = opened()
    assign(sustainment, case_id)
    page = page_of(signed_in(browser), f"/app/cases/{ref}/visits/made")
    reads = audits(sustainment, case_id)  # the form's page is an audited read (the tenant is on it)
    later = dt.datetime.now(dt.UTC) + dt.timedelta(days=2)

    refused = post(browser, f"/app/cases/{ref}/visits/made", page, {
        "made-kind": "home_visit", "made-day": day_of(later), "made-time": "10:00", "made-outcome": "completed"}, 422)

    body = refused.get_data(as_text=True)
    assert error_summary(body) == [("made-day", "This visit has not happened yet; schedule it instead.")]
    assert "<h1 class=\"govuk-heading-l\">Record a visit already made</h1>" in body  # its own page again
    assert audits(sustainment, case_id) == reads + 1
    assert api_case(sustainment, case_id)["visits"] == []


def test_a_form_missing_its_answers_names_each_field(sustainment, opened, browser):
    _, ref = opened()
    page = page_of(signed_in(browser, "leader-1", "team_leader"), f"/app/cases/{ref}/visits/new")

    refused = post(browser, f"/app/cases/{ref}/visits", page, {"schedule-time": "25:00"}, 422)

    assert dict(error_summary(refused.get_data(as_text=True))) == {
        "schedule-kind": "Choose the kind of visit", "schedule-day": "Enter the date of the visit",
        "schedule-time": "Enter the time as hours and minutes, like 14:30"}


def test_an_agency_referral_picks_a_directory_agency_needs_consent_and_is_sent_to_it(sustainment, opened, browser,
                                                                                     agency):
    money = agency("Tenant Money Advisors", delivery="email", email="money.advice@council.example.org")
    case_id, ref = opened()
    assign(sustainment, case_id)
    case_page = page_of(signed_in(browser), f"/app/cases/{ref}")
    assert f'href="/app/cases/{ref}/agency-referrals/new"' in case_page and "Tenant Money Advisors" not in case_page
    page = page_of(browser, f"/app/cases/{ref}/agency-referrals/new")
    assert f'<option value="{money}">Tenant Money Advisors</option>' in page

    refused = post(browser, f"/app/cases/{ref}/agency-referrals", page,
                   {"agency-agency_id": money, "agency-reason": "Priority debts."}, 422)
    assert error_summary(refused.get_data(as_text=True)) == [
        ("agency-consent_given", "The tenant's consent is required, unless a safeguarding reason is recorded.")]

    post(browser, f"/app/cases/{ref}/agency-referrals", page,
         {"agency-agency_id": money, "agency-reason": "Priority debts.", "agency-consent_given": "y"})
    [referral] = api_case(sustainment, case_id)["agency_referrals"]
    assert (referral["agency"], referral["agency_id"], referral["consent_given"], referral["status"]) == (
        "Tenant Money Advisors", money, True, "sent")

    page = page_of(browser, f"/app/cases/{ref}")
    assert "Send to the agency" in page
    post(browser, f"/app/cases/{ref}/agency-referrals/{referral['id']}/sending", page, {})
    [sent] = api_case(sustainment, case_id)["agency_referrals"][0]["deliveries"]
    assert (sent["channel"], sent["status"]) == ("email", "pending")
    page = page_of(browser, f"/app/cases/{ref}")
    assert "Sent by e-mail" in page

    post(browser, f"/app/cases/{ref}/agency-referrals/{referral['id']}/response", page, {"a0-status": "accepted"})
    assert api_case(sustainment, case_id)["agency_referrals"][0]["status"] == "accepted"


def test_contact_a_note_and_a_risk_change(sustainment, opened, browser):
    case_id, ref = opened(level="medium")
    assign(sustainment, case_id)
    page = page_of(signed_in(browser), f"/app/cases/{ref}")

    post(browser, f"/app/cases/{ref}/contacts", page, {"contact-method": "phone", "contact-notes": "Rang the tenant."})
    post(browser, f"/app/cases/{ref}/notes", page, {"note-text": "Tenant agreed a payment plan.", "note-category": "general"})
    post(browser, f"/app/cases/{ref}/risk", page, {"risk-risk_level": "high", "risk-reason": "Threats from a neighbour."})

    case = api_case(sustainment, case_id)
    assert [(c["method"], c["notes"]) for c in case["contacts"]] == [("phone", "Rang the tenant.")]
    assert [n["text"] for n in case["notes"]] == ["Tenant agreed a payment plan."]
    assert case["risk_level"] == "high" and case["status"] == "active"
    shown = page_of(browser, f"/app/cases/{ref}")
    assert "Risk changed" in shown and "Threats from a neighbour." in shown and "Contact by phone" in shown

    refused = post(browser, f"/app/cases/{ref}/risk", shown, {"risk-risk_level": "high", "risk-reason": "Again."}, 422)
    assert error_summary(refused.get_data(as_text=True)) == [("risk-risk_level", "The case is already at this risk level.")]


def test_a_form_without_its_csrf_token_is_refused_and_changes_nothing(sustainment, opened, browser):
    case_id, ref = opened()
    signed_in(browser)

    r = browser.post(f"/app/cases/{ref}/notes", data={"note-text": "Forged.", "note-category": "general"})

    assert r.status_code == 400 and "text/html" in r.content_type
    assert api_case(sustainment, case_id)["notes"] == []


# -- restricted details --------------------------------------------------------------------------


def test_another_officer_sees_restricted_details_only_on_a_reason_audited_and_the_manager_told(
        sustainment, opened, browser):
    case_id, ref = opened()  # its reasons include mental_health
    assign(sustainment, case_id, "officer-1")
    sustainment.client.post(f"/cases/{case_id}/notes", headers=OFFICER,
                            json={"text": "Tenant is on new medication.", "category": "health"})
    page = page_of(signed_in(browser, "officer-2"), f"/app/cases/{ref}")
    assert "Tenant is on new medication." not in page and "Restricted: not shown to your role" in page
    assert "mental health" not in page.lower().split("risk factors")[0]

    refused = post(browser, f"/app/cases/{ref}/restricted", page, {"break_glass-reason": ""}, 422)
    assert error_summary(refused.get_data(as_text=True)) == [
        ("break_glass-reason", "Enter why you need to see the restricted details")]
    assert audits(sustainment, case_id, "break_glass") == 0

    shown = post(browser, f"/app/cases/{ref}/restricted", page, {"break_glass-reason": "Tenant in crisis; officer on leave."}, 200)
    body = shown.get_data(as_text=True)
    assert "Tenant is on new medication." in body and "You are seeing this case’s restricted details" in body
    assert audits(sustainment, case_id, "break_glass") == 1
    [event] = sustainment.events("sustainment.restricted.read.v1")
    assert event.data["reader"] == "officer-2" and "Tenant in crisis" not in str(event.data)


# -- closing ---------------------------------------------------------------------------------------


def test_closing_shows_what_is_still_open_then_closes_with_an_outcome(sustainment, opened, browser):
    case_id, ref = opened()
    assign(sustainment, case_id)
    page = page_of(signed_in(browser), f"/app/cases/{ref}/plan")
    post(browser, f"/app/cases/{ref}/plan", page, {"plan-version": version(page), **PLAN})
    reads = audits(sustainment, case_id)

    confirm = page_of(browser, f"/app/cases/{ref}/closure")
    assert "Apply for Discretionary Housing Payment" in confirm and "still open" in confirm
    assert audits(sustainment, case_id) == reads + 1  # as GET /cases/{id}/closure-check

    refused = post(browser, f"/app/cases/{ref}/closure", confirm, {"summary": "Done."}, 422)
    assert error_summary(refused.get_data(as_text=True)) == [("outcome", "Choose the case’s outcome")]

    r = post(browser, f"/app/cases/{ref}/closure", confirm, {"outcome": "tenancy_sustained",
                                                             "summary": "Arrears cleared."})
    assert r.headers["Location"].endswith(f"/app/cases/{ref}#summary")
    case = api_case(sustainment, case_id)
    assert (case["status"], case["closure_outcome"]) == ("closed", "tenancy_sustained")
    closed = page_of(browser, f"/app/cases/{ref}")
    assert f"Case {ref} closed: tenancy sustained" in closed and "Close the case" not in closed

    again = post(browser, f"/app/cases/{ref}/closure", confirm, {"outcome": "evicted", "summary": "Again."}, 409)
    assert "The case is already closed." in again.get_data(as_text=True)
