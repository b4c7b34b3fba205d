"""The team leaders' performance figures over made data whose answers are known by hand: the use
case, the API (``/reports/performance``), the page (``/app/performance``) and its CSV files.

The made data (the range is January to March 2025; first-contact deadlines 4 days after opening):
- January, 4 cases: A, B, C contacted after 2 days (within), D after 10 days (late).
  A, B and C are also new tenancies: A visited within its 10 working days, B after them, C never.
  A closed after 59 days (tenancy_sustained, T-1, no later case), B after 69 (tenancy_sustained,
  T-2, a new case for T-2 six months later), C after 79 (moved_on_planned, no tenancy).
- February, 3 cases: E contacted after 2 days, closed after 19 (evicted, T-3; a new case for T-3
  more than a year later); F never contacted (late); G still inside its deadline (pending), also a
  new tenancy still inside its 10 days.
- Referral to opening: A 3 days, E 6 days (the others were opened with no referral time).
- Open now: D (officer-1, high), F (officer-1, low), G (unassigned, critical), T-2's new case
  (officer-2, high), T-3's new case (unassigned, low).
"""

from __future__ import annotations

import datetime as dt
import os
import re
import uuid
from pathlib import Path

import pytest

from casework.reports import DateRange
from casework_dev.testing import bearer
from casework_dev.testing.pages import sign_in_as
from sustainment.cases import outcomes, performance
from sustainment.models import Case, Visit

LEADER = bearer("leader-1", "team_leader")
RANGE = {"from": "2025-01-01", "to": "2025-03-31"}
NOW = dt.datetime(2026, 12, 1, 12, tzinfo=dt.UTC)
FAR = dt.datetime(2099, 1, 1, tzinfo=dt.UTC)


def at(month: int, day: int, year: int = 2025) -> dt.datetime:
    return dt.datetime(year, month, day, 9, tzinfo=dt.UTC)


def days_after(start: dt.datetime, days: int) -> dt.datetime:
    return start + dt.timedelta(days=days)


@pytest.fixture
def made(sustainment):
    jan, feb = at(1, 10), at(2, 10)
    due_jan, due_feb = days_after(jan, 4), days_after(feb, 4)
    settle_jan = days_after(jan, 14)
    cases = {
        "A": dict(referred_at=days_after(jan, -3), opened_at=jan, first_contact_due=due_jan, first_contact_at=days_after(jan, 2),
                  settling_in_due=settle_jan, status="closed", closed_at=days_after(jan, 59),
                  closure_outcome="tenancy_sustained", tenancy_ref="T-1"),
        "B": dict(opened_at=jan, first_contact_due=due_jan, first_contact_at=days_after(jan, 2),
                  settling_in_due=settle_jan, status="closed", closed_at=days_after(jan, 69),
                  closure_outcome="tenancy_sustained", tenancy_ref="T-2"),
        "C": dict(opened_at=jan, first_contact_due=due_jan, first_contact_at=days_after(jan, 2),
                  settling_in_due=settle_jan, status="closed", closed_at=days_after(jan, 79),
                  closure_outcome="moved_on_planned"),
        "D": dict(opened_at=jan, first_contact_due=due_jan, first_contact_at=days_after(jan, 10),
                  officer_id="officer-1", risk_level="high"),
        "E": dict(referred_at=days_after(feb, -6), opened_at=feb, first_contact_due=due_feb, first_contact_at=days_after(feb, 2), status="closed",
                  closed_at=days_after(feb, 19), closure_outcome="evicted", tenancy_ref="T-3"),
        "F": dict(opened_at=feb, first_contact_due=due_feb, officer_id="officer-1", risk_level="low"),
        "G": dict(opened_at=feb, first_contact_due=FAR, settling_in_due=FAR, risk_level="critical"),
        "T-2 again": dict(opened_at=at(9, 1), first_contact_due=days_after(at(9, 1), 4), tenancy_ref="T-2",
                          officer_id="officer-2", risk_level="high"),
        "T-3 again": dict(opened_at=at(4, 1, 2026), first_contact_due=days_after(at(4, 1, 2026), 4),
                          tenancy_ref="T-3", risk_level="low"),
    }
    ids = {}
    with sustainment.db.transaction() as session:
        for number, (name, fields) in enumerate(cases.items(), start=1):
            ids[name] = uuid.uuid4()
            session.add(Case(**{"id": ids[name], "number": 9000 + number, "case_type": "sustainment",
                                "status": "open", "risk_level": "medium", "tenant_name": f"Tenant {name}",
                                **fields}))
        session.flush()
        for name, held in (("A", days_after(jan, 7)), ("B", days_after(jan, 20))):
            session.add(Visit(case_id=ids[name], kind="settling_in", scheduled_for=held, scheduled_by="officer-1",
                              status="completed"))
        session.add(Visit(case_id=ids["C"], kind="settling_in", scheduled_for=days_after(jan, 7),
                          scheduled_by="officer-1", status="scheduled"))  # never held
        session.flush()
        outcomes.recount(session)  # the tallies, as closing them would have kept them
    return ids


