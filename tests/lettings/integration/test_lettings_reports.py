"""The live voids and the lettings performance figures, over made data whose answers are worked out
by hand in lettings_reports_data.py: through the API (JSON and CSV) and the pages (/app/voids, /app/performance), on both
backends. The pages and the API call the same use cases (lettings.letting.reporting)."""

from __future__ import annotations

import csv
import io
import re
from decimal import Decimal

import pytest

from casework.workdays import london_today
from casework_dev.testing import bearer
from casework_dev.testing.pages import sign_in_as

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
