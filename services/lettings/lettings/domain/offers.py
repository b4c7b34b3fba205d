"""Offer rules: response time, bypasses and suspension after unreasonable refusals."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from casework.workdays import deadline

from .policy import LettingsPolicy


def default_respond_by(made_at: dt.datetime, policy: LettingsPolicy) -> dt.datetime:
    """Close of business on the policy's n-th working day after the offer is made."""
    return deadline(made_at, policy.response_working_days)


def months_before(day: dt.datetime, months: int) -> dt.datetime:
    """The same moment ``months`` calendar months earlier (clamped to the month's last day)."""
    month_index = day.year * 12 + day.month - 1 - months
    year, month = divmod(month_index, 12)
    month += 1
    for d in (day.day, 30, 29, 28):
        try:
            return day.replace(year=year, month=month, day=d)
        except ValueError:
            continue
    raise ValueError("unreachable")


def unreasonable_within_window(unreasonable_refusals_at: Sequence[dt.datetime], now: dt.datetime,
                               policy: LettingsPolicy) -> int:
    """How many of the unreasonable refusals fall within the policy's window up to ``now``."""
    since = months_before(now, policy.refusal_window_months)
    return len([at for at in unreasonable_refusals_at if since < at <= now])


def counts_towards_suspension(status: str, refusal_reasonable: bool | None, policy: LettingsPolicy) -> bool:
    """Whether an answered offer counts as an unreasonable refusal: a refusal the council judged
    unreasonable; an expiry too when the policy says so, unless a review found it reasonable."""
    if status == "refused":
        return refusal_reasonable is False
    if status == "expired":
        return policy.expired_counts_as_refusal and refusal_reasonable is not True
    return False


def suspends_applicant(unreasonable_refusals_at: Sequence[dt.datetime], now: dt.datetime,
                       policy: LettingsPolicy) -> bool:
    """True when the unreasonable refusals within the window reach the policy's limit.

    ``unreasonable_refusals_at`` includes the refusal being recorded now.
    """
    return unreasonable_within_window(unreasonable_refusals_at, now, policy) >= policy.unreasonable_refusal_limit


def bypassed(ranked: Sequence[object], already_offered: set, chosen: object) -> list:
    """The ranked bidders above ``chosen`` who have not been offered the home: passing over
    them needs a recorded reason. Raises ``ValueError`` when ``chosen`` is not ranked."""
    if chosen not in ranked:
        raise ValueError("not on the shortlist")
    above = ranked[: list(ranked).index(chosen)]
    return [a for a in above if a not in already_offered]
