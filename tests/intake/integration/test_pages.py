"""The intake officers' pages (/app/referrals, /app/referrals/{id or reference}, /app/referrals/new)
through the Flask test client, on PostgreSQL and embedded SQLite: what each shows, the reads they
audit (as the API's), the forms they post, the refusals, who may see them, and CSRF."""

from __future__ import annotations

import re

import pytest

from casework_dev.testing import bearer
from casework_dev.testing.pages import csrf, sign_in_as

HOUSING = ("ho-hana", "housing_officer")
INTAKE = ("officer-jo", "intake_officer")
LEADER = ("leader-kim", "team_leader")
SUSTAINMENT = ("officer-sam", "sustainment_officer")
LETTINGS = ("officer-lee", "lettings_officer")


@pytest.fixture
def browser(intake):
    with intake.app.test_client() as client:
        yield client


def as_officer(client, who, name=""):
    sign_in_as(client, who[0], who[1], name=name or who[0])
    return client


def trail(intake, referral_id, who):
    """The referral's trail in the order it happened (the API answers newest first)."""
    newest_first = intake.client.get(f"/referrals/{referral_id}/audit?page_size=100", headers=who.team_leader).json
    return [(e["action"], e["actor"], e["after"], e["reason"]) for e in reversed(newest_first)]


def text(response) -> str:
    return response.get_data(as_text=True)


def error_summary(page: str) -> str:
    found = re.search(r'<div class="govuk-error-summary".*?</div>\s*</div>', page, re.S)
    return found.group(0) if found else ""


# -- the triage queue -----------------------------------------------------------------------------


def test_the_queue_lists_received_referrals_by_due_time_then_risk_with_their_tags(intake, refer, browser):
    low = refer(reasons=["other"], details=None)                                    # low: due in a working day
    critical = refer(reasons=["safeguarding_child", "rent_arrears", "domestic_abuse"])  # critical: due today
    high = refer()                                                                 # high, same day as low
    triaged = refer(reasons=["other"])
    assert intake.client.post(f"/referrals/{triaged['id']}/triage", json={"outcome": "accept"},
                              headers=bearer(*INTAKE)).status_code == 200

    page = text(as_officer(browser, INTAKE).get("/app/referrals"))

    table = page[page.index('id="triage-queue"'):]
    refs = re.findall(r">(R-\d{6})</a></th>", table)
    assert refs == [critical["reference"], high["reference"], low["reference"]]
    assert triaged["reference"] not in refs
    assert re.search(r'govuk-tag--red">\s*Critical', table) and re.search(r'govuk-tag--orange">\s*High', table)
    # Lists show no special-category data: the restricted reasons are counted, not named.
    assert "Rent arrears, 1 restricted reason" in table and "Mental health" not in table
    assert "2 restricted reasons" in table
    # Due as GOV.UK writes it ("8 December 2026 at 5pm"), and the possible duplicates linked.
    assert re.search(r"\d{1,2} [A-Z][a-z]+ \d{4} at \d{1,2}(:\d\d)?(am|pm)", table)
    assert f'href="/app/referrals/{low["reference"]}"' in table  # high is linked to the earlier same-tenancy ones
    assert "4 referrals" not in page and "3 referrals" in page
    # GOV.UK's table and tag markup written once a row (casework/rows.html), not a design-system
    # macro a cell: the rows as the design system writes them, without its indentation.
    assert (f'<tr class="govuk-table__row"><th scope="row" class="govuk-table__header"><a class="govuk-link" '
            f'href="/app/referrals/{critical["reference"]}">{critical["reference"]}</a></th><td class="govuk-table__cell">'
            f'<strong class="govuk-tag govuk-tag--red">Critical</strong>') in table


