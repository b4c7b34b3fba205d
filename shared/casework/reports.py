"""What every performance report shares: a date range, shares as percentages, months, and CSV.

A report page and its JSON twin take the same range: ``from`` and ``to`` as ISO dates
(``?from=2026-01-01&to=2026-03-31``) or as the GOV.UK date input's three fields
(``from-day``, ``from-month``, ``from-year``; the same for ``to``). Both ends are included, and
days and months are London's (as every report period: ``casework.workdays``).
Without them the range is the twelve months up to today (pass ``casework.workdays.london_today()``). A range the officer cannot mean
raises :class:`BadRange` naming the field (the API answers 422 with it, a page shows it
beside the field).

Every figure is also a CSV file for a BI tool: :func:`csv_response` writes rows (dicts) with
the columns named, in that order.

A service's performance page is :func:`performance_page`: the range asked (or its refusal), the
report, one figure as CSV, else the page.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import marshmallow as ma
from flask import Response, request
from sqlalchemy import ColumnElement, case, literal

from casework.db import utcnow
from casework.pages import render
from casework.web import abort, db_session
from casework.web.fields import EARLIEST, LATEST, Date
from casework.workdays import LONDON, london_time, london_today

__all__ = ["BadRange", "DateRange", "RangeArgs", "csv_response", "date_range", "month_index", "month_name", "month_of",
           "months", "percent", "performance_page"]


class BadRange(ValueError):
    """A date range that cannot be read: ``field`` is ``from`` or ``to``."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field, self.message = field, message


@dataclass(frozen=True)
class DateRange:
    """Days ``start`` to ``end``, both included."""

    start: dt.date
    end: dt.date

    @property
    def since(self) -> dt.datetime:
        """The first instant of the range (midnight in London), for ``column >= since``."""
        return london_time(self.start, dt.time())

    @property
    def until(self) -> dt.datetime:
        """The first instant after the range (midnight in London), for ``column < until``."""
        return london_time(self.end + dt.timedelta(days=1), dt.time())

    def holds(self, moment: dt.datetime | None) -> bool:
        return moment is not None and self.since <= moment < self.until

    def as_query(self) -> dict[str, str]:
        return {"from": self.start.isoformat(), "to": self.end.isoformat()}


class RangeArgs(ma.Schema):
    """The API's date range (``?from=2026-01-01&to=2026-03-31``): give the loaded arguments to
    :func:`date_range`."""

    from_ = Date(data_key="from", metadata={"example": "2026-01-01",
                                                   "description": "first day (default: a year before `to`)"})
    to = Date(metadata={"example": "2026-12-31", "description": "last day, included (default: today)"})


def _one(args: Mapping[str, object], name: str) -> dt.date | None:
    loaded = args.get(f"{name}_") if name == "from" else args.get(name)
    if isinstance(loaded, dt.date):
        return loaded
    parts = [str(args.get(f"{name}-{p}") or "").strip() for p in ("day", "month", "year")]
    text = str(args.get(name) or "").strip()
    if any(parts):
        if not all(parts):
            raise BadRange(name, f"The {_words(name)} date must include a day, month and year")
        try:
            day, month, year = (int(p) for p in parts)
            found = dt.date(year, month, day)
        except ValueError:
            raise BadRange(name, f"The {_words(name)} date must be a real date") from None
        if not EARLIEST <= found <= LATEST:
            raise BadRange(name, f"The {_words(name)} date must be between {EARLIEST.year} and {LATEST.year}")
        return found
    if text:
        try:
            found = dt.date.fromisoformat(text)
        except ValueError:
            raise BadRange(name, f"The {_words(name)} date must be a real date, like 2026-01-31") from None
        if not EARLIEST <= found <= LATEST:
            raise BadRange(name, f"The {_words(name)} date must be between {EARLIEST.year} and {LATEST.year}")
        return found
    return None


def _words(name: str) -> str:
    return "start" if name == "from" else "end"


def date_range(args: Mapping[str, object], today: dt.date, *, default_days: int = 365) -> DateRange:
    """The range the request asks for (see the module's text); raises :class:`BadRange`."""
    end = _one(args, "to") or today
    start = _one(args, "from") or end - dt.timedelta(days=default_days - 1)
    if start > end:
        raise BadRange("from", "The start date must be the same as or before the end date")
    return DateRange(start, end)


