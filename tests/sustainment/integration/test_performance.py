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
from casework_dev.testing import bearer, plan_of, statements_sent
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
    assert ("66.7% of 6 cases opened in these dates had first contact by the deadline (1 still inside their "
            "deadline are not counted).") in page
    assert 'role="img"' in page and "<desc>Jan 25: 75%; Feb 25: 50%; Mar 25: no figure</desc>" in page
    assert "Tenant" not in page  # counts only: no one's name
    # Open cases: a row per officer, the cases at each level (low, medium, high, critical) and in all.
    table = page[page.index('id="open-cases"'):page.index('id="first-contact"')]
    cells = [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", table, re.S)]
    assert cells[6:] == ["Not assigned", "1", "0", "0", "1", "2", "officer-1", "1", "0", "1", "0", "2",
                         "officer-2", "0", "0", "1", "0", "1"]


def test_the_page_says_plainly_when_no_case_has_reached_its_first_contact_deadline(sustainment, leader_page, open_case):
    """It said "No figure of 0 cases opened in these dates had first contact by its deadline (1
    still inside their deadline are not counted)"."""
    def said() -> str:
        page = leader_page.get("/app/performance").get_data(as_text=True)
        section = page[page.index('id="first-contact"'):]
        return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", section[:section.index("</p>")])).strip()

    assert said().endswith("No cases were opened in these dates.")
    open_case()  # opened now: its deadline is days ahead
    assert said().endswith("No cases opened in these dates have reached their first-contact deadline yet (1 still "
                           "inside it).")


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


# -- first contact and the average days from the tallies (bench/NOTES.md, "Sustainment performance
# report (sperf)") ---------------------------------------------------------------------------------

def _from_the_cases(session, span: DateRange, now: dt.datetime) -> dict:
    """First contact and the average days counted from the cases themselves, as the report did
    before the tallies (its statements, word for word): what the tallies must give."""
    from sqlalchemy import and_, case, func, select

    from casework.portable import days_between
    from casework.reports import month_index, months, percent

    opened = (Case.opened_at >= span.since, Case.opened_at < span.until)
    flag = lambda condition: case((condition, 1), else_=0)  # noqa: E731
    each = select(month_index(Case.opened_at, span).label("month"),
                  flag(and_(Case.first_contact_at.is_(None), Case.first_contact_due >= now)).label("pending"),
                  flag(and_(Case.first_contact_at.is_not(None), Case.first_contact_at <= Case.first_contact_due))
                  .label("within")).where(*opened).subquery()
    by_month: dict = {}
    for month, pending, within, n in session.execute(select(each.c.month, each.c.pending, each.c.within, func.count())
                                                     .group_by(each.c.month, each.c.pending, each.c.within)):
        tally = by_month.setdefault(month, {"cases": 0, "within": 0, "pending": 0})
        if pending:
            tally["pending"] += n
            continue
        tally["cases"] += n
        tally["within"] += n if within else 0
    rows = []
    for i, m in enumerate(months(span)):
        t = by_month.get(i, {"cases": 0, "within": 0, "pending": 0})
        rows.append({"month": m, **t, "percent": percent(t["within"], t["cases"])})
    total = {k: sum(r[k] for r in rows) for k in ("cases", "within", "pending")}
    measures = (("referral_to_opened", Case.referred_at, Case.opened_at),
                ("opened_to_first_contact", Case.opened_at, Case.first_contact_at),
                ("opened_to_closure", Case.opened_at, Case.closed_at))
    columns = []
    for _, start, end in measures:
        columns += [func.count(days_between(start, end)), func.avg(days_between(start, end))]
    found = session.execute(select(*columns).where(*opened)).one()
    young = session.scalar(select(func.count()).where(
        Case.status == "closed", Case.closed_at >= span.since, Case.closed_at < span.until,
        Case.tenancy_ref.is_not(None), Case.closed_at > now - dt.timedelta(days=365)))
    return {"not_yet_known": young,
            "first_contact": {"months": [{k: r[k] for k in ("month", "cases", "within", "percent", "pending")}
                                         for r in rows],
                              "total": {**total, "percent": percent(total["within"], total["cases"])}},
            "average_days": [{"measure": name, "cases": found[2 * i], "days": None if found[2 * i + 1] is None
                              else round(float(found[2 * i + 1]), 1)} for i, (name, _, _) in enumerate(measures)]}


def _figures(found: dict) -> dict:
    return {"first_contact": found["first_contact"], "average_days": found["average_days"],
            "not_yet_known": found["sustained"]["not_yet_known"]}


def _kept(session) -> list:
    from sqlalchemy import select

    from sustainment.models import TALLIES

    return sorted(tuple(row) for table in (TALLIES.months, TALLIES.days)
                  for row in session.execute(select(table).where(
                      table.c.figure.in_([performance.BY_DAY_OPENED, performance.CLOSED_WITH_TENANCY]),
                      table.c.count != 0)))


def _utc(y, m, d, hh, mm=0) -> dt.datetime:
    return dt.datetime(y, m, d, hh, mm, tzinfo=dt.UTC)


def test_the_use_cases_keep_first_contact_and_the_days_as_a_count_from_scratch(sustainment, assigned_case):
    """Opening (with and without a referral time), first contact within and past its deadline,
    closing, reopening and closing again: the tallies kept equal a recount and the migration's
    fill (0021), and the report gives what the cases give."""
    from alembic import command

    from casework.migrations import config, upgrade
    from sustainment.cases.closure import close, reopen
    from sustainment.cases.contacts import record_contact
    from sustainment.policy import current as policy
    from sustainment.service import SERVICE

    now = dt.datetime.now(dt.UTC)
    long_ago = now - dt.timedelta(days=40)
    ids = [uuid.UUID(assigned_case(received_at=now - dt.timedelta(days=3, seconds=17))["id"]),
           uuid.UUID(assigned_case(accepted_at=long_ago)["id"]),  # first contact due long ago
           uuid.UUID(assigned_case(received_at=now - dt.timedelta(hours=5, microseconds=3))["id"]),
           uuid.UUID(assigned_case()["id"])]  # never contacted: pending
    with sustainment.db.transaction() as session:
        cases = [session.get(Case, i) for i in ids]
        record_contact(session, cases[0], method="phone", made_at=now - dt.timedelta(minutes=7), notes=None,
                       by="officer-1", now=now)  # within
        record_contact(session, cases[1], method="phone", made_at=None, notes=None, by="officer-1", now=now)  # late
        record_contact(session, cases[2], method="letter", made_at=now - dt.timedelta(days=9), notes=None,
                       by="officer-1", now=now)  # before the case opened: a negative duration
        close(session, cases[0], outcome="evicted", summary=".", policy=policy(), now=now + dt.timedelta(days=3))
        close(session, cases[1], outcome="deceased", summary=".", policy=policy(), now=now + dt.timedelta(days=8))
    with sustainment.db.transaction() as session:
        reopen(session, session.get(Case, ids[1]), reason="closed by mistake")
        reopen(session, session.get(Case, ids[0]), reason="closed by mistake")
        close(session, session.get(Case, ids[0]), outcome="evicted", summary=".", policy=policy(),
              now=now + dt.timedelta(days=31, seconds=5))
    span = DateRange(now.date() - dt.timedelta(days=30), now.date() + dt.timedelta(days=1))
    with sustainment.db.transaction() as session:
        kept = _kept(session)
        found = performance.report(session, span, now=now)
        assert _figures(found) == _from_the_cases(session, span, now)
        assert found["first_contact"]["total"] == {"cases": 3, "within": 2, "percent": 66.7, "pending": 1}
        assert [m["cases"] for m in found["average_days"]] == [2, 3, 1]
        outcomes.recount(session)
        assert _kept(session) == kept
    url = sustainment.db.url
    command.downgrade(config(SERVICE, url), "0020")
    with sustainment.db.transaction() as session:
        assert _kept(session) == []
    upgrade(SERVICE, url)
    with sustainment.db.transaction() as session:
        assert _kept(session) == kept


@pytest.fixture
def at_the_edges(sustainment):
    """Cases opened either side of London's midnights (the clocks going forward on 29 March 2026,
    back on 25 October, New Year), contacted and closed at odd microseconds, counted from scratch."""
    opened = [_utc(2025, 12, 31, 23, 59), _utc(2026, 1, 1, 0, 1), _utc(2026, 3, 28, 23, 30),
              _utc(2026, 3, 31, 22, 59), _utc(2026, 3, 31, 23, 0), _utc(2026, 4, 30, 23, 30),
              _utc(2026, 10, 24, 22, 59), _utc(2026, 10, 25, 0, 0), _utc(2026, 10, 31, 23, 59)]
    with sustainment.db.transaction() as session:
        for n, at_ in enumerate(opened):
            for k in range(3):
                due = at_ + dt.timedelta(days=2 + k, hours=n)
                closed_at = at_ + dt.timedelta(days=11 * k + n, seconds=n + 1, microseconds=999_999) if k else None
                session.add(Case(
                    id=uuid.uuid4(), number=9500 + 3 * n + k, case_type="sustainment",
                    status="closed" if closed_at else "open", tenancy_ref=f"T-{n}" if (n + k) % 3 else None,
                    closure_outcome="evicted" if closed_at else None,
                    risk_level="medium", tenant_name="T", opened_at=at_, first_contact_due=due,
                    # Whole seconds beside the microseconds: no average lands on a rounding's edge,
                    # where SQLite's julianday (some 50 microseconds) could round another way.
                    referred_at=at_ - dt.timedelta(days=n, seconds=7 * k + 1, microseconds=3) if k != 1 else None,
                    first_contact_at=(due + dt.timedelta(hours=k - 1, seconds=n + 1, microseconds=n))
                    if (n + k) % 4 else None,
                    closed_at=closed_at))
        session.flush()
        outcomes.recount(session)


@pytest.mark.parametrize("start, end", [
    ("2026-01-01", "2026-12-31"), ("2026-01-01", "2026-01-01"), ("2025-12-31", "2026-04-01"),
    ("2026-03-29", "2026-03-31"), ("2026-04-01", "2026-04-30"), ("2026-03-31", "2026-05-01"),
    ("2026-10-25", "2026-11-01"), ("2025-01-01", "2025-12-30"),
])
def test_first_contact_and_the_days_from_the_tallies_are_those_of_the_cases(sustainment, at_the_edges, start, end):
    span = DateRange(dt.date.fromisoformat(start), dt.date.fromisoformat(end))
    # Now a year after some closures' London days (their day counted from the cases), and not.
    for now in (_utc(2026, 3, 30, 12), _utc(2026, 11, 5, 1), NOW, _utc(2027, 1, 11, 23, 59) + dt.timedelta(seconds=1),
                _utc(2027, 4, 14, 12), _utc(2027, 4, 14, 22, 59) + dt.timedelta(seconds=5),
                _utc(2027, 4, 15, 23) + dt.timedelta(seconds=5), _utc(2027, 11, 5, 12)):
        with sustainment.db.transaction() as session:
            found = performance.report(session, span, now=now)
            assert _figures(found) == _from_the_cases(session, span, now)


def test_the_report_reads_no_year_of_cases_for_first_contact_or_the_days(sustainment, made):
    """Of the cases opened in the range only those still awaiting first contact (their deadline
    ahead, the moment written in: ``ix_cases_awaiting_contact``) and the settling-in ones are read."""
    with statements_sent(sustainment.db.engine) as sent, sustainment.db.transaction() as session:
        performance.report(session, DateRange(dt.date(2025, 1, 1), dt.date(2025, 3, 31)), now=NOW)
    found = [s for s, _ in sent]
    opened = [s for s in found if "cases.opened_at >=" in s]
    assert len(opened) == 2, found
    assert [s for s in opened if "cases.first_contact_at IS NULL AND cases.first_contact_due >= '2026-12-01 12:00:00" in s]
    assert [s for s in opened if "cases.settling_in_due IS NOT NULL" in s]
    # Whole months: the cases opened and closed in one statement of tallies (no closure in the
    # range is younger than a year: its tallies are not read).
    assert len([s for s in found if "FROM monthly_tallies" in s]) == 1, found


def test_settling_in_looks_up_the_visits_of_each_onboarding_case_by_its_index(sustainment, made):
    """The onboarding cases opened in the range by ``ix_cases_settling_in`` (its WHERE written as the
    statement has it, so a generic plan can use it too), each one's visits made looked up by case in
    ``ix_visits_settled``: not every onboarding case's visits grouped and joined, which SQLite did
    for five years of them (43 ms at full size; bench/NOTES.md, "SQLite at full size (lite)")."""
    with statements_sent(sustainment.db.engine) as found, sustainment.db.transaction() as session:
        performance.report(session, DateRange(dt.date(2025, 1, 1), dt.date(2025, 3, 31)), now=NOW)
    [(statement, parameters)] = [(s, p) for s, p in found if "cases.settling_in_due IS NOT NULL" in s]
    plan = plan_of(sustainment.db.engine, statement, parameters)
    assert "ix_cases_settling_in" in plan, plan
    if sustainment.db.is_sqlite:
        assert "SEARCH visits USING INDEX ix_visits_settled (case_id=?" in plan, plan
        assert "SCAN visits" not in plan and "MATERIALIZE" not in plan, plan
    else:
        assert "Index Cond: (case_id = cases.id)" in plan and "ix_visits_settled" in plan, plan
        assert "Aggregate" not in plan.split("\n", 1)[1], plan  # no visits grouped


def test_the_closures_a_year_old_are_read_up_to_the_earlier_of_the_ranges_end_and_a_year_ago(sustainment, made):
    """One upper end for ``ix_cases_closed_at``: SQLite ranges the index by one of two, and took the
    range's end, reading its year of closures where a year ago leaves a few hours or none."""
    for span, end in ((DateRange(dt.date(2025, 12, 2), dt.date(2026, 12, 1)), "cases.closed_at <= "),  # a year ago
                      (DateRange(dt.date(2025, 1, 1), dt.date(2025, 3, 31)), "cases.closed_at < ")):  # the range's
        with statements_sent(sustainment.db.engine) as found, sustainment.db.transaction() as session:
            performance.report(session, span, now=NOW)
        known = [s for s, _ in found if "cases.tenancy_ref IS NOT NULL" in s
                 and s.count("cases.closed_at >") == s.count("cases.closed_at >=")]  # not the younger ones
        assert len(known) == 2, found  # counted, and joined to the tenancies' later cases
        for statement in known:
            assert [bound for bound in ("cases.closed_at <= ", "cases.closed_at < ") if bound in statement] == [end], statement
