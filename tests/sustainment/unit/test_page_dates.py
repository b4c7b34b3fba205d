"""The case pages' dates and times as GOV.UK writes them (sustainment.web.common.when / on_day),
each text worked out once: a case page writes 170 of them on every reading."""

import datetime as dt

from casework.pages.formats import govuk_date, govuk_datetime
from sustainment.web.common import on_day, when


def test_dates_and_times_as_govuk_writes_them():
    assert when("2026-03-04T17:00:00+00:00") == "4 March 2026 at 5pm"
    assert when("2026-07-04T11:30:00+00:00") == "4 July 2026 at 12:30pm"  # London's summer time
    assert when("2026-03-04") == on_day("2026-03-04") == "4 March 2026"
    assert when(None) == when("") == on_day(None) == ""


def test_the_same_text_is_worked_out_once():
    when.cache_clear()
    moments = [dt.datetime(2026, 1, 1, 9, tzinfo=dt.UTC) + dt.timedelta(hours=n) for n in range(40)]
    for _ in range(5):
        written = [when(moment.isoformat()) for moment in moments]
    assert written == [govuk_datetime(moment) for moment in moments]
    assert when.cache_info().misses == 40 and when.cache_info().hits == 160
    assert on_day("2026-12-25") == govuk_date(dt.date(2026, 12, 25))
