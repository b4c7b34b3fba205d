"""The reports' shared parts: the date range, percentages, months, CSV, and the SVG charts."""

import datetime as dt
import xml.etree.ElementTree as ET

import pytest
from flask import Flask

from casework.pages.charts import bar_chart, line_chart
from casework.reports import BadRange, DateRange, csv_response, date_range, months, percent

TODAY = dt.date(2026, 3, 15)
SVG = "{http://www.w3.org/2000/svg}"


def test_a_range_from_iso_dates_or_govuk_date_inputs_and_twelve_months_by_default():
    assert date_range({"from": "2026-01-01", "to": "2026-01-31"}, TODAY) == DateRange(dt.date(2026, 1, 1),
                                                                                      dt.date(2026, 1, 31))
    assert date_range({"from-day": "1", "from-month": "2", "from-year": "2026"}, TODAY) == \
        DateRange(dt.date(2026, 2, 1), TODAY)
    assert date_range({}, TODAY) == DateRange(dt.date(2025, 3, 16), TODAY)
    span = DateRange(dt.date(2026, 1, 1), dt.date(2026, 1, 31))
    assert span.holds(dt.datetime(2026, 1, 31, 23, 59, tzinfo=dt.UTC))
    assert not span.holds(dt.datetime(2026, 2, 1, tzinfo=dt.UTC))


@pytest.mark.parametrize("args, field", [
    ({"from": "2026-02-30"}, "from"), ({"to": "soon"}, "to"), ({"to": "9999-12-31"}, "to"),
    ({"to-day": "31", "to-month": "12", "to-year": "9999"}, "to"),
    ({"from-day": "1", "from-month": "", "from-year": "2026"}, "from"),
    ({"from": "2026-03-01", "to": "2026-02-01"}, "from"),
])
def test_a_range_that_cannot_be_meant_names_its_field(args, field):
    with pytest.raises(BadRange) as refused:
        date_range(args, TODAY)
    assert refused.value.field == field


def test_percentages_and_months():
    assert percent(1, 3) == 33.3
    assert percent(0, 0) is None
    assert list(months(DateRange(dt.date(2025, 11, 20), dt.date(2026, 2, 1)))) == \
        ["2025-11", "2025-12", "2026-01", "2026-02"]


def test_csv_has_a_header_and_no_formula_cells():
    with Flask(__name__).app_context():
        r = csv_response([{"officer": "=HYPERLINK()", "cases": 2}, {"officer": None, "cases": 0}],
                         ["officer", "cases"], "caseload")
    assert r.mimetype == "text/csv"
    assert 'filename="caseload.csv"' in r.headers["Content-Disposition"]
    assert r.get_data(as_text=True) == "officer,cases\r\n'=HYPERLINK(),2\r\n,0\r\n"


@pytest.mark.parametrize("chart", [bar_chart, line_chart])
def test_a_chart_is_an_image_with_a_title_and_its_figures_in_words(chart):
    svg = ET.fromstring(str(chart([("Jan", 50), ("Feb", None), ("Mar", 100)], title="Within <deadline>", unit="%")))
    assert svg.get("role") == "img"
    assert svg.find(f"{SVG}title").text == "Within <deadline>"
    assert svg.find(f"{SVG}desc").text == "Jan: 50%; Feb: no figure; Mar: 100%"
    marks = svg.findall(f"{SVG}rect") if chart is bar_chart else svg.findall(f"{SVG}circle")
    assert len(marks) == 2  # no mark for the gap
    heights = [float(m.get("height")) for m in marks] if chart is bar_chart else None
    if heights:
        assert heights[1] == 2 * heights[0]


@pytest.mark.parametrize("chart", [bar_chart, line_chart])
@pytest.mark.parametrize("months", [6, 13, 25, 61])
def test_a_charts_month_labels_never_overlap(chart, months):
    """A year's thirteen months ("Dec 25" … "Dec 26") were thirteen labels 42–45 units apart, each
    some 58 wide: they overlapped. Fewer are written; the figures stay in the description."""
    points = [(f"M{i:02d} 26", i) for i in range(months)]
    svg = ET.fromstring(str(chart(points, title="By month")))
    labels = [t for t in svg.findall(f"{SVG}text") if t.text.startswith("M")]
    xs = [float(t.get("x")) for t in labels]
    assert labels[0].text == "M00 26" and len(labels) >= min(months, 5)
    assert min(b - a for a, b in zip(xs, xs[1:], strict=False)) >= len("M00 26") * 16 * 0.5 + 8
    assert svg.find(f"{SVG}desc").text.count(";") == months - 1  # every month's figure still said
