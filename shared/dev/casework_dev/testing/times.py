"""Times in tests: in JSON bodies every one must carry its offset (DESIGN §5), on both backends;
and a day ahead of the clock for a test's deadlines, however long the test suite lives."""

from __future__ import annotations

import datetime as dt
import re

_DATE_TIME = re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(?P<offset>Z|[+-]\d{2}:?\d{2})?")


def naive_times(body, path: str = "$") -> list[str]:
    """Where a decoded JSON ``body`` holds a date-time with no offset, as paths (``$.visits[0].at``).

    Dates alone (``2026-01-05``) are not times and pass.
    """
    if isinstance(body, dict):
        return [found for key, value in body.items() for found in naive_times(value, f"{path}.{key}")]
    if isinstance(body, list):
        return [found for i, value in enumerate(body) for found in naive_times(value, f"{path}[{i}]")]
    if isinstance(body, str) and (match := _DATE_TIME.fullmatch(body)) and not match.group("offset"):
        return [f"{path} = {body}"]
    return []


def stored_times(harness) -> dict[str, set]:
    """Every time column of the harness's service (its tables and the kernel's) that holds a value,
    read back from its database through the column's type: ``{"table.column": {tzinfo, …}}``.
    Each set must be ``{datetime.UTC}`` on both backends (``casework.db.UTCDateTime``)."""
    from sqlalchemy import DateTime, select

    from casework.migrations import target_metadata

    found: dict[str, set] = {}
    with harness.db.transaction() as session:
        for metadata in target_metadata(harness.service.metadata):
            for table in metadata.tables.values():
                for column in table.columns:
                    if isinstance(column.type, DateTime) or isinstance(getattr(column.type, "impl", None), DateTime):
                        zones = {value.tzinfo for value in session.scalars(select(column).where(column.is_not(None)))}
                        if zones:
                            found[f"{table.name}.{column.name}"] = zones
    return found


def plain_monday(years_ahead: int = 2) -> dt.date:
    """A Monday ``years_ahead`` years on from today, for dates a test needs ahead of the clock and
    inside the years the APIs take (``casework.web.fields.NearDate``: five either side of today):
    the first Monday of March, so the fortnight after it has no bank holiday (Easter comes later)
    and London keeps GMT (17:00 there is 17:00 UTC)."""
    from casework.workdays import is_working_day

    first = dt.date(dt.date.today().year + years_ahead, 3, 1)
    monday = first + dt.timedelta(days=-first.weekday() % 7)
    fortnight = [monday + dt.timedelta(days=n) for n in range(15)]
    assert all(is_working_day(day) for day in fortnight if day.weekday() < 5), f"a bank holiday after {monday}"
    return monday
