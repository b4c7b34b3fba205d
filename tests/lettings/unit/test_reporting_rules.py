"""The rules behind the live voids and the performance figures, each worked out by hand."""

import datetime as dt
from decimal import Decimal

import pytest

from lettings.domain.void_stage import stage_of
from lettings.letting import reporting
from lettings.web.charts import bar_chart


@pytest.mark.parametrize(("days", "band"), [(0, "0–14 days"), (14, "0–14 days"), (15, "15–28 days"),
                                            (28, "15–28 days"), (29, "29–56 days"), (56, "29–56 days"),
                                            (57, "57 days or more"), (400, "57 days or more")])
def test_a_void_falls_in_one_age_band(days, band):
    assert reporting.age_band(days) == band


@pytest.mark.parametrize(("advert", "offer", "let_date", "stage"), [
    (None, None, None, "not_advertised"),
    ("open", None, None, "advertised"),
    ("closed", None, None, "shortlist"),
    ("closed", "pending", None, "offered"),
    (None, "pending", None, "offered"),          # a direct offer, never advertised
    ("closed", "accepted", None, "accepted"),
    ("let", "signed_up", dt.date(2026, 1, 5), "signed_up"),
    ("closed", None, dt.date(2026, 1, 5), "signed_up"),
])
def test_where_a_live_void_stands(advert, offer, let_date, stage):
    assert stage_of(advert, offer, let_date) == stage


def test_the_refusal_rate_is_refused_of_the_offers_answered():
    assert reporting.refusal_rate(3, 1) == Decimal("0.25")
    assert reporting.refusal_rate(0, 2) == Decimal("1")
    assert reporting.refusal_rate(2, 1) == Decimal("0.3333")
    assert reporting.refusal_rate(0, 0) is None


def test_every_month_of_the_period_has_a_row():
    assert reporting.months_between(dt.date(2024, 11, 20), dt.date(2025, 2, 1)) == [
        "2024-11", "2024-12", "2025-01", "2025-02"]
    assert reporting.default_period(dt.date(2026, 12, 7)) == (dt.date(2026, 1, 1), dt.date(2026, 12, 7))
    assert reporting.default_period(dt.date(2026, 3, 15)) == (dt.date(2025, 4, 1), dt.date(2026, 3, 15))


def test_void_days_and_rent_loss_per_let_by_month():
    lets = [(dt.date(2025, 1, 15), 14, Decimal("140.00")), (dt.date(2025, 1, 22), 29, Decimal("145.00")),
            (dt.date(2025, 3, 7), 7, Decimal("100.00"))]
    rows = reporting.void_months(reporting.month_totals(lets), ["2025-01", "2025-02", "2025-03"])
    assert rows[0] == {"month": "2025-01", "lets": 2, "void_days": 43, "rent_loss": Decimal("285.00"),
                       "void_days_per_let": Decimal("21.5"), "rent_loss_per_let": Decimal("142.50")}
    assert rows[1] == {"month": "2025-02", "lets": 0, "void_days": 0, "rent_loss": Decimal("0"),
                       "void_days_per_let": None, "rent_loss_per_let": None}
    assert rows[2]["void_days_per_let"] == Decimal("7.0")


def test_a_figure_as_a_table_for_its_csv():
    figures = {"offers": {"made": 5, "accepted": 2, "refused": 2, "expired": 1, "withdrawn": 0, "pending": 0,
                          "refusal_rate": Decimal("0.5000"),
                          "refused_by_reason": [{"reason": "too_far", "label": "Too far", "refused": 2}]},
               "register": {"bedroom_needs": [1, 3], "rows": [{"band": "A", "by_bedroom_need": {"1": 2, "3": 1},
                                                                "total": 3}]}}
    header, rows = reporting.figure_rows(figures, "offers")
    assert header == ["measure", "value"] and ["refusal_rate", Decimal("0.5000")] in rows
    assert rows[-1] == ["refused: too_far", 2]
    assert reporting.figure_rows(figures, "register") == (
        ["band", "1 bedroom need", "3 bedroom need", "total"], [["A", 2, 1, 3]])
    assert reporting.as_csv(["a", "b"], [[1, None]]) == "a,b\n1,\n"
    with pytest.raises(KeyError):
        reporting.figure_rows(figures, "nothing")


def test_a_bar_chart_scales_to_its_largest_bar():
    rows = [{"m": "2025-01", "v": Decimal("20")}, {"m": "2025-02", "v": None}, {"m": "2025-03", "v": Decimal("10")}]
    chart = bar_chart(rows, "m", "v", title="t", width=308, height=200)
    plot = 200 - 16 - 36
    assert [round(b.height, 1) for b in chart.bars] == [plot, 0, plot / 2]
    assert chart.bars[0].y == 16 and chart.bars[1].value == "none" and chart.maximum == "20"
    assert [round(b.x, 1) for b in chart.bars] == [8 + 15, 8 + 100 + 15, 8 + 200 + 15]


def test_refusals_are_counted_by_the_policys_code_with_its_label():
    labels = (("size", "Wrong size"), ("location", "Wrong area"))
    assert reporting.refused_by_reason(["location", None, "location", "size", "gone"], labels) == [
        {"reason": "location", "label": "Wrong area", "refused": 2},
        {"reason": "gone", "label": "gone", "refused": 1},           # a code the policy no longer lists
        {"reason": "no_code", "label": "Recorded before reason codes", "refused": 1},
        {"reason": "size", "label": "Wrong size", "refused": 1}]
    assert reporting.refused_by_reason([], labels) == []
