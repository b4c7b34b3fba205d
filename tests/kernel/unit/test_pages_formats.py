"""GOV.UK's date and time style in London's time (casework.pages.formats)."""

import datetime as dt

import pytest

from casework.pages.formats import govuk_date, govuk_datetime


@pytest.mark.parametrize(("moment", "written"), [
    (dt.datetime(2025, 3, 4, 17, 0, tzinfo=dt.UTC), "4 March 2025 at 5pm"),
    (dt.datetime(2025, 7, 4, 16, 0, tzinfo=dt.UTC), "4 July 2025 at 5pm"),         # British Summer Time
    (dt.datetime(2025, 7, 4, 8, 30, tzinfo=dt.UTC), "4 July 2025 at 9:30am"),
    (dt.datetime(2025, 1, 10, 12, 0, tzinfo=dt.UTC), "10 January 2025 at midday"),
    (dt.datetime(2025, 1, 10, 0, 0, tzinfo=dt.UTC), "10 January 2025 at midnight"),
    (dt.datetime(2025, 6, 30, 23, 30, tzinfo=dt.UTC), "1 July 2025 at 12:30am"),   # already tomorrow in London
    (dt.datetime(2025, 1, 10, 12, 0), "10 January 2025 at midday"),               # SQLite's naive UTC
])
def test_a_moment_is_written_in_londons_time(moment, written):
    assert govuk_datetime(moment) == written


def test_a_date_is_written_as_is_and_nothing_as_nothing():
    assert govuk_date(dt.date(2025, 3, 4)) == "4 March 2025"
    assert govuk_date(None) == govuk_datetime(None) == ""