def test_the_queue_filters_by_status_risk_level_and_source(refer, browser, intake):
    refer(reasons=["other"])
    high = refer()
    other_source = refer(source={"system": "asb_team", "referrer": {"name": "Ann"}}, reasons=["other"])
    accepted = refer(reasons=["other"])
    intake.client.post(f"/referrals/{accepted['id']}/triage", json={"outcome": "accept"}, headers=bearer(*INTAKE))
    as_officer(browser, INTAKE)

    def listed(**query):
        r = browser.get("/app/referrals", query_string=query)
        assert r.status_code == 200
        return re.findall(r">(R-\d{6})</a></th>", text(r))

    assert listed(risk_level="high") == [high["reference"]]
    assert listed(source_system="asb_team") == [other_source["reference"]]
    assert listed(status="accepted") == [accepted["reference"]]
    page = text(browser.get("/app/referrals", query_string={"status": "accepted"}))
    assert '<option value="accepted" selected>' in page  # the filter stays chosen


def test_a_filter_the_queue_does_not_know_is_refused_naming_it(browser):
    r = as_officer(browser, INTAKE).get("/app/referrals?risk_level=extreme")

    assert r.status_code == 422
    summary = error_summary(text(r))
    assert 'href="#risk_level"' in summary and "Not a valid choice" in summary


def test_the_queue_is_paginated_keeping_its_filters(refer, browser, monkeypatch):
    from intake.web import pages

    monkeypatch.setattr(pages, "PER_PAGE", 2)
    made = [refer(reasons=["other"], tenancy_ref=f"T-{n}", person={"name": f"P {n}"})["reference"] for n in range(5)]
    as_officer(browser, INTAKE)

    first = text(browser.get("/app/referrals?risk_level=low"))
    third = text(browser.get("/app/referrals?risk_level=low&page=3"))

    assert re.findall(r">(R-\d{6})</a></th>", first) == made[:2]
    assert re.findall(r">(R-\d{6})</a></th>", third) == made[4:]
    assert "govuk-pagination" in first and 'href="/app/referrals?page=2&amp;risk_level=low"' in first
    assert "Referrals, page 3 of 3" in third


# -- a referral's page ----------------------------------------------------------------------------


def test_the_referral_page_shows_who_and_why_by_id_or_reference_and_audits_the_read_as_the_api_does(
        intake, refer, browser, who):
    referral = refer(safeguarding_exemption=None)
    as_officer(browser, INTAKE)

    by_reference = browser.get(f"/app/referrals/{referral['reference'].lower()}")
    by_id = browser.get(f"/app/referrals/{referral['id']}")

    page = text(by_reference)
    assert by_reference.status_code == by_id.status_code == 200
    for shown in ("Alex Morgan", "2 March 1984", "T-0042117", "Mental health", "mentioned feeling low",
                  "Given verbally", "Sam Patel", "Income Recovery (North)", "10.0 weeks", "£1300.00"):
        assert shown in page, shown
    factors = page[page.index('id="risk-factors"'):page.index("</table>", page.index('id="risk-factors"'))]
    assert re.search(r"Rent arrears</th>\s*<td[^>]*>30</td>", factors)
    assert re.search(r"Mental health</th>\s*<td[^>]*>15</td>", factors)
    assert "45 points in all" in page
    assert 'id="audit-trail"' not in page  # the trail is for team leaders
    reads = [a[:2] for a in trail(intake, referral["id"], who) if a[0] in ("read", "read_restricted")]
    assert reads == [("read", "officer-jo"), ("read_restricted", "officer-jo")] * 2
    # The API's read of the same referral records the same two entries.
    intake.client.get(f"/referrals/{referral['id']}", headers=bearer(*INTAKE))
    after = [a[:2] for a in trail(intake, referral["id"], who) if a[0] in ("read", "read_restricted")]
    assert after == reads + [("read", "officer-jo"), ("read_restricted", "officer-jo")]


