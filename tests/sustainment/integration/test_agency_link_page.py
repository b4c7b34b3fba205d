"""The agency's page at its secure link (/agency-links/{token}), through the Flask test client on
both backends: a browser reads the referral there (audited as the agency's read) and answers it
with the same use case as the JSON API; a refused answer is the page again with its errors, and a
forged link is the 404 page. No sign-in: the link's token is the authority."""

from __future__ import annotations

import html
import re
import uuid

import pytest
from sqlalchemy import select

from casework.audit import AuditEntry
from casework_dev.testing.pages import csrf
from sustainment.cases.agency_sending import link_token

from .conftest import OFFICER

BROWSER = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}


@pytest.fixture
def link(sustainment, assigned_case, agency):
    """A referral sent to an agency by e-mail: its case, its agency's id and the link it was sent."""
    case = assigned_case()
    agency_id = agency("Citizens Advice", delivery="email", email="referrals@citizensadvice.example.org")
    r = sustainment.client.post(f"/cases/{case['id']}/agency-referrals", headers=OFFICER, json={
        "agency_id": agency_id, "reason": "Priority debts and rent arrears.", "consent_given": True})
    assert r.status_code == 201, r.json
    referral = r.json
    sent = sustainment.client.post(f"/cases/{case['id']}/agency-referrals/{referral['id']}/sending", headers=OFFICER)
    assert sent.status_code == 202, sent.json
    return case, agency_id, referral, f"/agency-links/{link_token(uuid.UUID(referral['id']))}"


@pytest.fixture
def browser(sustainment):
    with sustainment.app.test_client() as client:
        yield client


def _audit(sustainment, case_id: str, action: str) -> list[str]:
    """The agencies' audit entries of ``action`` on the case (officers' own reads left out)."""
    with sustainment.db.transaction() as session:
        return list(session.scalars(select(AuditEntry.actor).where(
            AuditEntry.record_id == case_id, AuditEntry.action == action, AuditEntry.actor.like("agency:%"))))


def _answer(browser, path: str, page: str, **fields: str):
    return browser.post(path, data={"csrf_token": csrf(page), **fields}, headers=BROWSER)


def test_a_browser_at_the_link_reads_the_referral_as_a_page_audited_as_the_agencys(sustainment, browser, link):
    case, agency_id, _, path = link
    r = browser.get(path, headers=BROWSER)
    assert r.status_code == 200 and r.mimetype == "text/html"
    page = html.unescape(r.get_data(as_text=True))
    for shown in (case["reference"], "Priority debts and rent arrears.", "Jane Doe",
                  "The tenant agreed to their details being shared with you"):
        assert shown in page
    assert not re.search(r'<a [^>]*href="[^"]*/app/', page) and "Sign out" not in page  # no way to officers' pages
    assert "frame-ancestors 'none'" in r.headers["Content-Security-Policy"]
    assert _audit(sustainment, case["id"], "read") == [f"agency:{agency_id}"]
    # An API client at the same link still gets JSON (no Accept, or JSON asked for).
    assert browser.get(path).json["reason"] == "Priority debts and rent arrears."
    assert browser.get(path, headers={"Accept": "application/json"}).json["tenant"]["name"] == "Jane Doe"


def test_the_agency_answers_on_the_page_then_completes_with_an_outcome(sustainment, browser, link):
    case, agency_id, referral, path = link
    page = browser.get(path, headers=BROWSER).get_data(as_text=True)
    r = _answer(browser, path, page, status="accepted", note="We will call her this week.")
    assert r.status_code == 303 and r.headers["Location"].endswith(path)
    page = html.unescape(browser.get(path, headers=BROWSER).get_data(as_text=True))
    assert "Answer recorded" in page and "Your answer is recorded: accepted" in page
    read = sustainment.client.get(f"/cases/{case['id']}/agency-referrals/{referral['id']}", headers=OFFICER).json
    assert (read["status"], read["answered_by"]) == ("accepted", "agency")
    assert len(sustainment.events("sustainment.agency_referral.answered.v1")) == 1

    r = _answer(browser, path, page, status="completed", outcome="Debt relief order applied for.")
    assert r.status_code == 303
    page = html.unescape(browser.get(path, headers=BROWSER).get_data(as_text=True))
    assert "Debt relief order applied for." in page and "Send your answer" not in page  # nothing comes after
    assert _audit(sustainment, case["id"], "agency_response") == [f"agency:{agency_id}"] * 2
    assert len(sustainment.events("sustainment.agency_referral.answered.v1")) == 1


def test_a_refused_answer_is_the_page_again_with_an_error_summary(sustainment, browser, link):
    case, _, referral, path = link
    page = browser.get(path, headers=BROWSER).get_data(as_text=True)
    r = _answer(browser, path, page)
    assert r.status_code == 422
    refused = html.unescape(r.get_data(as_text=True))
    assert "govuk-error-summary" in refused and "Choose the agency’s answer" in refused
    assert "Jane Doe" in refused  # the page again, its read audited like the first
    r = _answer(browser, path, page, status="completed")
    assert r.status_code == 409 and "govuk-error-summary" in r.get_data(as_text=True)  # not accepted yet
    _answer(browser, path, page, status="accepted")
    r = _answer(browser, path, page, status="completed")
    assert r.status_code == 422 and "Say what came of the referral." in html.unescape(r.get_data(as_text=True))
    read = sustainment.client.get(f"/cases/{case['id']}/agency-referrals/{referral['id']}", headers=OFFICER).json
    assert read["status"] == "accepted" and read["outcome"] is None
    # A post without the page's CSRF token changes nothing.
    r = browser.post(path, data={"status": "declined"}, headers=BROWSER)
    assert r.status_code == 400 and "The form has expired" in r.get_data(as_text=True)
    assert sustainment.client.get(f"/cases/{case['id']}/agency-referrals/{referral['id']}",
                                  headers=OFFICER).json["status"] == "accepted"


def test_a_forged_link_is_the_404_page_and_reads_nothing(sustainment, browser, link):
    case, _, _, path = link
    page = browser.get(path, headers=BROWSER).get_data(as_text=True)
    forged = path[:-4] + ("0000" if not path.endswith("0000") else "1111")
    r = browser.get(forged, headers=BROWSER)
    assert r.status_code == 404 and "Page not found" in r.get_data(as_text=True)
    assert browser.get(forged).json["status"] == 404  # problem details for an API client
    assert _answer(browser, forged, page, status="accepted").status_code == 404
    assert len(_audit(sustainment, case["id"], "read")) == 1  # the real link's read only
