"""The live voids and the lettings performance figures, over made data whose answers are worked out
by hand in lettings_reports_data.py: through the API (JSON and CSV) and the pages (/app/voids, /app/performance), on both
backends. The pages and the API call the same use cases (lettings.letting.reporting)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import uuid
from decimal import Decimal

import pytest

from casework.workdays import london_today
from casework_dev.testing import bearer
from casework_dev.testing.pages import sign_in_as
from lettings.letting import lets
from lettings.models import Applicant, Offer, Property, Tenancy, Void

from .conftest import OFFICER
from .lettings_reports_data import made_data

LEADER = bearer("leader-1", "team_leader")

@pytest.fixture
def made(lettings):
    with lettings.db.transaction() as session:
        return made_data(session, london_today())


PERIOD = {"from": "2025-01-01", "to": "2025-03-31"}


def rows_of(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text)))


def test_live_voids_longest_first_with_rent_lost_and_where_each_stands(lettings, made):
    r = lettings.client.get("/reports/live-voids", headers=OFFICER)
    assert r.status_code == 200, r.json
    body = r.json
    assert body["total"] == 6 and Decimal(body["rent_lost"]) == Decimal("1790.00")
    got = [(v["property_reference"], v["days"], v["rent_lost"], v["stage"], v["applicant_reference"])
           for v in body["voids"]]
    assert got == [("P-900001", 60, "600.00", "not_advertised", None),
                   ("P-900004", 30, "600.00", "accepted", made["a2"]),
                   ("P-900002", 20, "300.00", "advertised", None),
                   ("P-900006", 15, "105.00", "shortlist", None),
                   ("P-900003", 10, "120.00", "offered", made["a1"]),
                   ("P-900005", 5, "65.00", "signed_up", made["a3"])]


def test_live_voids_filter_page_and_csv(lettings, made):
    two = lettings.client.get("/reports/live-voids?bedrooms=2&per_page=2&page=2", headers=OFFICER).json
    assert two["total"] == 3 and two["pages"] == 2 and [v["property_reference"] for v in two["voids"]] == ["P-900005"]
    offered = lettings.client.get("/reports/live-voids?stage=offered", headers=OFFICER).json
    assert [v["property_reference"] for v in offered["voids"]] == ["P-900003"]
    bad = lettings.client.get("/reports/live-voids?stage=lost", headers=OFFICER)
    assert bad.status_code == 422 and "stage" in str(bad.json)
    text = lettings.client.get("/reports/live-voids.csv?stage=shortlist", headers=OFFICER)
    assert text.mimetype == "text/csv"
    rows = rows_of(text.get_data(as_text=True))
    assert rows[0][:3] == ["property_reference", "address", "bedrooms"] and len(rows) == 2
    assert rows[1][0] == "P-900006" and rows[1][rows[0].index("rent_lost")] == "105.00"


def test_performance_figures_as_json(lettings, made):
    r = lettings.client.get("/reports/lettings-performance", query_string=PERIOD, headers=LEADER)
    assert r.status_code == 200, r.json
    f = r.json
    assert [(b["voids"], Decimal(b["rent_lost"])) for b in f["void_ageing"]] == [
        (2, Decimal("185.00")), (2, Decimal("405.00")), (1, Decimal("600.00")), (1, Decimal("600.00"))]
    months = {m["month"]: m for m in f["void_months"]}
    assert list(months) == ["2025-01", "2025-02", "2025-03"]
    assert (months["2025-01"]["lets"], months["2025-01"]["void_days"], Decimal(months["2025-01"]["void_days_per_let"]),
            Decimal(months["2025-01"]["rent_loss_per_let"])) == (2, 42, Decimal("21.0"), Decimal("140.00"))
    assert months["2025-02"]["lets"] == 0 and months["2025-02"]["void_days_per_let"] is None
    assert Decimal(months["2025-03"]["rent_loss"]) == Decimal("100.00")
    o = f["offers"]
    assert (o["made"], o["accepted"], o["refused"], o["expired"], Decimal(o["refusal_rate"])) == (7, 3, 3, 1, Decimal("0.5"))
    assert o["refused_by_reason"] == [
        {"reason": "location", "label": "The area or location does not suit the household", "refused": 2},
        {"reason": "accessibility", "label": "The home does not meet the household's access or medical needs",
         "refused": 1}]
    assert f["lets_by_band"] == [{"band": "A", "lets": 2}, {"band": "B", "lets": 1}, {"band": "C", "lets": 0},
                                 {"band": "D", "lets": 0}]
    assert f["register"]["bedroom_needs"] == [1, 2, 3]
    assert [(r["band"], r["by_bedroom_need"], r["total"]) for r in f["register"]["rows"][:2]] == [
        ("A", {"1": 1, "2": 0, "3": 1}, 2), ("B", {"1": 0, "2": 2, "3": 0}, 2)]


def test_each_performance_figure_as_csv(lettings, made):
    def get(figure):
        r = lettings.client.get(f"/reports/lettings-performance/{figure}.csv", query_string=PERIOD, headers=OFFICER)
        assert r.status_code == 200 and r.mimetype == "text/csv"
        return rows_of(r.get_data(as_text=True))

    assert get("void-ageing")[1:] == [["0–14 days", "2", "185.00"], ["15–28 days", "2", "405.00"],
                                      ["29–56 days", "1", "600.00"], ["57 days or more", "1", "600.00"]]
    assert get("void-months")[1] == ["2025-01", "2", "42", "280.00", "21.0", "140.00"]
    assert ["refusal_rate", "0.5000"] in get("offers") and ["refused: location", "2"] in get("offers")
    assert get("lets-by-band")[1:3] == [["A", "2"], ["B", "1"]]
    assert get("register")[1] == ["A", "1", "0", "1", "2"]
    missing = lettings.client.get("/reports/lettings-performance/nothing.csv", headers=OFFICER)
    assert missing.status_code == 404
    backwards = lettings.client.get("/reports/lettings-performance?from=2025-03-01&to=2025-01-01", headers=OFFICER)
    assert backwards.status_code == 422 and "to" in str(backwards.json)


def test_the_voids_page_shows_what_the_api_does(browser, made):
    home = browser.get("/app/")
    assert home.status_code in (302, 303) and home.headers["Location"].endswith("/app/voids")
    page = browser.get("/app/voids")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "6 homes void" in text and "£1,790.00" in text
    order = re.findall(r"<br>(P-9000\d\d)", text)
    assert order == ["P-900001", "P-900004", "P-900002", "P-900006", "P-900003", "P-900005"]
    assert f"Offered to {made['a1']}" in text and f"Accepted by {made['a2']}" in text
    assert "Advertised until" in text and "Signed up, tenancy starts" in text
    filtered = browser.get("/app/voids?stage=shortlist&bedrooms=1").get_data(as_text=True)
    assert re.findall(r"<br>(P-9000\d\d)", filtered) == ["P-900006"]
    assert browser.get("/app/voids?bedrooms=many").status_code == 422
    download = browser.get("/app/voids.csv?stage=offered")
    assert download.mimetype == "text/csv" and rows_of(download.get_data(as_text=True))[1][0] == "P-900003"


def test_the_performance_page_has_every_figure_a_chart_and_csv(lettings, made):
    with lettings.app.test_client() as client:
        sign_in_as(client, "leader-1", "team_leader")
        page = client.get("/app/performance", query_string=PERIOD)
        assert page.status_code == 200
        text = page.get_data(as_text=True)
        assert "£185.00" in text and "£405.00" in text and "50%" in text and "The area or location does not suit the household" in text
        assert text.count('<svg xmlns="http://www.w3.org/2000/svg" role="img"') == 2 and "Void days per let, by month" in text
        assert "/app/performance/void-months.csv?from=2025-01-01&amp;to=2025-03-31" in text
        csv_text = client.get("/app/performance/void-months.csv", query_string=PERIOD).get_data(as_text=True)
        assert rows_of(csv_text)[1] == ["2025-01", "2", "42", "280.00", "21.0", "140.00"]
        assert client.get("/app/performance?from=2025-03-01&to=2025-01-01").status_code == 422
        sign_in_as(client, "intake-1", "intake_officer")
        assert client.get("/app/performance").status_code == 403


def test_the_void_report_pages_its_rows_and_totals_the_whole_period(lettings, made):
    # January–March 2025: 14 days at 70.00 (140.00), 28 at 35.00 (140.00), 7 at 100.00 (100.00).
    first = lettings.client.get("/reports/voids", query_string={**PERIOD, "per_page": 2}, headers=OFFICER).json
    assert (first["lets"], first["page"], first["pages"], first["per_page"]) == (3, 1, 2, 2)
    assert (first["total_void_days"], first["total_rent_loss"], first["average_void_days"]) == (49, "380.00", "16.3")
    assert [v["property_reference"] for v in first["voids"]] == ["P-900007", "P-900008"]
    second = lettings.client.get("/reports/voids", query_string={**PERIOD, "per_page": 2, "page": 2},
                                 headers=OFFICER).json
    assert [(v["property_reference"], v["void_days"], v["rent_loss"]) for v in second["voids"]] == [
        ("P-900009", 7, "100.00")]
    assert (second["lets"], second["total_void_days"], second["total_rent_loss"]) == (3, 49, "380.00")
    default = lettings.client.get("/reports/voids", query_string=PERIOD, headers=OFFICER).json
    assert (default["page"], default["pages"], default["per_page"], len(default["voids"])) == (1, 1, 100, 3)
    past = lettings.client.get("/reports/voids", query_string={**PERIOD, "per_page": 2, "page": 9},
                               headers=OFFICER).json
    assert past["page"] == 2 and [v["property_reference"] for v in past["voids"]] == ["P-900009"]
    too_many = lettings.client.get("/reports/voids", query_string={"per_page": 1001}, headers=OFFICER)
    assert too_many.status_code == 422 and "per_page" in str(too_many.json["errors"])


def test_the_void_report_totals_from_the_tallies_and_pairs_only_the_days_of_its_page(lettings, made):
    """A year of a large council's lets (~7,000) was paired with their voids twice a request, to
    total them and to show a page of 100: 66 + 129 ms of SQL (bench/NOTES.md, letx). The totals
    are now the days' tallies, and only the days holding the page's lines are paired."""
    from casework_dev.testing import statements_sent

    with statements_sent(lettings.db.engine) as sent:
        second = lettings.client.get("/reports/voids", query_string={**PERIOD, "per_page": 1, "page": 2},
                                     headers=OFFICER).json
    # The made lets start on 2025-01-15 (P-900007), 2025-01-22 (P-900008) and 2025-03-07 (P-900009).
    assert [v["property_reference"] for v in second["voids"]] == ["P-900008"]
    assert (second["lets"], second["pages"], second["total_void_days"], second["total_rent_loss"]) == (
        3, 3, 49, "380.00")
    pairings = [sql for sql, _ in sent if "row_number()" in sql]
    assert len(pairings) == 1, pairings
    day = second["voids"][0]["let_date"]
    assert f"tenancies.tenancy_start >= '{day}'" in pairings[0] and f"tenancies.tenancy_start <= '{day}'" in pairings[0]
    assert any("FROM daily_tallies" in sql for sql, _ in sent)


def test_the_void_report_pairs_only_the_periods_days_as_a_homes_whole_history_would(lettings):
    # One home let four times: twice before the period, then two lets on the same day inside it
    # (a tenancy that ended the day it started, and the next): each void with its own tenancy.
    days = [dt.date(2024, 6, 1), dt.date(2024, 9, 1), dt.date(2025, 2, 1), dt.date(2025, 2, 1)]
    with lettings.db.transaction() as session:
        home = Property(id=uuid.uuid4(), reference="P-800001", address="1 Kembrey Street", property_type="flat",
                        bedrooms=1, weekly_rent=Decimal("70.00"))
        tenant = Applicant(id=uuid.uuid4(), reference="A-800001", band="A", effective_date=dt.date(2024, 1, 1),
                           application_date=dt.date(2024, 1, 1), bedroom_need=1, lead_name="Lead",
                           lead_date_of_birth=dt.date(1980, 1, 1), status="housed")
        session.add_all([home, tenant])
        session.flush()
        for n, (since, start) in enumerate(zip([dt.date(2024, 5, 25), dt.date(2024, 8, 18), dt.date(2025, 1, 18),
                                                 dt.date(2025, 1, 25)], days, strict=True)):
            session.add(Void(id=uuid.uuid4(), property_id=home.id, void_date=since, reason="transfer", let_date=start))
            made = dt.datetime.combine(start, dt.time(9 + n), tzinfo=dt.UTC)
            o = Offer(id=uuid.uuid4(), reference=f"OF-8{n:05d}", property_id=home.id, applicant_id=tenant.id,
                      status="signed_up", made_at=made - dt.timedelta(days=5), made_by="officer-1",
                      respond_by=made)
            session.add(o)
            session.flush()
            session.add(Tenancy(id=uuid.uuid4(), reference=f"T-8{n:05d}", offer_id=o.id, property_id=home.id,
                                applicant_id=tenant.id, tenancy_start=start, tenancy_type="introductory",
                                high_risk=False, weekly_rent=Decimal("70.00"), service_charge=Decimal("0"),
                                signed_up_by="officer-1", created_at=made))
        session.flush()
        lets.recount(session)  # the tallies, as signing the lets up would have kept them
    report = lettings.client.get("/reports/voids", query_string={"from": "2025-01-01", "to": "2025-03-31"},
                                 headers=OFFICER).json
    assert [(v["tenancy_ref"], v["void_date"], v["void_days"]) for v in report["voids"]] == [
        ("T-800002", "2025-01-18", 14), ("T-800003", "2025-01-25", 7)]
    whole = lettings.client.get("/reports/voids", headers=OFFICER).json
    assert [(v["tenancy_ref"], v["void_days"]) for v in whole["voids"]] == [
        ("T-800000", 7), ("T-800001", 14), ("T-800002", 14), ("T-800003", 7)]


def test_the_core_export_reads_the_kept_logs_in_one_statement_its_days_written_in(lettings, made):
    """Built from the lets, their voids and households on each request, a large council's collection
    year (6,240 lets) took 743 ms in its SQL alone: each let's log is kept when it is signed up, and
    the export reads the period's logs in one statement (bench/NOTES.md, corelog). Its days are
    written in the SQL, as the other reports of lets have them (a prepared statement planned for any
    period had the lets' pairing run as a nested loop, 75-90 s a report)."""
    from casework_dev.testing import statements_sent

    with statements_sent(lettings.db.engine) as sent:
        r = lettings.client.get("/exports/core-lettings.csv", query_string=PERIOD, headers=LEADER)
    assert r.status_code == 200
    read = [sql for sql, _ in sent if "FROM core_logs" in sql or "FROM tenancies" in sql or "household" in sql]
    assert len(read) == 1 and "FROM core_logs" in read[0], read
    assert "core_logs.tenancy_start >= '2025-01-01'" in read[0] and "core_logs.tenancy_start <= '2025-03-31'" in read[0]
    logs = [line for line in rows_of(r.get_data(as_text=True))[2:]]
    assert len(logs) == 3 and all(line[0] == "" for line in logs)


def test_the_performance_figures_read_no_let_even_for_part_months(lettings, made):
    """The part months at a period's ends were counted from the lets, paired with their voids (the
    default period's current month always one: 8 + 4 ms at full size); they are the days' tallies
    now, so the figures read no tenancy whatever the period (bench/NOTES.md, letx)."""
    from casework_dev.testing import statements_sent

    with statements_sent(lettings.db.engine) as sent:
        part = lettings.client.get("/reports/lettings-performance", query_string={"from": "2025-01-15", "to": "2025-03-20"},
                                   headers=LEADER).json
    assert not [sql for sql, _ in sent if "tenancies" in sql]
    assert any("FROM daily_tallies" in sql for sql, _ in sent)
    # January from the 15th: both January lets (the 15th and the 22nd); March to the 20th: the 7th's.
    assert [(m["month"], m["lets"], m["void_days"]) for m in part["void_months"]] == [
        ("2025-01", 2, 42), ("2025-02", 0, 0), ("2025-03", 1, 7)]
    assert part["lets_by_band"][:2] == [{"band": "A", "lets": 2}, {"band": "B", "lets": 1}]
    later = lettings.client.get("/reports/lettings-performance", query_string={"from": "2025-01-16", "to": "2025-03-06"},
                                headers=LEADER).json
    assert [(m["month"], m["lets"], m["void_days"]) for m in later["void_months"]] == [
        ("2025-01", 1, 28), ("2025-02", 0, 0), ("2025-03", 0, 0)]


def test_a_page_of_live_voids_reads_the_adverts_and_offers_of_its_own_voids_only(lettings, made):
    """A large council has a thousand homes empty at once: the adverts and offers of every one were
    read to show 25 (209 ms p95 at full size). The page is cut first, then its voids' advert and
    offer looked up by the keys kept on them (``letting.void_stages``), in the same statement."""
    from casework_dev.testing import statements_sent

    with statements_sent(lettings.db.engine) as sent:
        body = lettings.client.get("/reports/live-voids?per_page=2&page=2", headers=OFFICER).json
    assert [(v["property_reference"], v["stage"]) for v in body["voids"]] == [("P-900002", "advertised"),
                                                                              ("P-900006", "shortlist")]
    assert (body["total"], body["pages"], body["rent_lost"]) == (6, 3, "1790.00")
    assert not [sql for sql, _ in sent if sql.lstrip().startswith(("SELECT adverts", "SELECT offers"))]
    [lines] = [sql for sql, _ in sent if "FROM adverts" in sql]
    assert "LIMIT" in lines and "WHERE adverts.id = anon_1.advert_id" in lines, lines


def test_the_offers_report_writes_its_days_in_and_counts_the_offers_by_answer_in_the_database(lettings, made):
    """A quarter of a large council's lets took 3,208 offers, read one by one to be counted; and its
    days, sent as parameters, were planned for any period once prepared (bench/NOTES.md, letx)."""
    from casework_dev.testing import statements_sent

    with statements_sent(lettings.db.engine) as sent:
        body = lettings.client.get("/reports/offers", query_string=PERIOD, headers=OFFICER).json
    # The three lets of January–March 2025, each signed up from a direct offer; P-900007's direct
    # offers before its sign-up (15 January) were refused on 1 December, 5 and 6 January (those of
    # 6 February and 6 March came after it).
    assert (body["lets"], body["offers"]) == (3, 6)
    assert body["outcomes"] == {"refused": 3, "signed_up": 3}
    assert [(r["reason"], r["count"], r["unreasonable"]) for r in body["refusal_reasons"]] == [
        ("In their words: location", 2, 0), ("In their words: accessibility", 1, 0)]
    periods = [sql for sql, _ in sent if "tenancies.tenancy_start >=" in sql]
    assert len(periods) == 2 and all("tenancies.tenancy_start >= '2025-01-01'" in sql
                                     and "tenancies.tenancy_start <= '2025-03-31'" in sql for sql in periods), periods
    assert "GROUP BY offers.status" in periods[1]


def test_live_voids_by_stage_make_only_their_pages_voids(lettings, made, monkeypatch):
    """By stage only the page's voids are made into report lines: a large council's thousand were
    made to show 25 (bench/NOTES.md, letx)."""
    from lettings.letting import reporting

    made_lines = []

    class Counted(reporting.LiveVoid):
        def __init__(self, **fields):
            made_lines.append(fields["property_reference"])
            super().__init__(**fields)

    monkeypatch.setattr(reporting, "LiveVoid", Counted)
    body = lettings.client.get("/reports/live-voids?stage=shortlist", headers=OFFICER).json
    assert [(v["property_reference"], v["rent_lost"]) for v in body["voids"]] == [("P-900006", "105.00")]
    assert (body["total"], body["rent_lost"]) == (1, "105.00")
    assert made_lines == ["P-900006"]  # not the six live voids


def test_live_voids_on_one_page_are_read_once(lettings, made):
    """The CSV (every match on one page) read every live void twice: once for the count and the
    rent lost, once for its lines (a large council's thousand; bench/NOTES.md, voids). A first page
    holding every match is its own count; a page that may not is still counted apart."""
    from casework_dev.testing import statements_sent

    def voids_read(path):
        with statements_sent(lettings.db.engine) as sent:
            r = lettings.client.get(path, headers=OFFICER)
        assert r.status_code == 200
        return r, [sql for sql, _ in sent if "FROM voids" in sql]

    r, read = voids_read("/reports/live-voids.csv")
    assert len(read) == 1, read
    assert [row[0] for row in rows_of(r.get_data(as_text=True))[1:]] == [
        "P-900001", "P-900004", "P-900002", "P-900006", "P-900003", "P-900005"]
    r, read = voids_read("/reports/live-voids?per_page=10")
    assert len(read) == 1 and (r.json["total"], r.json["pages"], r.json["rent_lost"]) == (6, 1, "1790.00")
    r, read = voids_read("/reports/live-voids?per_page=6")  # full: a seventh may exist
    assert len(read) == 2 and (r.json["total"], r.json["pages"], len(r.json["voids"])) == (6, 1, 6)
    r, read = voids_read("/reports/live-voids?per_page=4&page=9")  # past the end: the last page
    assert len(read) == 2 and (r.json["page"], [v["property_reference"] for v in r.json["voids"]]) == (
        2, ["P-900003", "P-900005"])


def test_live_voids_all_shown_work_out_each_rent_lost_once(lettings, made, monkeypatch):
    """Every match shown (the CSV, a short first page): the total rent lost is the lines', not
    each void's worked out a second time (a thousand at full size; bench/NOTES.md, voids)."""
    from lettings.letting import reporting

    calls = []

    def counted(rent, days):
        calls.append(days)
        return original(rent, days)

    original = reporting.rent_loss
    monkeypatch.setattr(reporting, "rent_loss", counted)
    body = lettings.client.get("/reports/live-voids?per_page=10", headers=OFFICER).json
    assert (body["total"], body["rent_lost"], len(calls)) == (6, "1790.00", 6)
    calls.clear()
    body = lettings.client.get("/reports/live-voids?per_page=2", headers=OFFICER).json  # a page of 3
    assert (body["total"], body["rent_lost"], len(calls)) == (6, "1790.00", 2 + 6)
    calls.clear()
    text = lettings.client.get("/reports/live-voids.csv", headers=OFFICER).get_data(as_text=True)
    assert len(rows_of(text)) == 7 and len(calls) == 6