def test_a_safeguarding_exemption_and_possible_duplicates_are_shown(refer, browser):
    first = refer()
    second = refer(consent={"given": False}, safeguarding_exemption={"reason": "Child at risk at home."})

    page = text(as_officer(browser, INTAKE).get(f"/app/referrals/{second['reference']}"))

    assert "a safeguarding exemption applies" in page and "Child at risk at home." in page
    duplicates = page[page.index('id="possible-duplicates"'):]
    assert f'href="/app/referrals/{first["reference"]}"' in duplicates and "Same tenancy" in duplicates


def test_a_withdrawn_referral_says_so_and_offers_no_triage(intake, refer, browser, who):
    referral = refer()
    assert intake.client.post(f"/referrals/{referral['id']}/withdraw", json={"reason": "Arrears cleared."},
                              headers=who.referrer).status_code == 200

    page = text(as_officer(browser, INTAKE).get(f"/app/referrals/{referral['reference']}"))

    assert "Withdrawn</h2>" in page and "Arrears cleared." in page and "Triage this referral" not in page


def test_a_team_leader_sees_the_audit_trail_and_reading_it_is_recorded(intake, refer, browser, who):
    referral = refer()

    page = text(as_officer(browser, LEADER).get(f"/app/referrals/{referral['reference']}"))

    table = page[page.index('id="audit-trail"'):]
    assert "Raised" in table and "income-recovery-system" in table
    actions = [a[:2] for a in trail(intake, referral["id"], who)]
    assert ("read_audit", "leader-kim") in actions and ("read", "leader-kim") in actions


def test_the_audit_trail_on_the_page_is_newest_first_a_page_at_a_time(intake, refer, browser, who, monkeypatch):
    from intake.web import pages
    monkeypatch.setattr(pages, "PER_PAGE", 2)
    referral = refer()
    for _ in range(2):  # raised, then read twice (each a read and a read of restricted details)
        intake.client.get(f"/referrals/{referral['id']}", headers=who.intake_officer)
    url = f"/app/referrals/{referral['reference']}"

    def trail_on(page: str) -> str:
        start = page.index('id="audit-trail"')
        return page[start:page.index("</table>", start)]

    first = text(as_officer(browser, LEADER).get(url))
    assert "Raised" not in trail_on(first) and "newest first, page 1 of " in trail_on(first)
    assert f"{url}?trail_page=2#audit-heading" in first
    last = text(browser.get(f"{url}?trail_page=99"))  # past the end: the last page
    assert "Raised" in trail_on(last)
    assert re.search(r"page (\d+) of \1", trail_on(last))


def test_a_sustainment_officer_breaks_the_glass_with_a_reason_audited_and_the_manager_told(intake, refer, browser, who):
    referral = refer()
    as_officer(browser, SUSTAINMENT)

    page = text(browser.get(f"/app/referrals/{referral['reference']}"))
    assert "feeling low" not in page and "Mental health</th>" not in page
    assert "Restricted: not shown to your role" in page and "Show restricted details" in page
    url = f"/app/referrals/{referral['reference']}/break-glass"

    empty = browser.post(url, data={"csrf_token": csrf(page), "break_glass_reason": " "})
    shown = browser.post(url, data={"csrf_token": csrf(page), "break_glass_reason": "Tenant in crisis at the office."})

    assert empty.status_code == 422
    assert 'href="#break_glass_reason"' in error_summary(text(empty)) and "feeling low" not in text(empty)
    assert shown.status_code == 200 and "feeling low" in text(shown) and "Mental health" in text(shown)
    [entry] = [a for a in trail(intake, referral["id"], who) if a[0] == "break_glass"]
    assert entry[1:] == ("officer-sam", {"fields": ["details", "reasons", "risk.factors"]},
                         "Tenant in crisis at the office.")
    [event] = intake.events("intake.restricted.read.v1")
    assert event.data["reader"] == "officer-sam"


