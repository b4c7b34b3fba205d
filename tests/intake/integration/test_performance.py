"""The team leaders' intake figures over made data whose answers are known by hand: the use case,
the API (``/reports/performance``), the page (``/app/performance``) and its CSV files.

The made data (the range is January and February 2025; triage deadlines 2 days after receipt):
- January, 4 referrals: R1 (income_recovery; rent_arrears, mental_health) triaged after 1 day,
  accepted; R2 (income_recovery; rent_arrears) after 3 days, rejected (late); R3 (asb_team;
  anti_social_behaviour) after 1 day, signposted; R4 (asb_team; rent_arrears) withdrawn untriaged.
- February, 2: R5 (officer; other) triaged after 1 day, accepted; R6 (income_recovery;
  mental_health) not triaged and still inside its deadline.
- R0, received the evening before the range, counts nowhere.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import event, select

from casework import tallies
from casework.db import utcnow
from casework.migrations import config, upgrade
from casework.reports import DateRange, month_index
from casework.workdays import london_today
from casework_dev.testing import bearer
from casework_dev.testing.pages import sign_in_as
from casework_dev.testing.statements import statements_sent
from intake import performance
from intake.models import TALLIES, Referral
from intake.service import SERVICE

LEADER = bearer("leader-1", "team_leader")
RANGE = {"from": "2025-01-01", "to": "2025-02-28"}
NOW = dt.datetime(2026, 12, 1, 12, tzinfo=dt.UTC)
FAR = dt.datetime(2099, 1, 1, tzinfo=dt.UTC)
JAN, FEB = dt.datetime(2025, 1, 6, 9, tzinfo=dt.UTC), dt.datetime(2025, 2, 3, 9, tzinfo=dt.UTC)
DAY = dt.timedelta(days=1)


@pytest.fixture
def made(intake):
    referrals = [
        ("R0", JAN.replace(month=1, day=1) - 10 * dt.timedelta(hours=1), "income_recovery", ["rent_arrears"],
         "accepted", JAN, None),
        ("R1", JAN, "income_recovery", ["rent_arrears", "mental_health"], "accepted", JAN + DAY, None),
        ("R2", JAN, "income_recovery", ["rent_arrears"], "rejected", JAN + 3 * DAY, None),
        ("R3", JAN, "asb_team", ["anti_social_behaviour"], "signposted", JAN + DAY, None),
        ("R4", JAN, "asb_team", ["rent_arrears"], "withdrawn", None, None),
        ("R5", FEB, "officer", ["other"], "accepted", FEB + DAY, None),
        ("R6", FEB, "income_recovery", ["mental_health"], "received", None, FAR),
    ]
    with intake.db.transaction() as session:
        for number, (name, received, source, reasons, status, triaged, due) in enumerate(referrals):
            session.add(Referral(reference=f"R-{900000 + number}", status=status, received_at=received,
                                 source_system=source, referrer_name="Referrer", entered_by="sys-1",
                                 person_name=f"Person {name}", reasons=reasons, consent_given=True,
                                 risk_level="medium", risk_score=20, triage_due=due or received + 2 * DAY,
                                 triaged_at=triaged))
        session.flush()
        performance.recount(session)  # the tallies, as triaging and withdrawing them would have kept them


EXPECTED = {
    "received": 6,
    "received_by_month": [{"month": "2025-01", "referrals": 4}, {"month": "2025-02", "referrals": 2}],
    "by_source": [
        {"source": "income_recovery", "referrals": 3, "percent": 50.0},
        {"source": "asb_team", "referrals": 2, "percent": 33.3},
        {"source": "officer", "referrals": 1, "percent": 16.7},
    ],
    "by_reason": [
        {"reason": "rent_arrears", "referrals": 3, "percent": 50.0},
        {"reason": "mental_health", "referrals": 2, "percent": 33.3},
        {"reason": "anti_social_behaviour", "referrals": 1, "percent": 16.7},
        {"reason": "other", "referrals": 1, "percent": 16.7},
    ],
    "triaged_within_deadline": {
        "months": [
            {"month": "2025-01", "referrals": 3, "within": 2, "percent": 66.7, "pending": 0},
            {"month": "2025-02", "referrals": 1, "within": 1, "percent": 100.0, "pending": 1},
        ],
        "total": {"referrals": 4, "within": 3, "percent": 75.0, "pending": 1},
    },
    "outcomes": {"triaged": 4, "rows": [
        {"outcome": "accepted", "referrals": 2, "percent": 50.0},
        {"outcome": "rejected", "referrals": 1, "percent": 25.0},
        {"outcome": "signposted", "referrals": 1, "percent": 25.0},
    ]},
}


def _figures(found: dict) -> dict:
    return {k: v for k, v in found.items() if k not in ("from", "to")}


def test_each_figure_over_made_data(intake, made):
    with intake.db.transaction() as session:
        found = performance.report(session, DateRange(dt.date(2025, 1, 1), dt.date(2025, 2, 28)), now=NOW)
    assert _figures(found) == EXPECTED


def test_a_referral_past_its_deadline_untriaged_counts_as_late(intake, made):
    with intake.db.transaction() as session:  # by 2100 R6's deadline has passed, still untriaged
        found = performance.report(session, DateRange(dt.date(2025, 1, 1), dt.date(2025, 2, 28)),
                                   now=dt.datetime(2100, 1, 1, tzinfo=dt.UTC))
    assert found["triaged_within_deadline"]["total"] == {"referrals": 5, "within": 3, "percent": 60.0, "pending": 0}


def test_the_api_gives_the_same_figures_for_team_leaders_only(intake, made, who):
    r = intake.client.get("/reports/performance", query_string=RANGE, headers=LEADER)
    assert r.status_code == 200, r.json
    assert r.json["from"] == "2025-01-01" and r.json["to"] == "2025-02-28"
    assert _figures(r.json) == EXPECTED
    assert intake.client.get("/reports/performance", headers=who.intake_officer).status_code == 403
    bad = intake.client.get("/reports/performance", query_string={"from": "2025-03-01", "to": "2025-02-01"},
                            headers=LEADER)
    assert bad.status_code == 422 and "from" in str(bad.json["errors"])


@pytest.fixture
def leader_page(intake):
    with intake.app.test_client() as client:
        sign_in_as(client, "leader-1", "team_leader", name="Leader One")
        yield client


def test_the_page_shows_every_figure_and_no_ones_details(intake, made, leader_page):
    r = leader_page.get("/app/performance", query_string={"from-day": "1", "from-month": "1", "from-year": "2025",
                                                          "to-day": "28", "to-month": "2", "to-year": "2025"})
    assert r.status_code == 200
    page = r.get_data(as_text=True)
    assert "6 referrals received" in page and "75.0% of 4 referrals" in page and "Outcomes of the 4 referrals" in page
    assert "<desc>Jan 25: 4; Feb 25: 2</desc>" in page
    assert "<desc>Jan 25: 66.7%; Feb 25: 100%</desc>" in page
    assert "Person" not in page


def test_the_page_refuses_a_bad_date_and_officers_do_not_see_it(intake, leader_page):
    r = leader_page.get("/app/performance", query_string={"from-day": "31", "from-month": "2", "from-year": "2025"})
    assert r.status_code == 422 and "The start date must be a real date" in r.get_data(as_text=True)
    with intake.app.test_client() as client:
        sign_in_as(client, "officer-1", "intake_officer")
        assert client.get("/app/performance").status_code == 403


@pytest.mark.parametrize("figure, lines", [
    ("by_reason", ["reason,referrals,percent", "rent_arrears,3,50.0", "mental_health,2,33.3",
                   "anti_social_behaviour,1,16.7", "other,1,16.7"]),
    ("triaged_within_deadline", ["month,referrals,within,percent,pending", "2025-01,3,2,66.7,0",
                                 "2025-02,1,1,100.0,1"]),
    ("outcomes", ["outcome,referrals,percent", "accepted,2,50.0", "rejected,1,25.0", "signposted,1,25.0"]),
])
def test_each_figure_as_csv(intake, made, leader_page, figure, lines):
    r = leader_page.get("/app/performance", query_string={**RANGE, "format": "csv", "figure": figure})
    assert r.status_code == 200 and r.mimetype == "text/csv"
    assert r.get_data(as_text=True).splitlines() == lines


@pytest.mark.slow
@pytest.mark.parametrize("javascript", [True, False], ids=["javascript", "no-javascript"])
def test_the_page_in_chromium(intake, made, tmp_path, javascript):
    """On a real server: axe-core finds nothing serious, the charts are images beside their tables,
    and the date range is a plain GET form (so it works with JavaScript off)."""
    from selenium.webdriver.common.by import By

    from casework_dev.testing.browser import performance_page_in_chromium

    shot = Path(os.environ.get("CASEWORK_SCREENSHOTS") or tmp_path) / "intake-performance.png"
    with performance_page_in_chromium(intake.app, dt.date(2025, 1, 1), dt.date(2025, 2, 28),
                                      javascript=javascript, shot=shot) as browser:
        assert "6 referrals received" in browser.find_element(By.TAG_NAME, "main").text
        titles = [c.find_element(By.TAG_NAME, "title").get_attribute("textContent")
                  for c in browser.find_elements(By.CSS_SELECTOR, "svg.casework-chart[role='img']")]
        assert titles == ["Referrals received by month", "Referrals triaged within deadline, % by month"]


def test_team_leaders_find_the_page_from_the_queue(intake, leader_page):
    assert 'href="/app/performance"' in leader_page.get("/app/referrals").get_data(as_text=True)
    with intake.app.test_client() as client:
        sign_in_as(client, "officer-1", "intake_officer")
        assert "/app/performance" not in client.get("/app/referrals").get_data(as_text=True)


def _tallied(session) -> list:
    """Every count kept, by month and by day."""
    return sorted(tuple(row) for table in (TALLIES.months, TALLIES.days)
                  for row in session.execute(select(table).where(table.c.count != 0)))


def test_triage_and_withdrawal_keep_the_monthly_tallies_as_a_count_from_scratch(intake, refer, who):
    made = [refer() for _ in range(5)]
    for referral, outcome in zip(made, ({"outcome": "accept"}, {"outcome": "reject", "reason": "Not ours."},
                                        {"outcome": "signpost", "signposted_to": "Citizens Advice"}), strict=False):
        assert intake.client.post(f"/referrals/{referral['id']}/triage", json=outcome,
                                  headers=who.intake_officer).status_code == 200
    assert intake.client.post(f"/referrals/{made[3]['id']}/withdraw", json={"reason": "Arrears cleared."},
                              headers=who.referrer).status_code == 200

    with intake.db.transaction() as session:
        kept = _tallied(session)
        performance.recount(session)
        assert _tallied(session) == kept
        today = london_today()
        assert sum(n for figure, period, _, n in kept if figure == performance.SETTLED and period == f"{today}") == 4
        assert sum(n for figure, period, _, n in kept if figure == performance.SETTLED and period == f"{today:%Y-%m}") == 4
        # This whole month: four from the tallies, the one still waiting from the referrals.
        found = performance.report(session, tallies.spanning([f"{today:%Y-%m}"]), now=utcnow())
    assert found["received"] == 5
    assert sum(row["referrals"] for row in found["by_source"]) == 5
    assert found["triaged_within_deadline"]["total"] == {"referrals": 3, "within": 3, "percent": 100.0, "pending": 1}
    assert [row["referrals"] for row in found["outcomes"]["rows"]] == [1, 1, 1]


@pytest.mark.parametrize("first, last", [("2025-01-01", "2025-02-28"), ("2025-01-06", "2025-02-03"),
                                         ("2024-12-31", "2025-02-10"), ("2025-01-07", "2025-03-31")])
def test_whole_months_from_the_tallies_and_part_months_from_the_referrals_agree(intake, made, first, last):
    span = DateRange(dt.date.fromisoformat(first), dt.date.fromisoformat(last))
    with intake.db.transaction() as session:
        assert performance.report(session, span, now=NOW) == performance.from_scratch(session, span, now=NOW)


#: Referrals received at the edges of London's days and months (UTC), in and out of summer time.
EDGES = [dt.datetime(2025, 3, 30, 0, 30, tzinfo=dt.UTC),  # 30 March, the clocks go forward at 01:00 UTC
         dt.datetime(2025, 3, 31, 22, 59, tzinfo=dt.UTC),  # 23:59 BST: 31 March
         dt.datetime(2025, 3, 31, 23, 0, tzinfo=dt.UTC),  # 00:00 BST: 1 April in London, March in UTC
         dt.datetime(2025, 4, 30, 23, 30, tzinfo=dt.UTC),  # 1 May in London
         dt.datetime(2025, 10, 25, 23, 30, tzinfo=dt.UTC),  # 26 October, 00:30 BST
         dt.datetime(2025, 10, 26, 1, 30, tzinfo=dt.UTC),  # after the clocks go back: 01:30 GMT
         dt.datetime(2025, 12, 31, 23, 59, tzinfo=dt.UTC), dt.datetime(2026, 1, 1, 0, 0, tzinfo=dt.UTC)]


@pytest.fixture
def edges(intake):
    """Three referrals at each edge: accepted in time, rejected late, withdrawn; one more waiting."""
    settled = (("accepted", DAY), ("rejected", 3 * DAY), ("withdrawn", None))
    with intake.db.transaction() as session:
        for number, (received, (status, after)) in enumerate((moment, how) for moment in EDGES for how in settled):
            session.add(Referral(reference=f"R-{800000 + number}", status=status, received_at=received,
                                 source_system=("income_recovery", "asb_team")[number % 2], referrer_name="Referrer",
                                 entered_by="sys-1", person_name=f"Person {number}",
                                 reasons=[("rent_arrears", "other", "mental_health")[number % 3]], consent_given=True,
                                 risk_level="medium", risk_score=20, triage_due=received + 2 * DAY,
                                 triaged_at=received + after if after else None))
        session.add(Referral(reference="R-809999", status="received", received_at=EDGES[2], source_system="officer",
                             referrer_name="Referrer", entered_by="sys-1", person_name="Waiting", reasons=["other"],
                             consent_given=True, risk_level="medium", risk_score=20, triage_due=FAR))
        session.flush()
        performance.recount(session)


EDGE_RANGES = [("2025-03-31", "2025-03-31"), ("2025-04-01", "2025-04-01"), ("2025-03-30", "2025-04-30"),
               ("2025-04-01", "2025-05-01"), ("2025-03-31", "2025-05-01"), ("2025-10-26", "2025-10-26"),
               ("2025-10-25", "2025-12-31"), ("2025-03-01", "2026-01-01"), ("2025-01-01", "2025-12-31")]


def test_the_figures_from_the_tallies_are_those_counted_from_the_referrals_across_london_days(intake, edges):
    with intake.db.transaction() as session:
        for first, last in EDGE_RANGES:
            span = DateRange(dt.date.fromisoformat(first), dt.date.fromisoformat(last))
            assert performance.report(session, span, now=NOW) == performance.from_scratch(session, span, now=NOW), span
        one_day = performance.report(session, DateRange(dt.date(2025, 4, 1), dt.date(2025, 4, 1)), now=NOW)
    assert one_day["received"] == 4  # the three at 00:00 BST and the one waiting, not those at 23:59
    assert one_day["triaged_within_deadline"]["total"] == {"referrals": 2, "within": 1, "percent": 50.0, "pending": 1}


def test_the_report_reads_no_referral_but_those_waiting(intake, edges):
    """Part months at both ends: their days' tallies, not their referrals (only those still
    waiting for triage, which no tally counts, are read)."""
    read: list[str] = []

    def seen(conn, cursor, statement, *args):
        if "referrals" in statement:
            read.append(" ".join(statement.split()))

    span = DateRange(dt.date(2025, 3, 31), dt.date(2025, 10, 26))
    with intake.db.transaction() as session:
        event.listen(intake.db.engine, "before_cursor_execute", seen)
        try:
            performance.report(session, span, now=NOW)
        finally:
            event.remove(intake.db.engine, "before_cursor_execute", seen)
    assert read and all("referrals.status = " in statement for statement in read), read


def test_the_waiting_referrals_are_asked_for_by_a_status_written_in_the_sql(intake, edges):
    """``status = $1`` was planned once for any status after psycopg prepared the statement (a
    generic plan): at a large council that plan read the whole range from
    ``ix_referrals_received_at`` to keep the few waiting (five years: a million index entries,
    bench/NOTES.md "intake's performance report (intx)"). Written in, it is a constant the planner
    knows to be rare."""
    span = DateRange(dt.date(2025, 3, 31), dt.date(2025, 10, 26))
    with intake.db.transaction() as session, statements_sent(intake.db.engine) as sent:
        found = performance.report(session, span, now=NOW)
    waiting = [sql for sql, _ in sent if "FROM referrals" in sql]
    assert waiting and all("referrals.status = 'received'" in sql for sql in waiting), waiting
    assert found["triaged_within_deadline"]["total"]["pending"] == 1


def test_many_waiting_referrals_counted_in_the_database_as_one_by_one(intake, edges):
    """Waiting referrals at every edge, inside their deadline and past it, with the same and
    different lists of reasons (a reason given twice counts once): the report as from scratch."""
    reasons = (["rent_arrears"], ["rent_arrears", "other"], ["other", "rent_arrears", "other"], [], None)
    with intake.db.transaction() as session:
        for number, received in enumerate(moment for moment in EDGES for _ in range(3)):
            session.add(Referral(reference=f"R-{810000 + number}", status="received", received_at=received,
                                 source_system=("income_recovery", "asb_team", "officer")[number % 3],
                                 referrer_name="Referrer", entered_by="sys-1", person_name=f"Waiting {number}",
                                 reasons=reasons[number % len(reasons)], consent_given=True, risk_level="medium",
                                 risk_score=20, triage_due=(FAR if number % 2 else received + 2 * DAY)))
    with intake.db.transaction() as session:
        for first, last in EDGE_RANGES:
            span = DateRange(dt.date.fromisoformat(first), dt.date.fromisoformat(last))
            found = performance.report(session, span, now=NOW)
            assert found == performance.from_scratch(session, span, now=NOW), span
        assert found["triaged_within_deadline"]["total"]["pending"] > 1


def test_a_ranges_month_case_is_built_once(intake, edges, monkeypatch):
    """Five years' month CASE took 5-12 ms of a request's CPU to build (sixty months' first
    instants): built once a range, each process."""
    built = []
    monkeypatch.setattr(performance, "month_index", lambda *args: built.append(args) or month_index(*args))
    performance._month_received.cache_clear()
    span = DateRange(dt.date(2021, 12, 1), dt.date(2026, 11, 30))
    with intake.db.transaction() as session:
        first = performance.report(session, span, now=NOW)
        assert performance.report(session, span, now=NOW) == first
        performance.report(session, DateRange(dt.date(2025, 1, 1), dt.date(2025, 12, 31)), now=NOW)
    assert len(built) == 2


def test_sources_and_reasons_come_totalled_from_the_tallies(intake, edges):
    """Only the referrals' count by month is wanted by month; sources and reasons are summed over
    the range by the database, a row a key (five years at a large council: 1,281 of the 1,708 rows
    read were sources' and reasons' by month)."""
    span = DateRange(dt.date(2025, 3, 1), dt.date(2026, 1, 1))
    with intake.db.transaction() as session, statements_sent(intake.db.engine) as sent:
        performance.report(session, span, now=NOW)
    (read,) = [(sql, parameters) for sql, parameters in sent if "_tallies" in sql]
    with intake.db.engine.connect() as conn:
        rows = conn.exec_driver_sql(*read).all()
    totalled = [(figure, month, key) for figure, month, key, _ in rows
                if figure in (performance.BY_SOURCE, performance.BY_REASON)]
    assert totalled and all(month is None for _, month, _ in totalled), rows
    assert len(totalled) == len(set(totalled))
    assert len({month for figure, month, _, _ in rows if figure == performance.SETTLED}) > 2


def test_the_report_asks_the_database_three_times_and_counts_the_waiting_there(intake, edges):
    """The three figures' tallies in one statement (``tallies.counted_each``), the waiting
    referrals counted in the database in two (by month, pending and source; by reasons): a
    round trip a figure was three more statements a request, and the waiting read one by one
    most of a report's time with a large council's 2,000 of them."""
    for first, last in EDGE_RANGES:
        span = DateRange(dt.date.fromisoformat(first), dt.date.fromisoformat(last))
        with intake.db.transaction() as session, statements_sent(intake.db.engine) as sent:
            performance.report(session, span, now=NOW)
        selects = [" ".join(sql.split()) for sql, _ in sent if sql.lstrip().startswith("SELECT")]
        assert len(selects) == 3, (span, selects)
        waiting = [sql for sql in selects if "FROM referrals" in sql]
        assert len(waiting) == 2 and all("count(*)" in sql and "GROUP BY" in sql for sql in waiting), waiting


def test_the_migrations_fill_the_tallies_from_the_referrals_so_far(intake, edges):
    url = intake.db.url
    with intake.db.transaction() as session:
        kept = _tallied(session)
    assert any(day == "2025-04-01" for _, day, _, _ in kept)  # the referrals at 00:00 BST
    command.downgrade(config(SERVICE, url), "0016")  # no days kept
    upgrade(SERVICE, url)  # 0017 counts them
    with intake.db.transaction() as session:
        assert _tallied(session) == kept
    command.downgrade(config(SERVICE, url), "0015")  # no tallies at all
    upgrade(SERVICE, url)  # 0016 counts the months, 0017 the days
    with intake.db.transaction() as session:
        assert _tallied(session) == kept