EXPECTED = {
    "open_cases": [
        {"officer_id": None, "risk_level": "low", "cases": 1},
        {"officer_id": None, "risk_level": "critical", "cases": 1},
        {"officer_id": "officer-1", "risk_level": "low", "cases": 1},
        {"officer_id": "officer-1", "risk_level": "high", "cases": 1},
        {"officer_id": "officer-2", "risk_level": "high", "cases": 1},
    ],
    "first_contact": {
        "months": [
            {"month": "2025-01", "cases": 4, "within": 3, "percent": 75.0, "pending": 0},
            {"month": "2025-02", "cases": 2, "within": 1, "percent": 50.0, "pending": 1},
            {"month": "2025-03", "cases": 0, "within": 0, "percent": None, "pending": 0},
        ],
        "total": {"cases": 6, "within": 4, "percent": 66.7, "pending": 1},
    },
    "settling_in": {"cases": 3, "within": 1, "percent": 33.3, "pending": 1},
    "closed_by_outcome": [
        {"outcome": "tenancy_sustained", "cases": 2, "percent": 50.0},
        {"outcome": "evicted", "cases": 1, "percent": 25.0},
        {"outcome": "moved_on_planned", "cases": 1, "percent": 25.0},
    ],
    "sustained": {"closures": 3, "sustained": 2, "percent": 66.7, "not_yet_known": 0},
    "average_days": [
        {"measure": "referral_to_opened", "cases": 2, "days": 4.5},  # A after 3 days, E after 6
        {"measure": "opened_to_first_contact", "cases": 5, "days": 3.6},  # A, B, C, E after 2 days, D after 10
        {"measure": "opened_to_closure", "cases": 4, "days": 56.5},  # (59 + 69 + 79 + 19) / 4
    ],
}


def test_each_figure_over_made_data(sustainment, made):
    with sustainment.db.transaction() as session:
        found = performance.report(session, DateRange(dt.date(2025, 1, 1), dt.date(2025, 3, 31)), now=NOW)
    assert {k: v for k, v in found.items() if k not in ("from", "to")} == EXPECTED


def test_a_closure_younger_than_a_year_is_not_yet_known(sustainment, made):
    with sustainment.db.transaction() as session:
        found = performance.report(session, DateRange(dt.date(2025, 1, 1), dt.date(2025, 3, 31)),
                                   now=dt.datetime(2026, 3, 5, tzinfo=dt.UTC))
    # E closed on 1 March 2025 and A on 10 March 2025: a year is up for E only
    assert found["sustained"] == {"closures": 1, "sustained": 1, "percent": 100.0, "not_yet_known": 2}


def test_the_api_gives_the_same_figures_for_team_leaders_only(sustainment, made):
    r = sustainment.client.get("/reports/performance", query_string=RANGE, headers=LEADER)
    assert r.status_code == 200, r.json
    assert r.json["from"] == "2025-01-01" and r.json["to"] == "2025-03-31"
    assert {k: v for k, v in r.json.items() if k not in ("from", "to")} == EXPECTED
    officer = bearer("officer-1", "sustainment_officer")
    assert sustainment.client.get("/reports/performance", headers=officer).status_code == 403


def test_the_api_names_a_bad_date(sustainment):
    r = sustainment.client.get("/reports/performance", query_string={"from": "2025-02-30"}, headers=LEADER)
    assert r.status_code == 422 and "from" in str(r.json["errors"]), r.json
    r = sustainment.client.get("/reports/performance", query_string={"from": "2025-03-01", "to": "2025-02-01"},
                               headers=LEADER)
    assert r.status_code == 422 and "from" in str(r.json["errors"])


@pytest.fixture
def leader_page(sustainment):
    with sustainment.app.test_client() as client:
        sign_in_as(client, "leader-1", "team_leader", name="Leader One")
        yield client