def test_an_intake_officer_accepts_through_the_form_and_the_referral_is_accepted(intake, refer, browser):
    referral = refer()
    page = text(as_officer(browser, INTAKE).get(f"/app/referrals/{referral['reference']}"))
    assert "Triage this referral" in page and "govuk-radios__conditional" in page

    done = browser.post(f"/app/referrals/{referral['reference']}/triage", data={
        "csrf_token": csrf(page), "outcome": "accept", "priority": "emergency",
        "reject_reason": "", "signposted_to": "Ignored without the signpost", "signpost_reason": ""})

    assert done.status_code == 303 and done.headers["Location"] == f"/app/referrals/{referral['reference']}"
    after = text(browser.get(done.headers["Location"]))
    assert f"Referral {referral['reference']} accepted." in after and "govuk-notification-banner--success" in after
    assert "Triage this referral" not in after and "Emergency" in after
    api = intake.client.get(f"/referrals/{referral['id']}", headers=bearer(*INTAKE)).json
    assert (api["status"], api["triage"]["priority"], api["triage"]["by"]) == ("accepted", "emergency", "officer-jo")
    assert [e.subject for e in intake.events("intake.referral.accepted.v2")] == [referral["id"]]


def test_signposting_takes_where_to_and_a_reason(intake, refer, browser):
    referral = refer()
    page = text(as_officer(browser, INTAKE).get(f"/app/referrals/{referral['id']}"))

    done = browser.post(f"/app/referrals/{referral['id']}/triage", data={
        "csrf_token": csrf(page), "outcome": "signpost", "signposted_to": "Citizens Advice",
        "signpost_reason": "Debt advice fits better.", "reject_reason": "not this one"})

    assert done.status_code == 303
    api = intake.client.get(f"/referrals/{referral['id']}", headers=bearer(*INTAKE)).json
    assert api["status"] == "signposted"
    assert (api["triage"]["signposted_to"], api["triage"]["reason"]) == ("Citizens Advice", "Debt advice fits better.")


@pytest.mark.parametrize(("form", "field", "message"), [
    ({}, "outcome", "Select whether to accept, reject or signpost the referral"),
    ({"outcome": "reject", "reject_reason": "  "}, "reject_reason", "Enter why you are rejecting the referral"),
    ({"outcome": "signpost"}, "signposted_to", "Enter the service you are signposting the referral to"),
    ({"outcome": "accept", "priority": "whenever"}, "priority", "Not a valid choice"),
])
def test_a_refused_triage_form_is_422_with_the_error_summary_naming_the_field(intake, refer, browser, form, field,
                                                                              message):
    referral = refer()
    page = text(as_officer(browser, INTAKE).get(f"/app/referrals/{referral['reference']}"))

    r = browser.post(f"/app/referrals/{referral['reference']}/triage", data={"csrf_token": csrf(page), **form})

    assert r.status_code == 422
    assert f'href="#{field}"' in error_summary(text(r)) and message in error_summary(text(r))
    assert re.search(rf'id="{field}-error"[^>]*>\s*<span class="govuk-visually-hidden">Error:</span> {message}', text(r))
    assert "<title>Error: " in text(r)
    assert intake.client.get(f"/referrals/{referral['id']}", headers=bearer(*INTAKE)).json["status"] == "received"


def test_a_second_triage_is_refused_with_the_reason(intake, refer, browser):
    referral = refer()
    page = text(as_officer(browser, INTAKE).get(f"/app/referrals/{referral['reference']}"))
    url = f"/app/referrals/{referral['reference']}/triage"
    assert browser.post(url, data={"csrf_token": csrf(page), "outcome": "accept"}).status_code == 303

    again = browser.post(url, data={"csrf_token": csrf(page), "outcome": "reject", "reject_reason": "Oops"})

    assert again.status_code == 409
    assert "already been accepted" in error_summary(text(again))
    assert len(intake.events("intake.referral.rejected.v1")) == 0


# -- raising a referral ---------------------------------------------------------------------------