def percent(part: int, whole: int) -> float | None:
    """``part`` of ``whole`` as a percentage to one decimal place; ``None`` when there is no whole."""
    return round(100 * part / whole, 1) if whole else None


def month_of(moment: dt.datetime | dt.date) -> str:
    """``2026-03`` for any moment in March 2026 (in London)."""
    if isinstance(moment, dt.datetime):
        moment = moment.astimezone(LONDON)
    return f"{moment.year:04d}-{moment.month:02d}"


def month_name(month: str, short: bool = False) -> str:
    """``2026-03`` as ``March 2026`` (``Mar 26`` when ``short``, for a chart's axis)."""
    year, number = (int(part) for part in month.split("-"))
    day = dt.date(year, number, 1)
    return day.strftime("%b %y") if short else day.strftime("%B %Y")


def months(span: DateRange) -> Iterator[str]:
    """Every month the range touches, first to last (``2026-01``, ``2026-02``, …)."""
    year, month = span.start.year, span.start.month
    while (year, month) <= (span.end.year, span.end.month):
        yield f"{year:04d}-{month:02d}"
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)


def _cell(value: object) -> object:
    if value is None:
        return ""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value  # a spreadsheet would run it as a formula
    return value


def csv_response(rows: Iterable[Mapping[str, object]], columns: Sequence[str], filename: str) -> Response:
    """``rows`` as a CSV download (UTF-8, a header line of ``columns``; ``None`` is an empty cell)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([_cell(row.get(c)) for c in columns])
    return Response(out.getvalue(), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{filename}.csv"'})


def performance_page(template: str, *, report: Callable[..., dict], table: Callable[[dict, str], list[dict]],
                     tables: Mapping[str, Sequence[str]], csv_name: str, **context: Any) -> Any:
    """A team leaders' performance page, as a page view's whole answer.

    Reads the range asked (a :class:`BadRange` shows the page again with status 422, the default
    range and the refusal as ``bad``), takes every figure from ``report(session, span, now=...)``,
    the same use case the API's ``GET /reports/…`` calls, and answers
    ``?format=csv&figure=<name>`` with that figure's rows (``table(found, name)``) in the columns
    ``tables[name]`` names, as ``<csv_name>-<figure>-<from>-<to>.csv`` (404 for a figure not in
    ``tables``). Otherwise renders ``template`` with ``report``, ``span``, ``bad`` and ``context``.
    """
    now = utcnow()
    bad = None
    try:
        span = date_range(request.args, london_today(now))
    except BadRange as refused:
        bad, span = refused, date_range({}, london_today(now))
    found = report(db_session(), span, now=now)
    figure = request.args.get("figure", "")
    if request.args.get("format") == "csv" and bad is None:
        if figure not in tables:
            abort(404, "No such figure")
        return csv_response(table(found, figure), tables[figure],
                            f"{csv_name}-{figure.replace('_', '-')}-{span.start}-{span.end}")
    return render(template, 422 if bad else 200, report=found, span=span, bad=bad, **context)


def month_index(column: ColumnElement, span: DateRange) -> ColumnElement[int]:
    """SQL for the position in ``list(months(span))`` of the London month a moment ``column`` (in
    the range) falls in, to count by month in the database: a CASE over the months' first
    instants, so PostgreSQL and SQLite alike (no time zone functions).

    The CASEs halve the months at each step (six comparisons a row for five years' months): one
    CASE with a WHEN a month was sixty comparisons a row, most of a five-year report's time at a
    large council's size (bench/NOTES.md, "A large council: intake")."""
    starts = [london_time(dt.date(int(m[:4]), int(m[5:]), 1), dt.time()) for m in months(span)][1:]

    def between(first: int, last: int) -> ColumnElement[int]:
        # The position is one of first..last; starts[i] is where position i + 1 begins.
        if first == last:
            return literal(first)
        middle = (first + last) // 2
        return case((column < starts[middle], between(first, middle)), else_=between(middle + 1, last))

    return between(0, len(starts))