def test_the_page_shows_every_figure(sustainment, made, leader_page):
    r = leader_page.get("/app/performance", query_string={"from-day": "1", "from-month": "1", "from-year": "2025",
                                                          "to-day": "31", "to-month": "3", "to-year": "2025"})
    assert r.status_code == 200
    page = r.get_data(as_text=True)
    assert "75.0%" in page and "66.7%" in page and "33.3%" in page and "56.5 days" in page
    assert 'role="img"' in page and "<desc>Jan 25: 75%; Feb 25: 50%; Mar 25: no figure</desc>" in page
    assert "Tenant" not in page  # counts only: no one's name
    # Open cases: a row per officer, the cases at each level (low, medium, high, critical) and in all.
    table = page[page.index('id="open-cases"'):page.index('id="first-contact"')]
    cells = [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", table, re.S)]
    assert cells[6:] == ["Not assigned", "1", "0", "0", "1", "2", "officer-1", "1", "0", "1", "0", "2",
                         "officer-2", "0", "0", "1", "0", "1"]


def test_the_page_refuses_a_bad_date_beside_its_field(sustainment, leader_page):
    r = leader_page.get("/app/performance", query_string={"to-day": "31", "to-month": "2", "to-year": "2025"})
    assert r.status_code == 422
    assert "The end date must be a real date" in r.get_data(as_text=True)


def test_officers_do_not_see_the_page(sustainment):
    with sustainment.app.test_client() as client:
        sign_in_as(client, "officer-1", "sustainment_officer")
        assert client.get("/app/performance").status_code == 403


@pytest.mark.parametrize("figure, lines", [
    ("first_contact", ["month,cases,within,percent,pending", "2025-01,4,3,75.0,0", "2025-02,2,1,50.0,1",
                       "2025-03,0,0,,0"]),
    ("closed_by_outcome", ["outcome,cases,percent", "tenancy_sustained,2,50.0", "evicted,1,25.0",
                           "moved_on_planned,1,25.0"]),
    ("sustained", ["closures,sustained,percent,not_yet_known", "3,2,66.7,0"]),
    ("open_cases", ["officer_id,risk_level,cases", ",low,1", ",critical,1", "officer-1,low,1", "officer-1,high,1",
                    "officer-2,high,1"]),
])
def test_each_figure_as_csv(sustainment, made, leader_page, figure, lines):
    r = leader_page.get("/app/performance", query_string={**RANGE, "format": "csv", "figure": figure})
    assert r.status_code == 200 and r.mimetype == "text/csv"
    assert r.get_data(as_text=True).splitlines() == lines


def test_an_unknown_figure_has_no_csv(sustainment, leader_page):
    assert leader_page.get("/app/performance?format=csv&figure=salaries").status_code == 404


@pytest.mark.slow
@pytest.mark.parametrize("javascript", [True, False], ids=["javascript", "no-javascript"])
def test_the_page_in_chromium(sustainment, made, tmp_path, javascript):
    """On a real server: axe-core finds nothing serious, the chart is an image beside its table,
    and the date range is a plain GET form (so it works with JavaScript off)."""
    from selenium.webdriver.common.by import By

    from casework_dev.testing.browser import performance_page_in_chromium

    shot = Path(os.environ.get("CASEWORK_SCREENSHOTS") or tmp_path) / "sustainment-performance.png"
    with performance_page_in_chromium(sustainment.app, dt.date(2025, 1, 1), dt.date(2025, 3, 31),
                                      javascript=javascript, shot=shot) as browser:
        assert "75.0%" in browser.find_element(By.ID, "first-contact").find_element(By.XPATH, "following::table").text
        chart = browser.find_element(By.CSS_SELECTOR, "svg.casework-chart[role='img']")
        assert "First contact within deadline" in chart.find_element(By.TAG_NAME, "title").get_attribute("textContent")


def test_team_leaders_find_the_page_from_the_caseload(sustainment, leader_page):
    assert 'href="/app/performance"' in leader_page.get("/app/cases").get_data(as_text=True)
    with sustainment.app.test_client() as client:
        sign_in_as(client, "officer-1", "sustainment_officer")
        assert "/app/performance" not in client.get("/app/cases").get_data(as_text=True)


def test_a_case_keeps_when_intake_received_its_referral(sustainment, open_case):
    received = dt.datetime(2026, 11, 2, 10, 30, tzinfo=dt.UTC)
    with_time = open_case(received_at=received)
    without = open_case(referral_id=uuid.uuid4())  # an older event, without it
    with sustainment.db.transaction() as session:
        assert session.get(Case, uuid.UUID(with_time["id"])).referred_at == received
        assert session.get(Case, uuid.UUID(without["id"])).referred_at is None