NEW = {"person_name": "Chris Lee", "date_of_birth": ["14", "7", "1990"], "tenancy_ref": "T-0099001",
       "person_phone": "07700 900456", "reasons": ["rent_arrears", "hoarding"], "details": "Door unanswered for weeks.",
       "arrears_balance": "£640", "weekly_rent": "160.00", "clutter_rating": "7", "consent": "yes",
       "consent_method": "verbal", "source_team": "Housing management (West)", "referrer_phone": "01908 111222"}


def test_a_housing_officer_raises_a_referral_from_the_form(intake, browser):
    as_officer(browser, HOUSING, name="Hana Housing")
    form = browser.get("/app/referrals/new")
    assert form.status_code == 200 and 'value="Housing management"' in text(form)

    made = browser.post("/app/referrals/new", data={"csrf_token": csrf(text(form)), **NEW})

    assert made.status_code == 303, error_summary(text(made))
    reference = made.headers["Location"].rsplit("/", 1)[1]
    page = text(browser.get(made.headers["Location"]))
    assert f"Referral {reference} raised" in page and "Chris Lee" in page
    [listed] = intake.client.get("/referrals", query_string={"reference": reference}, headers=bearer(*INTAKE)).json
    api = intake.client.get(f"/referrals/{listed['id']}", headers=bearer(*INTAKE)).json
    assert api["source"] == {"system": "casework_web", "team": "Housing management (West)",
                             "referrer": {"name": "Hana Housing", "email": None, "phone": "01908 111222"}}
    assert (api["entered_by"], api["referrer_client"]) == ("ho-hana", None)
    assert api["person"]["date_of_birth"] == "1990-07-14" and api["arrears_balance"] == "640.00"
    assert api["consent"] == {"given": True, "method": "verbal", "recorded_by": "Hana Housing"}
    # 4 weeks of arrears (20) + clutter 7 (30) = 50: high.
    assert (api["risk"]["level"], api["risk"]["score"]) == ("high", 50)
    assert [e.subject for e in intake.events("intake.referral.received.v2")] == [listed["id"]]
    # The housing officer sees the referrals they raised, not the intake team's queue.
    queue = text(browser.get("/app/referrals"))
    assert "Referrals you raised" in queue and reference in queue


def test_without_consent_the_form_takes_the_safeguarding_exemption(intake, browser):
    as_officer(browser, ("asb-ade", "asb_officer"))
    page = text(browser.get("/app/referrals/new"))

    made = browser.post("/app/referrals/new", data={
        "csrf_token": csrf(page), **NEW, "consent": "no", "consent_method": "verbal",
        "exemption_reason": "Telling the tenant would put their child at risk."})

    assert made.status_code == 303, error_summary(text(made))
    reference = made.headers["Location"].rsplit("/", 1)[1]
    [listed] = intake.client.get("/referrals", query_string={"reference": reference}, headers=bearer(*INTAKE)).json
    api = intake.client.get(f"/referrals/{listed['id']}", headers=bearer(*INTAKE)).json
    assert api["consent"]["given"] is False and api["consent"]["method"] is None
    assert api["safeguarding_exemption"] == {"reason": "Telling the tenant would put their child at risk."}


@pytest.mark.parametrize(("changes", "field", "message"), [
    ({"person_name": ""}, "person_name", "Enter the person’s full name"),
    ({"reasons": []}, "reasons", "Select at least one reason for the referral"),
    ({"consent": "no", "exemption_reason": ""}, "exemption_reason",
     "Enter why the referral goes ahead without the person’s consent"),
    ({"consent_method": ""}, "consent_method", "Select how the person agreed to the referral"),
    ({"date_of_birth": ["31", "2", "1990"]}, "date_of_birth", "Date of birth must be a real date"),
    ({"weekly_rent": "lots"}, "weekly_rent", "Enter the weekly rent in pounds"),
    ({"weekly_rent": "0"}, "weekly_rent", "Must be more than 0."),            # the API's own rule
    ({"date_of_birth": ["1", "1", "2999"]}, "date_of_birth", "Give a date from 1900-01-01"),  # the API's own rule
])
def test_a_refused_referral_form_is_422_naming_the_field_and_nothing_is_made(intake, browser, changes, field, message):
    page = text(as_officer(browser, INTAKE).get("/app/referrals/new"))

    r = browser.post("/app/referrals/new", data={"csrf_token": csrf(page), **NEW, **changes})

    assert r.status_code == 422
    summary = error_summary(text(r))
    assert f'href="#{field}' in summary and message in summary, summary
    assert re.search(rf'id="{field}-error"[^>]*>\s*<span class="govuk-visually-hidden">Error:</span> {re.escape(message)}',
                     text(r)), "the field's own error"
    assert intake.events("intake.referral.received.v2") == []


