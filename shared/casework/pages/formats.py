"""Dates and times as GOV.UK writes them, in London's time: the pages' Jinja filters
``govuk_date`` ("4 March 2025") and ``govuk_datetime`` ("4 March 2025 at 5pm")."""

from __future__ import annotations

import datetime as dt
from typing import Any

from casework.db import as_utc
from casework.workdays import LONDON


def govuk_date(moment: dt.datetime | dt.date | None) -> str:
    """"4 March 2025" (a datetime is read in London's time); empty for None."""
    if moment is None:
        return ""
    day = as_utc(moment).astimezone(LONDON).date() if isinstance(moment, dt.datetime) else moment
    return f"{day.day} {day.strftime('%B %Y')}"


def govuk_time(moment: dt.datetime) -> str:
    """"5pm", "9:30am", "midday", "midnight" in London's time."""
    local = as_utc(moment).astimezone(LONDON)
    if (local.hour, local.minute) == (12, 0):
        return "midday"
    if (local.hour, local.minute) == (0, 0):
        return "midnight"
    hour = local.hour % 12 or 12
    return f"{hour}{local.strftime(':%M') if local.minute else ''}{'am' if local.hour < 12 else 'pm'}"


def govuk_datetime(moment: dt.datetime | None) -> str:
    """"4 March 2025 at 5pm" in London's time; empty for None."""
    if moment is None:
        return ""
    return f"{govuk_date(moment)} at {govuk_time(moment)}"


def kept_as_written(text: Any, width: Any = 4, first: bool = False, blank: bool = False) -> Any:
    """Jinja's ``indent`` filter, as the pages use it: the text as it is.

    GOV.UK Frontend's macros indent every nested block of HTML to line up their source. That is
    whitespace a browser collapses, yet it cost more than half a case page's time (each level of
    nesting re-indents everything inside it: a tab panel holds most of the page), and it adds
    spaces inside a ``<textarea>``'s or ``<pre>``'s text, which a browser does not collapse. So the
    pages' ``indent`` leaves text as written.
    """
    return text