# -- who may see which page, and CSRF -------------------------------------------------------------


@pytest.mark.parametrize(("who", "path", "status"), [
    (LETTINGS, "/app/referrals", 403), (LETTINGS, "/app/referrals/new", 403), (LETTINGS, "/app/referrals/R-1", 403),
    (SUSTAINMENT, "/app/referrals", 200), (SUSTAINMENT, "/app/referrals/new", 403),
    (HOUSING, "/app/referrals", 200), (HOUSING, "/app/referrals/new", 200),
    (INTAKE, "/app/referrals/new", 200), (LEADER, "/app/referrals", 200), (LEADER, "/app/referrals/new", 403),
])
def test_who_may_see_which_page(browser, who, path, status):
    r = as_officer(browser, who).get(path)

    assert r.status_code == status
    if status == 403:
        assert "You cannot see this page" in text(r) or "403" in text(r) or "permission" in text(r).lower()


def test_a_front_line_officer_cannot_triage_nor_see_another_officers_referral(intake, refer, browser):
    referral = refer()
    as_officer(browser, HOUSING)

    page = browser.get(f"/app/referrals/{referral['reference']}")
    form = text(browser.get("/app/referrals/new"))
    post = browser.post(f"/app/referrals/{referral['reference']}/triage",
                        data={"csrf_token": csrf(form), "outcome": "accept"})

    assert page.status_code == 404 and post.status_code == 403
    assert intake.client.get(f"/referrals/{referral['id']}", headers=bearer(*INTAKE)).json["status"] == "received"


def test_without_a_sign_in_the_pages_send_you_to_sign_in(browser):
    r = browser.get("/app/referrals")

    assert r.status_code == 303 and "/app/sign-in?next=" in r.headers["Location"]


def test_a_form_posted_without_its_csrf_token_is_refused(intake, refer, browser):
    referral = refer()
    as_officer(browser, INTAKE)

    triage = browser.post(f"/app/referrals/{referral['reference']}/triage", data={"outcome": "accept"})
    made = browser.post("/app/referrals/new", data=NEW)
    forged = browser.post("/app/referrals/new", data={"csrf_token": "forged", **NEW})

    assert (triage.status_code, made.status_code, forged.status_code) == (400, 400, 400)
    assert intake.client.get(f"/referrals/{referral['id']}", headers=bearer(*INTAKE)).json["status"] == "received"
    assert len(intake.events("intake.referral.received.v2")) == 1


def navigation(page: str) -> list[str]:
    """The service navigation's links, by their text."""
    bar = page[page.index('class="govuk-service-navigation__list"'):]
    bar = bar[:bar.index("</ul>")]
    return [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", link)).strip()
            for link in re.findall(r'<a class="govuk-service-navigation__link"[^>]*>(.*?)</a>', bar, re.S)]


@pytest.mark.parametrize(("who", "links"), [
    (HOUSING, ["Inbox", "Referrals"]),
    (SUSTAINMENT, ["Inbox", "Referrals", "Cases"]),
    (LEADER, ["Inbox", "Referrals", "Cases", "Lettings"]),
])
def test_the_navigation_leads_only_to_the_services_whose_pages_the_officer_may_open(browser, who, links):
    assert navigation(text(as_officer(browser, who).get("/app/referrals"))) == links
